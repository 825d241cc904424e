package io.clip4j.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Hugging Face hub with its URL layout: {@code /api/models/{repo}/revision/{rev}},
 * {@code /{repo}/resolve/{rev}/{file}} (Range, ETag, X-Linked-Etag, X-Repo-Commit), LFS files redirected to a
 * second server ("the CDN", another origin) at {@code /cdn/{sha256}}. Records every request.
 */
final class FakeHub implements AutoCloseable {
    record Request(String server, String path, String range, String authorization) {}

    static final class Repo {
        final String commit;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Set<String> lfs = ConcurrentHashMap.newKeySet();
        String requiredToken;
        /** Gated like the hub: the listing is public, the files need a token (403 GatedRepo without). */
        boolean gated;

        Repo(String commit) {
            this.commit = commit;
        }

        Repo file(String name, byte[] content, boolean isLfs) {
            files.put(name, content);
            if (isLfs) {
                lfs.add(name);
            }
            return this;
        }
    }

    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** File name -> byte count after which the next transfer of it is cut off (once). */
    final Map<String, Integer> dropOnceAfter = new ConcurrentHashMap<>();
    /** File name -> byte count after which the next transfer of it goes silent for {@link #stallMillis} (once). */
    final Map<String, Integer> stallOnceAfter = new ConcurrentHashMap<>();

    volatile long stallMillis = 3000;
    /** File name -> content served instead of the listed one (a corrupt CDN). */
    final Map<String, byte[]> servedInstead = new ConcurrentHashMap<>();
    /** How many API calls answer 503 before the real answer. */
    final AtomicInteger apiFailures = new AtomicInteger();

    volatile boolean ignoreRange;

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", exchange -> handle("hub", exchange));
        cdn.createContext("/", exchange -> handle("cdn", exchange));
        // several handlers at once: a stalled transfer must not block the client's retry
        hub.setExecutor(handlers);
        cdn.setExecutor(handlers);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    Repo repo(String id, String commit) {
        Repo repo = new Repo(commit);
        repos.put(id, repo);
        return repo;
    }

    List<Request> fileRequests() {
        return requests.stream().filter(r -> !r.path().startsWith("/api/")).toList();
    }

    List<String> fileNamesRequested() {
        return fileRequests().stream()
                .filter(r -> r.server().equals("hub"))
                .map(r -> r.path().substring(r.path().indexOf("/resolve/") + "/resolve/".length()))
                .map(p -> p.substring(p.indexOf('/') + 1))
                .toList();
    }

    private void handle(String server, HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(
                    server,
                    path,
                    exchange.getRequestHeaders().getFirst("Range"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            if (server.equals("cdn")) {
                serveCdn(exchange, path);
            } else if (path.startsWith("/api/models/")) {
                serveApi(exchange, path);
            } else if (path.contains("/resolve/")) {
                serveResolve(exchange, path);
            } else {
                send(exchange, 404, "{\"error\":\"no such page\"}", null);
            }
        }
    }

    private void serveApi(HttpExchange exchange, String path) throws IOException {
        if (apiFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            send(exchange, 503, "{\"error\":\"try later\"}", null);
            return;
        }
        String rest = path.substring("/api/models/".length());
        int cut = rest.indexOf("/revision/");
        String id = rest.substring(0, cut);
        String revision = URLDecoder.decode(rest.substring(cut + "/revision/".length()), StandardCharsets.UTF_8);
        Repo repo = repos.get(id);
        if (repo == null) {
            send(exchange, 404, "{\"error\":\"Repository not found\"}", "RepoNotFound");
            return;
        }
        if (!authorized(exchange, repo)) {
            return;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            send(exchange, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}", "RevisionNotFound");
            return;
        }
        boolean blobs = "blobs=true".equals(exchange.getRequestURI().getRawQuery());
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id).put("sha", repo.commit);
        ArrayNode siblings = root.putArray("siblings");
        repo.files.forEach((name, content) -> {
            ObjectNode sibling = siblings.addObject().put("rfilename", name);
            if (blobs) {
                boolean isLfs = repo.lfs.contains(name);
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(content) + "\nsize "
                        + content.length + "\n";
                sibling.put("blobId", gitBlobId(isLfs ? pointer.getBytes(StandardCharsets.UTF_8) : content));
                sibling.put("size", isLfs ? pointer.length() : content.length);
                if (isLfs) {
                    sibling.putObject("lfs")
                            .put("sha256", sha256(content))
                            .put("size", content.length)
                            .put("pointerSize", pointer.length());
                }
            }
        });
        send(exchange, 200, mapper.writeValueAsString(root), null);
    }

    private void serveResolve(HttpExchange exchange, String path) throws IOException {
        int cut = path.indexOf("/resolve/");
        String id = path.substring(1, cut);
        String rest = path.substring(cut + "/resolve/".length());
        String revision = URLDecoder.decode(rest.substring(0, rest.indexOf('/')), StandardCharsets.UTF_8);
        String name = URLDecoder.decode(rest.substring(rest.indexOf('/') + 1), StandardCharsets.UTF_8);
        Repo repo = repos.get(id);
        if (repo == null) {
            send(exchange, 404, "Repository not found", "RepoNotFound");
            return;
        }
        if (!authorized(exchange, repo)) {
            return;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            send(exchange, 404, "Invalid rev id", "RevisionNotFound");
            return;
        }
        byte[] content = repo.files.get(name);
        if (content == null) {
            send(exchange, 404, "Entry not found", "EntryNotFound");
            return;
        }
        if (repo.gated && exchange.getRequestHeaders().getFirst("Authorization") == null) {
            send(exchange, 403, "Access to model " + id + " is restricted.", "GatedRepo");
            return;
        }
        exchange.getResponseHeaders().set("X-Repo-Commit", repo.commit);
        if (repo.lfs.contains(name)) {
            String sha = sha256(content);
            exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            exchange.getResponseHeaders().set("X-Linked-Size", Long.toString(content.length));
            exchange.getResponseHeaders().set("ETag", "\"" + gitBlobId(content) + "\"");
            exchange.getResponseHeaders()
                    .set(
                            "Location",
                            "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + sha + "?name=" + name);
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        exchange.getResponseHeaders().set("ETag", "\"" + gitBlobId(content) + "\"");
        serveBytes(exchange, name, content);
    }

    private void serveCdn(HttpExchange exchange, String path) throws IOException {
        String sha = path.substring("/cdn/".length());
        for (Repo repo : repos.values()) {
            for (Map.Entry<String, byte[]> file : repo.files.entrySet()) {
                if (sha256(file.getValue()).equals(sha)) {
                    exchange.getResponseHeaders().set("ETag", "\"" + sha + "\"");
                    serveBytes(exchange, file.getKey(), file.getValue());
                    return;
                }
            }
        }
        send(exchange, 404, "NoSuchKey", null);
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private void serveBytes(HttpExchange exchange, String name, byte[] listed) throws IOException {
        byte[] content = servedInstead.getOrDefault(name, listed);
        String range = exchange.getRequestHeaders().getFirst("Range");
        int start = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                start = Integer.parseInt(m.group(1));
                if (start >= content.length) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                exchange.getResponseHeaders()
                        .set("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
            }
        }
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        int length = content.length - start;
        exchange.sendResponseHeaders(status, length);
        OutputStream out = exchange.getResponseBody();
        Integer dropAfter = dropOnceAfter.remove(name);
        if (dropAfter != null && dropAfter < length) {
            out.write(content, start, dropAfter);
            out.flush();
            // Cut the connection mid-body: the handler fails, and the server closes the socket.
            throw new IOException("fake hub drops the connection after " + dropAfter + " bytes of " + name);
        }
        Integer stallAfter = stallOnceAfter.remove(name);
        if (stallAfter != null && stallAfter < length) {
            out.write(content, start, stallAfter);
            out.flush();
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("fake hub stalled on " + name);
        }
        out.write(content, start, length);
    }

    private boolean authorized(HttpExchange exchange, Repo repo) throws IOException {
        if (repo.requiredToken == null
                || ("Bearer " + repo.requiredToken)
                        .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        send(exchange, 401, "{\"error\":\"Invalid credentials in Authorization header\"}", null);
        return false;
    }

    private static void send(HttpExchange exchange, int status, String body, String errorCode) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (errorCode != null) {
            exchange.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitBlobId(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        handlers.shutdownNow();
    }
}
