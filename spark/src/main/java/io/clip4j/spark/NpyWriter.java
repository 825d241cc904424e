package io.clip4j.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** numpy's .npy format (version 1.0): little-endian float32 [rows, dim], C order, to any Hadoop file system. */
final class NpyWriter {
    private NpyWriter() {}

    static void writeFloat32(FileSystem fs, Path file, List<float[]> rows, int dim) throws IOException {
        try (OutputStream out = new BufferedOutputStream(fs.create(file, true), 1 << 16)) {
            out.write(header(rows.size(), dim));
            ByteBuffer buf = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : rows) {
                if (row.length != dim)
                    throw new IllegalArgumentException("row of " + row.length + " values, expected " + dim);
                buf.clear();
                buf.asFloatBuffer().put(row);
                out.write(buf.array());
            }
        }
    }

    /** Magic, version, header length and the header dict, padded with spaces so that the data starts at a multiple of 64. */
    static byte[] header(int rows, int dim) {
        String dict =
                String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, dim);
        int unpadded = 10 + dict.length() + 1;
        int headerLen = dict.length() + 1 + (64 - unpadded % 64) % 64;
        StringBuilder h = new StringBuilder(dict);
        while (h.length() < headerLen - 1) h.append(' ');
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) headerLen)
                .put(text);
        return b.array();
    }
}
