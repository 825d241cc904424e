package io.clip4j.exchange;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 2-D numpy array read from an .npy file (versions 1-3): little-endian float32 or float16 ({@code <f4}, {@code <f2}:
 * clip-retrieval stores its embeddings as float16), C order, as float rows. The header is checked against the file
 * size, so a truncated file is one line, not a short read.
 */
public record NpyMatrix(int rows, int cols, float[] data) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    public float[] row(int r) {
        float[] out = new float[cols];
        System.arraycopy(data, r * cols, out, 0, cols);
        return out;
    }

    public static NpyMatrix read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, size));
            ch.read(pre, 0);
            byte[] p = pre.array();
            if (p.length < 10
                    || (p[0] & 0xFF) != 0x93
                    || p[1] != 'N'
                    || p[2] != 'U'
                    || p[3] != 'M'
                    || p[4] != 'P'
                    || p[5] != 'Y') {
                throw new Clip4jException(file + ": not a numpy .npy file");
            }
            int major = p[6];
            long headerLen;
            int headerStart;
            if (major == 1) {
                headerLen = (p[8] & 0xFF) | (p[9] & 0xFF) << 8;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                if (p.length < 12) throw new Clip4jException(file + ": truncated .npy header");
                headerLen =
                        ByteBuffer.wrap(p, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
                headerStart = 12;
            } else {
                throw new Clip4jException(file + ": .npy format version " + major + " is not supported");
            }
            if (headerStart + headerLen > size || headerLen > 1 << 20)
                throw new Clip4jException(file + ": truncated .npy header");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, headerStart);
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
            if (!d.find() || !s.find())
                throw new Clip4jException(file + ": .npy header is not a 2-D array (" + header.strip() + ")");
            if (f.find() && f.group(1).equals("True"))
                throw new Clip4jException(file + ": Fortran-order .npy arrays are not supported");
            String descr = d.group(1);
            int width = switch (descr) {
                case "<f4" -> 4;
                case "<f2" -> 2;
                default ->
                    throw new Clip4jException(file + ": .npy dtype " + descr + "; embeddings must be <f4 or <f2");
            };
            long rows = Long.parseLong(s.group(1)), cols = Long.parseLong(s.group(2));
            long dataStart = headerStart + headerLen, bytes = rows * cols * width;
            if (rows * cols > Integer.MAX_VALUE - 8)
                throw new Clip4jException(file + ": " + rows + " x " + cols + " is too large for one array");
            if (size - dataStart != bytes) {
                throw new Clip4jException(
                        file + ": holds " + (size - dataStart) + " data bytes, its header (" + rows + " x " + cols + " "
                                + descr + ") needs " + bytes + (size - dataStart < bytes ? " (truncated)" : ""));
            }
            float[] data = new float[(int) (rows * cols)];
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long at = dataStart;
            int o = 0;
            while (o < data.length) {
                chunk.clear();
                int want = (int) Math.min(chunk.capacity(), (long) (data.length - o) * width);
                chunk.limit(want);
                while (chunk.hasRemaining()) {
                    if (ch.read(chunk, at + chunk.position()) < 0) throw new Clip4jException(file + ": ends early");
                }
                at += want;
                chunk.flip();
                if (width == 4) {
                    int n = want / 4;
                    chunk.asFloatBuffer().get(data, o, n);
                    o += n;
                } else {
                    int n = want / 2;
                    for (int i = 0; i < n; i++) data[o++] = Float.float16ToFloat(chunk.getShort());
                }
            }
            return new NpyMatrix((int) rows, (int) cols, data);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
