package io.clip4j.search;

/** Called by the indexer after each committed batch of embeddings. */
@FunctionalInterface
public interface IndexProgress {
    /**
     * @param done  images embedded (or failed) so far in this run
     * @param total images this run has to embed
     */
    void update(int done, int total);

    /** An image that could not be read: one line naming it. */
    default void failed(String message) {}

    IndexProgress NONE = (d, t) -> {};
}
