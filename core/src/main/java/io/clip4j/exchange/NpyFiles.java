package io.clip4j.exchange;

import io.clip4j.Clip4jException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** numpy's .npy format (version 1.0), little-endian float32 [rows, dim]; and the CSV sidecars that name the rows. */
public final class NpyFiles {
    private NpyFiles() {}

    /**
     * The .npy 1.0 header of a C-order [rows, cols] array of {@code descr} ('<f4', '<f2', ...): magic, version, the
     * header length, and the dict padded with spaces so that the data starts at a multiple of 64 bytes, as numpy does.
     */
    public static byte[] header(String descr, long rows, int cols) {
        String dict = String.format(
                Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, rows, cols);
        int unpadded = 10 + dict.length() + 1; // magic 6 + version 2 + length 2, dict, '\n'
        int headerLen = dict.length() + 1 + (64 - unpadded % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        while (header.length() < headerLen - 1) header.append(' ');
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + headerLen);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) headerLen, (byte) (headerLen >> 8)});
        b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** Writes {@code rows} (each {@code dim} long) as {@code <f4} with shape (rows, dim), C order. */
    public static void writeFloat32(Path file, List<float[]> rows, int dim) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                out.write(header("<f4", rows.size(), dim));
                ByteBuffer buf = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] row : rows) {
                    if (row.length != dim)
                        throw new IllegalArgumentException("row of " + row.length + " values, expected " + dim);
                    buf.clear();
                    buf.asFloatBuffer().put(row);
                    out.write(buf.array());
                }
            }
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** A CSV file (RFC 4180: comma, fields quoted when they need it, CRLF-free: lines end with \n). */
    public static void writeCsv(Path file, List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header);
        for (List<String> r : rows) appendRow(sb, r);
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static void appendRow(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            String f = fields.get(i);
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else sb.append(f);
        }
        sb.append('\n');
    }

    /** {@code emb.npy} → {@code emb.csv}: the sidecar beside an .npy file. */
    public static Path sidecar(Path npy) {
        String name = npy.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return npy.resolveSibling(stem + ".csv");
    }
}
