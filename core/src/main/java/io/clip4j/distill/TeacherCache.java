package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImageFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The teacher's unit embeddings of each image under each of K seeded crops, computed once and kept next to the run
 * ({@code teacher_cache.bin}), so that later epochs pay only for the student.
 *
 * <pre>
 * header  "clip4j teacher cache 1\n" + one line of JSON-free text: identity (teacher, embed, resolution, seed, K) + "\n"
 * records 32 bytes sha256 of the image file's content, int32 crop index k, embed x float32 (little endian),
 *         int32 CRC-32 of the bytes before it
 * </pre>
 *
 * Records are appended as they are computed and the file is forced to disk with every checkpoint, so an interrupted
 * run keeps what it had; a torn last record (killed mid-write) is dropped on load, and a record whose CRC does not
 * match is dropped and counted ({@link #dropped()}): its embedding is computed again. A header naming another
 * teacher, seed or K is refused, since its crops would not be the ones the student sees.
 */
public final class TeacherCache implements AutoCloseable {
    public static final String FILE = "teacher_cache.bin";
    private static final String MAGIC = "clip4j teacher cache 1\n";

    /** A cache key: an image's content hash and a crop index. */
    public record Key(String sha256, int crop) {}

    private final Path file;
    private final int embed;
    private final int recordBytes;
    private final Map<Key, float[]> entries = new ConcurrentHashMap<>();
    private final FileChannel channel;
    private int dropped;

    private TeacherCache(Path file, int embed, FileChannel channel) {
        this.file = file;
        this.embed = embed;
        this.recordBytes = 32 + 4 + 4 * embed + 4;
        this.channel = channel;
    }

    /** Opens (or creates) the cache of a run; {@code identity} names everything the cached values depend on. */
    public static TeacherCache open(Path file, String identity, int embed) {
        String header = MAGIC + identity.replace('\n', ' ') + "\n";
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        try {
            FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            TeacherCache c = new TeacherCache(file, embed, ch);
            try {
                long size = ch.size();
                if (size == 0) {
                    ch.write(ByteBuffer.wrap(head));
                    return c;
                }
                ByteBuffer have = ByteBuffer.allocate((int) Math.min(size, head.length));
                ch.read(have, 0);
                if (size < head.length || !Arrays.equals(have.array(), head)) {
                    throw new Clip4jException(
                            file + ": the teacher cache belongs to another run (teacher, seed or --teacher-cache K "
                                    + "differ); delete it or use another --out");
                }
                c.load(head.length, size);
                return c;
            } catch (RuntimeException | IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot open the teacher cache (" + e.getMessage() + ")");
        }
    }

    private void load(long start, long size) throws IOException {
        long whole = (size - start) / recordBytes;
        ByteBuffer rec = ByteBuffer.allocate(recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        HexFormat hex = HexFormat.of();
        for (long r = 0; r < whole; r++) {
            rec.clear();
            channel.read(rec, start + r * recordBytes);
            crc.reset();
            crc.update(rec.array(), 0, recordBytes - 4);
            if ((int) crc.getValue() != rec.getInt(recordBytes - 4)) {
                dropped++;
                continue;
            }
            String sha = hex.formatHex(rec.array(), 0, 32);
            int k = rec.getInt(32);
            float[] v = new float[embed];
            for (int i = 0; i < embed; i++) v[i] = rec.getFloat(36 + 4 * i);
            entries.put(new Key(sha, k), v);
        }
        // a torn tail (the run was killed mid-record) is cut off so that appends stay aligned
        channel.truncate(start + whole * recordBytes);
        channel.position(start + whole * recordBytes);
    }

    public float[] get(Key key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    /** Records dropped on load because their checksum did not match (their embeddings are computed again). */
    public int dropped() {
        return dropped;
    }

    public Path file() {
        return file;
    }

    /** Adds an entry and appends its record. */
    public synchronized void put(Key key, float[] embedding) {
        if (embedding.length != embed)
            throw new IllegalArgumentException(embedding.length + " floats, expected " + embed);
        ByteBuffer rec = ByteBuffer.allocate(recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        rec.put(HexFormat.of().parseHex(key.sha256()));
        rec.putInt(key.crop());
        for (float x : embedding) rec.putFloat(x);
        CRC32 crc = new CRC32();
        crc.update(rec.array(), 0, recordBytes - 4);
        rec.putInt((int) crc.getValue());
        rec.flip();
        try {
            while (rec.hasRemaining()) channel.write(rec);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write the teacher cache (" + e.getMessage() + ")");
        }
        entries.put(key, embedding.clone());
    }

    /** Forces the appended records to disk (with every checkpoint of the run). */
    public synchronized void sync() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write the teacher cache (" + e.getMessage() + ")");
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing is lost: every record was written before
        }
    }

    /** The sha256 of a file's bytes, hex. */
    static String sha256(Path file) {
        try {
            return ImageFiles.contentHash(file);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }
}
