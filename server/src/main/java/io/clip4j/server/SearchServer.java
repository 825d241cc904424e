package io.clip4j.server;

import io.clip4j.Clip4jException;
import io.clip4j.search.SearchService;
import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP front of a {@link SearchService}: JSON search API, thumbnails, health and metrics, and the web page.
 * Does not own the service: closing the server leaves the service open.
 *
 * <pre>{@code
 * try (SearchServer server = new SearchServer(service, ServerConfig.defaults().withPort(0)).start()) {
 *     System.out.println(server.uri());
 *     server.join();
 * }
 * }</pre>
 */
public final class SearchServer implements AutoCloseable {
    /** Long side of the page's large rendition (the lightbox), in pixels. */
    static final int LARGE_SIZE = 1280;

    private final SearchService service;
    private final ServerConfig config;
    private final Server jetty;
    private final ServerConnector connector;

    public SearchServer(SearchService service, ServerConfig config) {
        this.service = service;
        this.config = config;
        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()));
        threads.setName("clip4j-http");
        jetty = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // The request line may exceed the 2 kB query limit a little (path, method); beyond this Jetty itself
        // answers 414/431. The API's own limit on the query string is checked in ApiHandler.
        http.setRequestHeaderSize(Math.max(8192, config.maxQueryChars() + 4096));
        // "%2F" in an id must reach ApiHandler, which decodes ids itself and looks them up in the index only
        http.setUriCompliance(UriCompliance.DEFAULT.with(
                "clip4j-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);

        Thumbnails thumbnails = new Thumbnails(config.thumbnailSize(), config.thumbnailCacheBytes());
        // the lightbox's rendition: large enough for a screen, a quarter of the cache (few are opened)
        Thumbnails large = new Thumbnails(LARGE_SIZE, config.thumbnailCacheBytes() / 4);
        Metrics metrics = new Metrics(service::size, thumbnails::cachedCount, service::sharedBatches);
        // GracefulHandler lets stop() wait for requests in flight (up to the stop timeout) after closing the port
        jetty.setHandler(new GracefulHandler(new ApiHandler(service, config, metrics, thumbnails, large)));
        jetty.setErrorHandler(new JsonErrorHandler(metrics));
        jetty.setStopTimeout(config.stopTimeoutMillis());
        jetty.setStopAtShutdown(false); // the owner decides (ServeCommand stops it from its shutdown hook)
    }

    /** Binds the port and starts answering; a port in use is a Clip4jException naming host and port. */
    public SearchServer start() {
        try {
            jetty.start();
        } catch (IOException e) {
            stopQuietly();
            throw new Clip4jException("cannot listen on " + config.host() + ":" + config.port() + " ("
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("HTTP server failed to start", e);
        }
        return this;
    }

    /** The base URL, e.g. http://127.0.0.1:8080/ (the actual port when 0 was asked for). */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    public int port() {
        return connector.getLocalPort();
    }

    public SearchService service() {
        return service;
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    public boolean isRunning() {
        return jetty.isRunning();
    }

    /** Graceful stop: stops accepting, lets requests in flight finish (up to the stop timeout). */
    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // stopping is best effort: a timeout just means some requests were cut off
        }
    }
}
