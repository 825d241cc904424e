package io.clip4j.download;

/** Receives the progress of one file transfer at a time. Implementations need not be thread-safe. */
public interface DownloadProgress {
    /**
     * A transfer starts.
     *
     * @param total   the file's size, or -1 if unknown
     * @param already bytes kept from an interrupted earlier download (resume), 0 otherwise
     */
    void start(String fileName, long total, long already);

    /** {@code done} bytes of the file are now on disk (including {@code already}). */
    void update(long done);

    /** The transfer ended (successfully or not). */
    void finish();

    /** A file was already in the cache and verified; nothing is transferred. */
    default void upToDate(String fileName, long bytes) {}

    static DownloadProgress none() {
        return new DownloadProgress() {
            @Override
            public void start(String fileName, long total, long already) {}

            @Override
            public void update(long done) {}

            @Override
            public void finish() {}
        };
    }
}
