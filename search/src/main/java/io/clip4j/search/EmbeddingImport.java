package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.exchange.NpyMatrix;
import io.clip4j.exchange.ParquetFile;
import io.clip4j.image.StoredPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Loads embeddings made elsewhere into a store, so that a large index is built without embedding again:
 * <ul>
 *   <li>the output of clip4j's Spark job: Parquet files with {@code path}, {@code embedding} (array&lt;float&gt;),
 *       and optionally {@code sha256} and {@code error} (rows with an error are counted, not imported), beside a
 *       {@code _clip4j-model.json} naming the model that made them;</li>
 *   <li>clip-retrieval's layout: {@code img_emb/img_emb_N.npy} (float16 or float32 [n, dim]) with
 *       {@code metadata/metadata_N.parquet} (column {@code image_path}) row for row.</li>
 * </ul>
 * Vectors must have the store's dimension and are stored at unit length. A recorded model identity must be the
 * store's model; clip-retrieval output records none, so the caller vouches for it (the store's model is the one
 * named on the command line). Paths: absolute as given, relative ones against {@code base}; a local file that
 * exists gets its size and mtime, so a later {@code clip4j index} of its folder keeps the imported vector when
 * the recorded sha256 matches the file and embeds it again otherwise. Re-importing replaces by path.
 */
public final class EmbeddingImport {
    /** The model-identity file clip4j's Spark job writes beside its Parquet output. */
    public static final String MODEL_FILE = "_clip4j-model.json";
    /** Commits are flush points (each one a segment and a graph to merge later): few, as a re-run re-imports anyway. */
    private static final int COMMIT_EVERY = 500_000;

    public enum Layout {
        clip4j,
        clipRetrieval
    }

    /** What an import did. {@code skipped}: rows with an error or no embedding. */
    public record Stats(Layout layout, int files, long imported, long skipped) {}

    private final ImageStore store;
    private final Path base;

    public EmbeddingImport(ImageStore store, Path base) {
        this.store = store;
        this.base = base.toAbsolutePath().normalize();
    }

    /** The layout of {@code dir}, or a one-line error saying what was expected. */
    public static Layout layoutOf(Path dir) {
        if (!Files.isDirectory(dir)) throw new Clip4jException(dir + ": not a folder");
        if (Files.isDirectory(dir.resolve("img_emb"))) return Layout.clipRetrieval;
        if (!parquetFiles(dir).isEmpty()) return Layout.clip4j;
        throw new Clip4jException(
                dir + ": neither clip4j Parquet files (*.parquet) nor clip-retrieval's img_emb/ and metadata/ folders");
    }

    /** The model identity recorded with clip4j output, if any. */
    public static ModelIdentity recordedModel(Path dir) {
        Path f = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(f)) return null;
        try {
            return ModelIdentity.fromJson(Files.readString(f), f.toString());
        } catch (IOException e) {
            throw new Clip4jException(f + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public Stats run(Path dir, IndexProgress progress) {
        Layout layout = layoutOf(dir);
        ModelIdentity recorded = recordedModel(dir);
        if (recorded != null) ImageStore.checkModel(store.meta(), recorded, store.location());
        // shard by shard: a million vectors are 2 GB as floats, one shard at a time is a few hundred MB at most
        List<Supplier<Shard>> shards = layout == Layout.clip4j ? clip4jShards(dir) : clipRetrievalShards(dir);
        long imported = 0, skipped = 0, sinceCommit = 0;
        int total = shards.size();
        for (int s = 0; s < shards.size(); s++) {
            Shard shard = shards.get(s).get();
            List<String> paths = shard.paths();
            List<float[]> vectors = shard.vectors();
            List<String> hashes = shard.hashes();
            for (int i = 0; i < paths.size(); i++) {
                String p = paths.get(i);
                float[] v = vectors.get(i);
                String error = shard.errors() == null ? null : shard.errors().get(i);
                if (p == null || v == null || error != null) {
                    skipped++;
                    if (error != null) progress.failed(p + ": " + error);
                    continue;
                }
                store.put(entry(p, hashes == null ? null : hashes.get(i)), unit(v, shard.file(), i));
                imported++;
                if (++sinceCommit >= COMMIT_EVERY) {
                    store.commit();
                    sinceCommit = 0;
                }
            }
            progress.update(s + 1, total);
        }
        store.commit();
        return new Stats(layout, shards.size(), imported, skipped);
    }

    /** One shard's rows, column by column; {@code hashes} and {@code errors} may be null. */
    private record Shard(
            Path file, List<String> paths, List<float[]> vectors, List<String> hashes, List<String> errors) {}

    private static List<Path> parquetFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !hiddenBelow(dir, p) && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new Clip4jException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /** Spark's and Hadoop's bookkeeping (_temporary, _SUCCESS, .crc files) starts with '_' or '.'. */
    private static boolean hiddenBelow(Path dir, Path p) {
        for (Path part : dir.relativize(p)) {
            String n = part.toString();
            if (n.startsWith("_") || n.startsWith(".")) return true;
        }
        return false;
    }

    private static List<Supplier<Shard>> clip4jShards(Path dir) {
        List<Supplier<Shard>> out = new ArrayList<>();
        for (Path f : parquetFiles(dir)) out.add(() -> clip4jShard(f));
        return out;
    }

    private static Shard clip4jShard(Path f) {
        try (ParquetFile pf = ParquetFile.open(f)) {
            if (!pf.has("path") || !pf.has("embedding")) {
                throw new Clip4jException(f + ": needs columns path and embedding (has "
                        + pf.columns().stream().map(ParquetFile.Column::path).toList() + ")");
            }
            return new Shard(
                    f,
                    pf.strings("path"),
                    pf.floatLists("embedding"),
                    pf.has("sha256") ? pf.strings("sha256") : null,
                    pf.has("error") ? pf.strings("error") : null);
        }
    }

    private static List<Supplier<Shard>> clipRetrievalShards(Path dir) {
        Path emb = dir.resolve("img_emb"), meta = dir.resolve("metadata");
        List<Path> npys;
        try (Stream<Path> s = Files.list(emb)) {
            npys = s.filter(p -> p.getFileName().toString().matches("img_emb_\\d+\\.npy"))
                    .sorted(EmbeddingImport::byShardNumber)
                    .toList();
        } catch (IOException e) {
            throw new Clip4jException(emb + ": cannot list (" + e.getMessage() + ")");
        }
        if (npys.isEmpty()) throw new Clip4jException(emb + ": no img_emb_N.npy files");
        List<Supplier<Shard>> out = new ArrayList<>();
        for (Path npy : npys) {
            String n = npy.getFileName().toString().replaceAll("\\D", "");
            Path pq = meta.resolve("metadata_" + n + ".parquet");
            if (!Files.isRegularFile(pq))
                throw new Clip4jException(pq + ": missing (the metadata of " + npy.getFileName() + ")");
            out.add(() -> clipRetrievalShard(npy, pq));
        }
        return out;
    }

    private static Shard clipRetrievalShard(Path npy, Path pq) {
        NpyMatrix m = NpyMatrix.read(npy);
        List<String> paths;
        try (ParquetFile pf = ParquetFile.open(pq)) {
            String column = pf.has("image_path") ? "image_path" : pf.has("path") ? "path" : null;
            if (column == null) throw new Clip4jException(pq + ": no image_path column");
            paths = pf.strings(column);
        }
        if (paths.size() != m.rows()) {
            throw new Clip4jException(
                    pq + ": " + paths.size() + " rows, but " + npy.getFileName() + " has " + m.rows());
        }
        List<float[]> vectors = new ArrayList<>(m.rows());
        for (int r = 0; r < m.rows(); r++) vectors.add(m.row(r));
        return new Shard(npy, paths, vectors, null, null);
    }

    private static int byShardNumber(Path a, Path b) {
        return Long.compare(
                Long.parseLong(a.getFileName().toString().replaceAll("\\D", "")),
                Long.parseLong(b.getFileName().toString().replaceAll("\\D", "")));
    }

    private ImageStore.Entry entry(String given, String sha256) {
        String stored;
        long size = 0, mtime = 0;
        Path local = localFile(given);
        if (local == null) {
            stored = given; // a URL (clip-retrieval indexes web images, Spark reads hdfs:// or s3a://): kept as text
        } else {
            Path file = base.resolve(local).normalize();
            stored = StoredPaths.of(file);
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    size = a.size();
                    mtime = a.lastModifiedTime().toMillis();
                }
            } catch (IOException absent) {
                // made on another machine: no size or mtime, so a later index run of its folder checks the hash
            }
        }
        String hash = sha256 == null || sha256.isEmpty() ? "" : sha256.toLowerCase(Locale.ROOT);
        return new ImageStore.Entry(ImageStore.idOf(stored), stored, size, mtime, hash);
    }

    /**
     * The local file a recorded path names, or null for a remote one. Spark (Hadoop) writes local files as
     * {@code file:/abs/path} or {@code file:///abs/path}, percent-encoded or not; clip-retrieval writes plain paths.
     */
    static Path localFile(String given) {
        if (given.startsWith("file:")) {
            try {
                return Path.of(URI.create(given));
            } catch (IllegalArgumentException notAUri) {
                // Hadoop's Path.toString() does not escape: "file:/photos/my cat.jpg"
                String rest = given.substring("file:".length());
                while (rest.startsWith("//")) rest = rest.substring(1);
                return Path.of(rest);
            }
        }
        if (given.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) return null;
        return Path.of(given);
    }

    /** The vector at unit length: kept bit for bit when it is already (clip4j's own), else normalised (float16 input). */
    private float[] unit(float[] v, Path file, int row) {
        if (v.length != store.meta().dim()) {
            throw new Clip4jException(file + ": row " + (row + 1) + " has " + v.length + " dims, the index has "
                    + store.meta().dim());
        }
        double n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) throw new Clip4jException(file + ": row " + (row + 1) + " has a non-finite value");
            n += (double) x * x;
        }
        if (n == 0) throw new Clip4jException(file + ": row " + (row + 1) + " is a zero vector");
        return Math.abs(n - 1) < 1e-5 ? v : Clip.normalize(v);
    }
}
