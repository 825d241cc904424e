package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where indexed images and their unit embeddings are kept: the embedded Lucene index ({@link VectorStore}) or a
 * SolrCloud collection (module clip4j-solr). The indexer writes through it and the search service reads through
 * it, so both work on either.
 *
 * <p>Rankings are exact: whatever proposes candidates (a scan, Lucene's HNSW graph, every Solr shard's knn), the
 * scores returned are cosines recomputed from the stored vectors ({@link ExactRanking}), ties broken by path.
 * Reading is thread-safe; writing is single-threaded (the indexer); {@link #commit} makes writes durable and
 * visible together.
 */
public interface ImageStore extends AutoCloseable {
    enum Quantization {
        none,
        int8
    }

    /** What a store records about itself: the model that made its vectors, their dimension, the HNSW encoding. */
    record Meta(ModelIdentity model, int dim, Quantization quantization) {}

    /** One indexed file. {@code id} is derived from the path (stable while the file stays where it is). */
    record Entry(String id, String path, long size, long mtime, String hash) {}

    /** A scored result; the score is the exact cosine of the stored vector with the query. */
    record Scored(String id, String path, float score) {}

    Meta meta();

    /** Where the store is, for messages: a folder, or a Solr collection's address. */
    String location();

    /** The folders indexed into the store and those left out, as recorded by the last indexing run. */
    List<Path> roots();

    List<Path> excludes();

    /** Records the folders of this indexing run; committed with the next {@link #commit}. */
    void recordSources(List<Path> roots, List<Path> excludes);

    int size();

    /** Every indexed file by path. */
    Map<String, Entry> entries();

    /** Every indexed file with (a copy of) its vector, sorted by path: for exports. */
    void forEachVector(BiConsumer<Entry, float[]> action);

    Optional<Entry> byId(String id);

    /** The stored vector of an indexed file (a copy), or empty. */
    Optional<float[]> vectorOfId(String id);

    Optional<float[]> vectorOfPath(String path);

    /** Adds or replaces the file {@code e.path()}. */
    void put(Entry e, float[] unitVector);

    void delete(String path);

    /** Makes commits of other writers (another process indexing) visible; a no-op where searches always see them. */
    default void refresh() {}

    /** Makes every write so far durable and visible to searches, together with the recorded sources. */
    void commit();

    /**
     * The {@code k} stored vectors nearest to {@code unitQuery} by cosine, best first, ties by path, leaving out
     * {@code excludeId} (the query image of "more like this") unless it is null.
     */
    List<Scored> search(float[] unitQuery, int k, String excludeId);

    /**
     * {@link #search} for several queries at once (no exclusions), each answer its query's best {@code k}: a store
     * may answer them in one pass over its vectors.
     */
    default List<List<Scored>> searchAll(List<float[]> unitQueries, int k) {
        List<List<Scored>> out = new ArrayList<>(unitQueries.size());
        for (float[] q : unitQueries) out.add(search(q, k, null));
        return out;
    }

    @Override
    void close();

    /** Refuses a model other than the one that made the store's vectors, naming both. */
    static void checkModel(Meta meta, ModelIdentity model, String where) {
        if (!meta.model().sameModel(model)) {
            throw new Clip4jException(where + ": index was built with another model ("
                    + meta.model().path()
                    + ", dim " + meta.model().embedDim() + "); refusing " + model.path() + " (dim " + model.embedDim()
                    + "): use a new --index folder");
        }
    }

    /** The id of a stored path: the first 16 hex digits of its SHA-256 (URL-safe, the same in every store). */
    static String idOf(String path) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
