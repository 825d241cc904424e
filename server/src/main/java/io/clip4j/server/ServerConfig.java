package io.clip4j.server;

import io.clip4j.Clip4jException;

/**
 * Settings of a {@link SearchServer}. Defaults: 127.0.0.1:8080, 20 MB uploads arriving within 60 s, 2 kB query
 * strings, k up to 200 (20 when not given), 256 px thumbnails with a 64 MB cache, 64 request threads.
 *
 * @param host             interface to bind (a name or an address)
 * @param port             TCP port; 0 picks a free one
 * @param maxUploadBytes   largest request body of {@code POST /api/search} (the whole body, multipart included)
 * @param maxQueryChars    longest query string (the part after '?') of any request
 * @param defaultK         results when the request gives no {@code k}
 * @param maxK             largest {@code k} accepted
 * @param thumbnailSize    long side of thumbnails, in pixels
 * @param thumbnailCacheBytes memory budget of the thumbnail cache (encoded JPEG bytes)
 * @param maxThreads       request threads (searches run on them, so this bounds concurrent searches)
 * @param stopTimeoutMillis how long a graceful stop waits for requests in flight
 * @param uploadTimeoutMillis how long an upload's body may take to arrive (408 after: slow clients free their place)
 */
public record ServerConfig(
        String host,
        int port,
        long maxUploadBytes,
        int maxQueryChars,
        int defaultK,
        int maxK,
        int thumbnailSize,
        long thumbnailCacheBytes,
        int maxThreads,
        long stopTimeoutMillis,
        long uploadTimeoutMillis) {

    public ServerConfig {
        if (host == null || host.isBlank()) throw new Clip4jException("--host: empty host");
        if (port < 0 || port > 65535) throw new Clip4jException("--port: " + port + " is not a TCP port (0..65535)");
        if (maxUploadBytes < 1) throw new Clip4jException("maxUploadBytes must be positive");
        if (maxQueryChars < 16) throw new Clip4jException("maxQueryChars must be at least 16");
        if (maxK < 1 || defaultK < 1 || defaultK > maxK) throw new Clip4jException("need 1 <= defaultK <= maxK");
        if (thumbnailSize < 16) throw new Clip4jException("thumbnailSize must be at least 16");
        if (thumbnailCacheBytes < 0) throw new Clip4jException("thumbnailCacheBytes must not be negative");
        if (maxThreads < 4) throw new Clip4jException("maxThreads must be at least 4");
        if (stopTimeoutMillis < 0) throw new Clip4jException("stopTimeoutMillis must not be negative");
        if (uploadTimeoutMillis < 1) throw new Clip4jException("uploadTimeoutMillis must be positive");
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1", 8080, 20L * 1024 * 1024, 2048, 20, 200, 256, 64L * 1024 * 1024, 64, 5_000, 60_000);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(
                h,
                port,
                maxUploadBytes,
                maxQueryChars,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(
                host,
                p,
                maxUploadBytes,
                maxQueryChars,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withMaxUploadBytes(long m) {
        return new ServerConfig(
                host,
                port,
                m,
                maxQueryChars,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withMaxQueryChars(int m) {
        return new ServerConfig(
                host,
                port,
                maxUploadBytes,
                m,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withThumbnailSize(int s) {
        return new ServerConfig(
                host,
                port,
                maxUploadBytes,
                maxQueryChars,
                defaultK,
                maxK,
                s,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withMaxThreads(int t) {
        return new ServerConfig(
                host,
                port,
                maxUploadBytes,
                maxQueryChars,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                t,
                stopTimeoutMillis,
                uploadTimeoutMillis);
    }

    public ServerConfig withUploadTimeoutMillis(long ms) {
        return new ServerConfig(
                host,
                port,
                maxUploadBytes,
                maxQueryChars,
                defaultK,
                maxK,
                thumbnailSize,
                thumbnailCacheBytes,
                maxThreads,
                stopTimeoutMillis,
                ms);
    }
}
