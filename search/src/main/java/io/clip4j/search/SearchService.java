package io.clip4j.search;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the HTTP server (and the {@code search} command) need from an opened index: queries in, ranked hits
 * out. Implementations are safe for concurrent callers, and keep answering while another process or thread adds
 * images to the same index (they see a recent committed state).
 */
public interface SearchService extends AutoCloseable {

    /** One result: a stable id (usable in URLs), the indexed file, and the cosine score of the query. */
    record Hit(String id, Path path, float score) {}

    /**
     * A parsed query ({@link QueryParser#parse} for the command line, {@link QueryParser#parseUntrusted} for
     * HTTP): text terms and image-file terms, each signed and weighted. {@code textness} is added (scaled) to text
     * terms' vectors before normalising; 0 = off.
     */
    List<Hit> search(List<QueryTerm> terms, int k, float textness);

    /** Query by an uploaded image (encoded bytes; name only for error messages). */
    List<Hit> searchByImage(byte[] encoded, String name, int k);

    /** Query by an indexed image ("more like this"). Empty when the id is unknown. */
    List<Hit> searchById(String id, int k);

    /** The file of an indexed image, only for ids in the index. */
    Optional<Path> pathOf(String id);

    /** Number of indexed images. */
    int size();

    /** Whether a textness direction is available (otherwise textness != 0 is an error). */
    boolean hasTextness();

    /**
     * Runs the service's hot paths once at the batch sizes concurrent load makes, so that the first users do not
     * wait for the JIT; at most {@code budget} long. A no-op where there is nothing to warm.
     */
    default void warmUp(Duration budget) {}

    /** Work shared by concurrent requests, by stage ("text", "scan"); empty for a service that shares none. */
    default Map<String, SharedBatches> sharedBatches() {
        return Map.of();
    }

    @Override
    void close();
}
