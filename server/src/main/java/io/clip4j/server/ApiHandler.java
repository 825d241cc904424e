package io.clip4j.server;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Printable;
import io.clip4j.search.QueryParser;
import io.clip4j.search.QueryTerm;
import io.clip4j.search.SearchService;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers every request. Runs on Jetty's request threads and may block there (searches are CPU work
 * in the service; uploads are read in full first): requests never wait on each other here, only on the thread
 * pool and on the service's own concurrency.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String IMAGE_PREFIX = "/api/image/";
    private static final int MAX_ID_CHARS = 512;
    private static final int UPLOAD_WAIT_SECONDS = 10;
    private static final int UPLOAD_SLOTS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** The request attributes that {@link #send} counts a request under. */
    private static final String ROUTE = "clip4j.route", METHOD = "clip4j.method";

    private final SearchService service;
    private final ServerConfig config;
    private final Metrics metrics;
    private final Thumbnails thumbnails, large;
    private final StaticAssets assets = new StaticAssets();
    /**
     * Decoding an upload can take the memory of a full-size image (the pixel limit): bounding how many are decoded
     * at once bounds that memory, whatever the number of request threads. Reading the bodies is bounded apart, in
     * bytes and time ({@link UploadReader}), so that slow clients never hold these places.
     */
    private final Semaphore decodes = new Semaphore(UPLOAD_SLOTS);

    private final UploadReader uploads;

    ApiHandler(SearchService service, ServerConfig config, Metrics metrics, Thumbnails thumbnails, Thumbnails large) {
        super(InvocationType.BLOCKING);
        this.service = service;
        this.config = config;
        this.metrics = metrics;
        this.thumbnails = thumbnails;
        this.large = large;
        // as many uploads in memory as decodes at once, as before reading and decoding were bounded apart
        this.uploads = new UploadReader(
                config.maxUploadBytes(), UPLOAD_SLOTS * config.maxUploadBytes(), config.uploadTimeoutMillis());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String rawPath = request.getHttpURI().getPath(); // still percent-encoded: ids are decoded here, once
        String route = routeName(rawPath);
        request.setAttribute(ROUTE, route);
        request.setAttribute(METHOD, Metrics.methodLabel(method));
        try {
            String query = request.getHttpURI().getQuery();
            if (query != null && query.length() > config.maxQueryChars()) {
                throw new HttpError(414, "query string too long: at most " + config.maxQueryChars() + " characters");
            }
            dispatch(route, rawPath, method, request, response, callback);
        } catch (HttpError e) {
            // the client's mistake (or a refusal): one line, never a stack trace
            LOG.info("{} {} {}: {}", Metrics.methodLabel(method), route, e.status, Printable.of(e.getMessage()));
            sendJson(response, callback, e.status, Json.error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "{} {} failed",
                    Metrics.methodLabel(method),
                    route,
                    e); // a bug: the stack trace is what is needed to fix it
            sendJson(
                    response,
                    callback,
                    500,
                    Json.error("internal error: " + e.getClass().getSimpleName()));
        }
        return true;
    }

    private void dispatch(
            String route, String rawPath, String method, Request request, Response response, Callback callback) {
        switch (route) {
            case "/api/search" -> {
                if (HttpMethod.GET.is(method)) searchByQuery(request, response, callback);
                else if (HttpMethod.POST.is(method)) searchByUpload(request, response, callback);
                else throw methodNotAllowed(response, "GET, POST");
            }
            case "/api/image" -> {
                requireGet(method, response);
                image(rawPath.substring(IMAGE_PREFIX.length()), request, response, callback);
            }
            case "/healthz" -> {
                requireGet(method, response);
                String body = Json.write(Json.MAPPER
                        .createObjectNode()
                        .put("status", "ok")
                        .put("images", service.size())
                        .put("textness", service.hasTextness()));
                sendJson(response, callback, 200, body);
            }
            case "/metrics" -> {
                requireGet(method, response);
                send(
                        response,
                        callback,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(StandardCharsets.UTF_8));
            }
            case "static" -> {
                requireGet(method, response);
                StaticAssets.Asset asset = assets.get(rawPath);
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                send(response, callback, 200, asset.contentType(), asset.bytes());
            }
            default -> throw HttpError.notFound("no such endpoint: " + SearchParameters.clip(rawPath));
        }
    }

    /** A fixed label per endpoint, so metrics never carry request text. */
    private String routeName(String rawPath) {
        if (rawPath == null) return "other";
        if (rawPath.equals("/api/search")) return "/api/search";
        if (rawPath.startsWith(IMAGE_PREFIX)) return "/api/image";
        if (rawPath.equals("/healthz")) return "/healthz";
        if (rawPath.equals("/metrics")) return "/metrics";
        if (assets.get(rawPath) != null) return "static";
        return "other";
    }

    private void searchByQuery(Request request, Response response, Callback callback) {
        Fields params = queryParameters(request);
        String q = SearchParameters.single(params, "q");
        String like = SearchParameters.single(params, "like");
        int k = SearchParameters.k(params, config);
        float textness = SearchParameters.textness(params);
        if ((q == null) == (like == null))
            throw HttpError.badRequest("give exactly one of q (a query) or like (an image id)");
        if (like != null) {
            if (like.isEmpty()
                    || like.length() > MAX_ID_CHARS
                    || service.pathOf(like).isEmpty()) {
                throw HttpError.notFound("like: unknown image id '" + SearchParameters.clip(like) + "'");
            }
            long t0 = System.nanoTime();
            List<SearchService.Hit> hits = timed("like", () -> service.searchById(like, k));
            sendJson(response, callback, 200, Json.results(hits, (System.nanoTime() - t0) / 1e6));
            return;
        }
        String query = q.strip();
        if (query.isEmpty()) throw HttpError.badRequest("q: empty query");
        if (textness != 0 && !service.hasTextness()) {
            throw HttpError.badRequest("textness: this index has no textness direction; use 0");
        }
        List<QueryTerm> terms;
        try {
            terms = QueryParser.parseUntrusted(query); // text only: never looks at the server's disk
        } catch (Clip4jException e) {
            throw HttpError.badRequest(oneLine(e.getMessage()));
        }
        long t0 = System.nanoTime();
        List<SearchService.Hit> hits = timed("text", () -> service.search(terms, k, textness));
        sendJson(response, callback, 200, Json.results(hits, (System.nanoTime() - t0) / 1e6));
    }

    private void searchByUpload(Request request, Response response, Callback callback) {
        Fields params = queryParameters(request);
        int k = SearchParameters.k(params, config);
        try (UploadReader.Upload upload = uploads.read(request)) {
            try {
                if (!decodes.tryAcquire(UPLOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
                    throw new HttpError(503, "too many uploads at once; try again");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HttpError(503, "server is stopping");
            }
            try {
                long t0 = System.nanoTime();
                List<SearchService.Hit> hits =
                        timed("image", () -> service.searchByImage(upload.bytes, upload.name, k));
                sendJson(response, callback, 200, Json.results(hits, (System.nanoTime() - t0) / 1e6));
            } finally {
                decodes.release();
            }
        }
    }

    /** A thumbnail, or with {@code size=large} the page's lightbox rendition (same decoder and limits). */
    private void image(String encodedId, Request request, Response response, Callback callback) {
        String size = SearchParameters.single(queryParameters(request), "size");
        if (size != null && !size.equals("large") && !size.equals("thumbnail")) {
            throw HttpError.badRequest("size: '" + SearchParameters.clip(size) + "' is not thumbnail or large");
        }
        String id = decodeId(encodedId);
        Optional<Path> file = service.pathOf(id); // the only source of file paths: the index itself
        if (file.isEmpty()) throw HttpError.notFound("unknown image id '" + SearchParameters.clip(id) + "'");
        byte[] jpeg = ("large".equals(size) ? large : thumbnails).of(id, file.get());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private, max-age=300");
        send(response, callback, 200, "image/jpeg", jpeg);
    }

    /** Strict percent-decoding of one path segment; anything odd is simply an unknown id. */
    private static String decodeId(String encoded) {
        if (encoded.isEmpty() || encoded.length() > 3 * MAX_ID_CHARS) throw HttpError.notFound("unknown image id");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) throw HttpError.notFound("unknown image id");
                int hi = Character.digit(encoded.charAt(i + 1), 16), lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw HttpError.notFound("unknown image id");
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7F) {
                throw HttpError.notFound("unknown image id");
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private interface Search {
        List<SearchService.Hit> run();
    }

    /** Runs a service call, recording its latency; the service's user errors become 400s. */
    private List<SearchService.Hit> timed(String kind, Search search) {
        long t0 = System.nanoTime();
        try {
            return search.run();
        } catch (Clip4jException e) {
            throw HttpError.badRequest(oneLine(e.getMessage()));
        } finally {
            metrics.observeSearch(kind, System.nanoTime() - t0);
        }
    }

    private static Fields queryParameters(Request request) {
        try {
            return Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw HttpError.badRequest(
                    "malformed query string (" + SearchParameters.clip(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static void requireGet(String method, Response response) {
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) throw methodNotAllowed(response, "GET");
    }

    private static HttpError methodNotAllowed(Response response, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        return new HttpError(405, "method not allowed (use " + allowed + ")");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private void sendJson(Response response, Callback callback, int status, String json) {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        send(response, callback, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every answer of this handler goes out here, so each request is counted once, and before the client can see
     * the answer (a scrape that follows a response always counts it).
     */
    private void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        Request request = response.getRequest();
        metrics.countRequest((String) request.getAttribute(ROUTE), (String) request.getAttribute(METHOD), status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
