package io.clip4j.download;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP side of the hub: URL layout, Authorization, redirects, retry policy and error messages.
 *
 * <p>Redirects are followed by hand: the hub sends LFS files to a CDN on another host, and the bearer token
 * must only ever go to the endpoint's own origin (the JDK's automatic redirects would not drop it).
 */
final class HubHttp implements AutoCloseable {
    private static final int MAX_REDIRECTS = 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Time until the response headers arrive; the body of a large file may take much longer. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration readTimeout;

    HubHttp(URI endpoint, String token, int maxAttempts, Duration retryDelay, Duration readTimeout) {
        this.endpoint = Objects.requireNonNull(endpoint);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.maxAttempts = Math.max(1, maxAttempts);
        this.retryDelay = retryDelay;
        this.readTimeout = readTimeout;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    int maxAttempts() {
        return maxAttempts;
    }

    boolean hasToken() {
        return token != null;
    }

    URI endpoint() {
        return endpoint;
    }

    URI revisionInfoUri(RepoId repo, String revision) {
        return URI.create(base() + "/api/models/" + repo.id() + "/revision/" + encodeSegment(revision) + "?blobs=true");
    }

    URI resolveUri(RepoId repo, String revision, String fileName) {
        StringBuilder path = new StringBuilder();
        for (String segment : fileName.split("/", -1)) {
            path.append('/').append(encodeSegment(segment));
        }
        return URI.create(base() + "/" + repo.id() + "/resolve/" + encodeSegment(revision) + path);
    }

    private String base() {
        String s = endpoint.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * One GET, following redirects. The caller owns (and must close) the body of the returned response,
     * whatever its status.
     */
    HttpResponse<InputStream> get(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .GET()
                    .timeout(RESPONSE_TIMEOUT)
                    .header("User-Agent", "clip4j");
            headers.forEach(request::header);
            if (token != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> response =
                    client.send(request.build(), StallGuardedBody.handler(readTimeout.toNanos()));
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            response.body().close();
            if (location == null) {
                throw new IOException("redirect without Location from " + current.getHost());
            }
            if (hop >= MAX_REDIRECTS) {
                throw new Clip4jException("too many redirects fetching " + uri);
            }
            try {
                current = current.resolve(new URI(location));
            } catch (URISyntaxException e) {
                throw new IOException("bad redirect Location '" + location + "'");
            }
        }
    }

    /** GET a small body (JSON), retrying transient failures; non-2xx answers become {@link Clip4jException}s. */
    byte[] getBytes(URI uri, ErrorContext context) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<InputStream> response = get(uri, Map.of());
                try (InputStream body = response.body()) {
                    byte[] bytes = body.readAllBytes();
                    int status = response.statusCode();
                    if (status / 100 == 2) {
                        return bytes;
                    }
                    if (!isRetryable(status) || attempt >= maxAttempts) {
                        throw context.httpError(
                                status,
                                response.headers().firstValue("X-Error-Code").orElse(""),
                                new String(bytes, StandardCharsets.UTF_8),
                                hasToken(),
                                endpoint);
                    }
                }
            } catch (IOException e) {
                if (!isRetryable(e) || attempt >= maxAttempts) {
                    throw networkError(uri, e);
                }
            }
            backoff(attempt);
        }
    }

    static boolean isRetryable(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    /** An unknown host will not appear within a few seconds; everything else (reset, timeout, refused) may. */
    static boolean isRetryable(IOException e) {
        return !(rootCause(e) instanceof UnresolvedAddressException) && !(rootCause(e) instanceof UnknownHostException);
    }

    void backoff(int attempt) throws InterruptedException {
        long millis = retryDelay.toMillis() << Math.min(attempt - 1, 6);
        Thread.sleep(millis);
    }

    static Clip4jException networkError(URI uri, IOException e) {
        Throwable root = rootCause(e);
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        String why;
        if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            why = "unknown host";
        } else if (e instanceof HttpConnectTimeoutException) {
            why = "connection timed out";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer in time";
        } else if (e instanceof ConnectException || root instanceof ConnectException) {
            why = "connection refused";
        } else {
            String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
            why = message != null
                    ? message.lines().findFirst().orElse(message)
                    : root.getClass().getSimpleName();
        }
        return new Clip4jException("network failure: cannot reach " + host + " (" + why + ")", e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && effectivePort(a) == effectivePort(b);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (a revision like {@code refs/pr/1} is one segment). */
    static String encodeSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        client.close();
    }

    /** What a request was for, so an HTTP error can be worded for the user. */
    record ErrorContext(RepoId repo, String revision, String fileName) {
        /**
         * The hub labels its errors with {@code X-Error-Code}; it answers 401 rather than 404 for a repository
         * it will not show an anonymous caller, since that could be private.
         */
        Clip4jException httpError(int status, String errorCode, String body, boolean hasToken, URI endpoint) {
            String what = fileName == null ? "repository " + repo : fileName + " of " + repo;
            String tokenHint =
                    hasToken ? "check that HF_TOKEN has access to it" : "set HF_TOKEN to a token with access";
            switch (errorCode) {
                case "RevisionNotFound":
                    return new Clip4jException("revision '" + revision + "' not found in repository " + repo);
                case "EntryNotFound":
                    return new Clip4jException(
                            "file " + fileName + " not found in repository " + repo + " at revision " + revision);
                case "GatedRepo":
                    return new Clip4jException("repository " + repo + " is gated: accept its conditions on " + endpoint
                            + "/" + repo + " and " + tokenHint + " (HTTP " + status + ")");
                case "RepoNotFound":
                    return new Clip4jException("repository " + repo + " not found on " + endpoint
                            + (hasToken ? "" : " (if it is private or gated, set HF_TOKEN)"));
                default:
                    break;
            }
            if (status == 401 || status == 403) {
                return new Clip4jException(
                        "access to " + what + " denied (HTTP " + status + "): it is private or gated; " + tokenHint);
            }
            if (status == 404) {
                if (fileName != null) {
                    return new Clip4jException(
                            "file " + fileName + " not found in repository " + repo + " at revision " + revision);
                }
                String lowered = body == null ? "" : body.toLowerCase(Locale.ROOT);
                if (lowered.contains("invalid rev") || lowered.contains("revision not found")) {
                    return new Clip4jException("revision '" + revision + "' not found in repository " + repo);
                }
                return new Clip4jException("repository " + repo + " not found on " + endpoint);
            }
            return new Clip4jException("the hub answered HTTP " + status + " for " + what + firstLine(body));
        }

        private static String firstLine(String body) {
            if (body == null || body.isBlank()) {
                return "";
            }
            String line = body.strip().lines().findFirst().orElse("");
            return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
        }
    }
}
