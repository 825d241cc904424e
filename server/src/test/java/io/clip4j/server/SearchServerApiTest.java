package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.search.SearchService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API end to end: a real server on a random port over an in-memory index of real embeddings. */
class SearchServerApiTest {
    static final Path IMAGES = TestIndex.IMAGES;
    static final List<Path> FILES = TestIndex.FILES;
    static final long MAX_UPLOAD = 300 * 1024; // chelsea.png (235 kB) fits, coffee.png (456 kB) does not

    static Clip clip;
    static InMemorySearchService service;
    static SearchServer server;
    static Http http;

    @BeforeAll
    static void start() {
        clip = TestIndex.clip();
        service = TestIndex.images(true);
        server = new SearchServer(service, ServerConfig.defaults().withPort(0).withMaxUploadBytes(MAX_UPLOAD)).start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void assertJsonError(HttpResponse<byte[]> r, int status, String mentions) {
        assertEquals(status, r.statusCode(), () -> Http.text(r));
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode body = Http.json(r);
        assertTrue(body.path("error").isTextual(), () -> Http.text(r));
        assertTrue(
                body.get("error").asText().contains(mentions),
                () -> "error should mention '" + mentions + "': " + body);
        assertFalse(body.get("error").asText().contains("\n"));
    }

    /** The hits of a JSON answer, checked for shape. */
    static List<SearchService.Hit> hits(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> Http.text(r));
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode results = Http.json(r).get("results");
        assertTrue(results.isArray());
        return StreamSupport.stream(results.spliterator(), false)
                .map(n -> {
                    assertEquals(3, n.size(), () -> "exactly id, path, score: " + n);
                    assertTrue(
                            n.get("id").isTextual()
                                    && n.get("path").isTextual()
                                    && n.get("score").isNumber(),
                            n::toString);
                    return new SearchService.Hit(
                            n.get("id").asText(),
                            Path.of(n.get("path").asText()),
                            n.get("score").floatValue());
                })
                .toList();
    }

    @Test
    void textSearchReturnsTheServiceRankingAsJson() {
        List<SearchService.Hit> got = hits(http.get("api/search?q=" + enc("a photo of a cat") + "&k=4"));
        List<SearchService.Hit> expected = service.top(clip.embedText("a photo of a cat"), 4);
        assertEquals(4, got.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i).id(), got.get(i).id());
            assertEquals(expected.get(i).path(), got.get(i).path());
            assertEquals(expected.get(i).score(), got.get(i).score(), 1e-6f);
            if (i > 0) assertTrue(got.get(i - 1).score() >= got.get(i).score());
        }
    }

    @Test
    void defaultKAndKAboveIndexSize() {
        assertEquals(FILES.size(), hits(http.get("api/search?q=dog")).size()); // default 20 > 7 images
        assertEquals(1, hits(http.get("api/search?q=dog&k=1")).size());
    }

    @Test
    void textnessReachesTheServiceAndChangesTheQuery() {
        service.textnessSeen.clear();
        List<SearchService.Hit> plain = hits(http.get("api/search?q=coffee&k=7"));
        List<SearchService.Hit> texty = hits(http.get("api/search?q=coffee&k=7&textness=-1.5"));
        assertEquals(List.of(0f, -1.5f), List.copyOf(service.textnessSeen));
        assertNotEquals(plain.get(0).score(), texty.get(0).score());
    }

    @Test
    void likeSearchFindsTheImageItselfFirst() {
        List<SearchService.Hit> got = hits(http.get("api/search?like=img-3&k=3"));
        assertEquals("img-3", got.get(0).id());
        assertEquals(1f, got.get(0).score(), 1e-5f);
        assertEquals(
                service.top(service.vector("img-3"), 3).get(1).id(), got.get(1).id());
    }

    @Test
    void likeSearchOfUnknownIdIs404() {
        assertJsonError(http.get("api/search?like=img-99"), 404, "img-99");
    }

    @Test
    void uploadAsMultipartFindsTheSameImage() throws IOException {
        byte[] png = Files.readAllBytes(FILES.get(0));
        List<SearchService.Hit> got = hits(http.postMultipart("api/search?k=2", "image", "cat.png", png));
        assertEquals(2, got.size());
        assertEquals("img-0", got.get(0).id());
        assertEquals(1f, got.get(0).score(), 1e-5f);
    }

    @Test
    void uploadAsRawBodyFindsTheSameImage() throws IOException {
        byte[] jpg = Files.readAllBytes(IMAGES.resolve("rocket.jpg"));
        List<SearchService.Hit> got =
                hits(http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                        .header("Content-Type", "image/jpeg")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(jpg))));
        assertEquals("img-5", got.get(0).id());
        assertEquals(1f, got.get(0).score(), 1e-5f);
    }

    @Test
    void rawBodyIsSniffedWhateverTheContentType() throws IOException {
        byte[] png = Files.readAllBytes(FILES.get(0));
        for (String type : List.of("application/octet-stream", "text/plain", "image/jpeg")) {
            List<SearchService.Hit> got =
                    hits(http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                            .header("Content-Type", type)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png))));
            assertEquals("img-0", got.get(0).id(), type);
        }
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("just text")));
        assertJsonError(r, 400, "not an image");
        assertFalse(Http.json(r).get("error").asText().contains("\n"));
    }

    @Test
    void uploadErrors() {
        assertJsonError(http.postMultipart("api/search", "file", "x.png", new byte[] {1, 2, 3}), 400, "image");
        assertJsonError(http.postMultipart("api/search", "image", "notes.txt", "hello".getBytes()), 400, "notes.txt");
        assertJsonError(
                http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                        .header("Content-Type", "image/png")
                        .POST(HttpRequest.BodyPublishers.noBody())),
                400,
                "empty");
        assertJsonError(
                http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                        .header("Content-Type", "multipart/form-data; boundary=xyz")
                        .POST(HttpRequest.BodyPublishers.ofString("garbage"))),
                400,
                "multipart");
    }

    @Test
    void uploadLargerThanTheLimitIs413() throws IOException {
        byte[] big = Files.readAllBytes(IMAGES.resolve("coffee.png"));
        assertTrue(big.length > MAX_UPLOAD);
        // with Content-Length: refused from the header
        assertJsonError(
                http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                        .header("Content-Type", "image/png")
                        .expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big))),
                413,
                "too large");
        assertJsonError(http.postMultipart("api/search", "image", "coffee.png", big), 413, String.valueOf(MAX_UPLOAD));
        // chunked (no Content-Length): refused once the limit is passed; the server reads the rest of the body
        // first, so the client always gets the 413 rather than a reset connection (it did about 1 time in 10)
        for (int i = 0; i < 20; i++) {
            assertJsonError(
                    http.send(HttpRequest.newBuilder(server.uri().resolve("api/search"))
                            .header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))),
                    413,
                    "too large");
        }
        // the server is still fine afterwards
        assertEquals(200, http.get("healthz").statusCode());
    }

    @Test
    void defaultLimitsAreTwentyMegabytesAndTwoKilobytes() {
        assertEquals(20L * 1024 * 1024, ServerConfig.defaults().maxUploadBytes());
        assertEquals(2048, ServerConfig.defaults().maxQueryChars());
    }

    @Test
    void imageEndpointServesJpegThumbnailsOfIndexedFiles() throws IOException {
        HttpResponse<byte[]> r = http.get("api/image/img-2"); // astronaut.png, 512 x 512
        assertEquals(200, r.statusCode(), () -> Http.text(r));
        assertEquals("image/jpeg", r.headers().firstValue("content-type").orElse(""));
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(256, thumb.getWidth());
        assertEquals(256, thumb.getHeight());

        BufferedImage tall = ImageIO.read(
                new ByteArrayInputStream(http.get("api/image/img-6").body())); // 41 x 333
        assertEquals(32, tall.getWidth());
        assertEquals(256, tall.getHeight());
        BufferedImage small = ImageIO.read(
                new ByteArrayInputStream(http.get("api/image/img-7").body())); // 10 x 10
        assertEquals(10, small.getWidth()); // small images keep their size
        assertEquals(10, small.getHeight());
        BufferedImage wide = ImageIO.read(
                new ByteArrayInputStream(http.get("api/image/img-1").body())); // 600 x 400
        assertEquals(256, wide.getWidth());
        assertEquals(171, wide.getHeight());

        assertArrayEquals(r.body(), http.get("api/image/img-2").body()); // cached: the same bytes again
    }

    @Test
    void theLargeRenditionKeepsImagesUpTo1280PxAndBadSizesAre400() throws IOException {
        // the lightbox's rendition: the 600 x 400 image at its own size, not the 256 px thumbnail
        HttpResponse<byte[]> r = http.get("api/image/img-1?size=large");
        assertEquals(200, r.statusCode(), () -> Http.text(r));
        BufferedImage large = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(600, large.getWidth());
        assertEquals(400, large.getHeight());
        assertEquals(
                256,
                ImageIO.read(new ByteArrayInputStream(
                                http.get("api/image/img-1?size=thumbnail").body()))
                        .getWidth());
        HttpResponse<byte[]> bad = http.get("api/image/img-1?size=huge");
        assertEquals(400, bad.statusCode());
        assertTrue(Http.text(bad).contains("size: 'huge'"), Http.text(bad));
        assertEquals(404, http.get("api/image/img-99?size=large").statusCode());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "img-99",
                "..%2F..%2Fetc%2Fpasswd",
                "%2Fetc%2Fpasswd",
                "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "%25",
                "img-0%2F..%2Fimg-1",
                "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"
            })
    void unknownOrTrickyIdsAre404AndNeverReachTheFileSystem(String encodedId) {
        HttpResponse<byte[]> r = http.get("api/image/" + encodedId);
        assertJsonError(r, 404, "unknown image id");
        assertFalse(Http.text(r).contains("root:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"img-0%00", "%C0%AE%C0%AE%2Fetc%2Fpasswd", "%FF", "..%5C..%5Cwindows"})
    void malformedIdEncodingsAreRefusedByJettyAsJson(String encodedId) {
        HttpResponse<byte[]> r = http.get("api/image/" + encodedId);
        assertEquals(400, r.statusCode(), () -> Http.text(r));
        assertTrue(Http.json(r).path("error").isTextual(), () -> Http.text(r));
    }

    @Test
    void dotDotInThePathItselfDoesNotEscape() {
        HttpResponse<byte[]> r =
                http.send(HttpRequest.newBuilder(URI.create(server.uri() + "api/image/../../etc/passwd"))
                        .GET());
        assertTrue(r.statusCode() == 404 || r.statusCode() == 400, () -> r.statusCode() + " " + Http.text(r));
        assertFalse(Http.text(r).contains("root:"));
        assertTrue(Http.json(r).path("error").isTextual());
    }

    @Test
    void idsAreLookedUpThroughTheServiceDecodedOnce() {
        service.pathOfCalls.clear();
        http.get("api/image/..%2F..%2Fetc%2Fpasswd");
        assertEquals(List.of("../../etc/passwd"), List.copyOf(service.pathOfCalls));
    }

    @Test
    void healthz() {
        HttpResponse<byte[]> r = http.get("healthz");
        assertEquals(200, r.statusCode());
        JsonNode body = Http.json(r);
        assertEquals("ok", body.get("status").asText());
        assertEquals(FILES.size(), body.get("images").asInt());
        assertTrue(body.get("textness").asBoolean());
    }

    @Test
    void metricsCountRequestsByRouteAndStatusAndTimeSearches() {
        String before = Http.text(http.get("metrics"));
        http.get("api/search?q=cat");
        http.get("api/search?q=dog");
        http.get("api/search?q=dog&k=0");
        http.get("api/image/img-0");
        HttpResponse<byte[]> r = http.get("metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String after = Http.text(r);
        String ok = "clip4j_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"}";
        String bad = "clip4j_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"400\"}";
        String img = "clip4j_http_requests_total{route=\"/api/image\",method=\"GET\",status=\"200\"}";
        String searches = "clip4j_search_duration_seconds_count{kind=\"text\"}";
        assertEquals(2, value(after, ok) - value(before, ok));
        assertEquals(1, value(after, bad) - value(before, bad));
        assertEquals(1, value(after, img) - value(before, img));
        assertEquals(2, value(after, searches) - value(before, searches)); // the bad k never reached the service
        assertEquals(
                value(after, searches),
                value(after, "clip4j_search_duration_seconds_bucket{kind=\"text\",le=\"+Inf\"}"));
        assertTrue(after.contains("# TYPE clip4j_search_duration_seconds histogram"));
        assertEquals(FILES.size(), value(after, "clip4j_index_images"));
    }

    /** The value of one sample line; 0 when the series does not exist yet. */
    static long value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "q=cat&k=0|k",
                "q=cat&k=abc|k",
                "q=cat&k=201|k",
                "q=cat&k=-3|k",
                "q=cat&k=1.5|k",
                "q=cat&textness=3|textness",
                "q=cat&textness=-2.01|textness",
                "q=cat&textness=abc|textness",
                "q=cat&textness=NaN|textness",
                "q=cat&textness=Infinity|textness",
                "k=3|q",
                "q=cat&like=img-1|like",
                "q=%20%20|q",
                "q=cat&q=dog|q",
                "q=cat&k=1&k=2|k"
            })
    void badParametersAre400NamingTheParameter(String caseLine) {
        String[] parts = caseLine.split("\\|");
        assertJsonError(http.get("api/search?" + parts[0]), 400, parts[1]);
    }

    @Test
    void queryStringLongerThanTheLimitIs414() {
        assertJsonError(http.get("api/search?q=" + "a".repeat(2100)), 414, "too long");
        hits(http.get("api/search?q=" + "a".repeat(1900))); // under the limit: fine
        // far past it, Jetty itself refuses the request line; still a JSON error
        HttpResponse<byte[]> r = http.get("api/search?q=" + "a".repeat(20_000));
        assertTrue(r.statusCode() == 414 || r.statusCode() == 431, () -> r.statusCode() + " " + Http.text(r));
        assertTrue(Http.json(r).path("error").isTextual(), () -> Http.text(r));
    }

    @Test
    void termsNamingServerFilesAreRefused() {
        String file = FILES.get(0).toAbsolutePath().toString();
        String dir = FILES.get(0).toAbsolutePath().getParent().toString(),
                name = FILES.get(0).getFileName().toString();
        String home = Path.of(System.getProperty("user.home")).toAbsolutePath().toString();
        String up = "../".repeat(home.split("/").length);
        List<String> attacks = List.of(
                file,
                "2:cat + " + file,
                "cat - 0.5:" + file,
                "\"" + file + "\"",
                "2:\"" + file + "\"",
                dir + "/\"\"" + name,
                "\"" + file.substring(0, 3) + "\"" + file.substring(3),
                "~/" + up + file.substring(1),
                "cat + \"" + file + "\"",
                "/etc/passwd",
                "/etc/no-such-file-here",
                "\"/etc/passwd\"",
                "file:" + file,
                name,
                "~root/x");
        String expected = null;
        service.termsSeen.clear();
        for (String q : attacks) {
            HttpResponse<byte[]> r = http.get("api/search?q=" + enc(q));
            assertEquals(400, r.statusCode(), q + " -> " + Http.text(r));
            String error = Http.json(r).get("error").asText();
            if (expected == null) expected = error;
            assertEquals(expected, error, "one error text for every refused term (no existence oracle): " + q);
        }
        assertTrue(expected.contains("upload"), expected);
        assertTrue(service.termsSeen.isEmpty(), "no refused query reaches the service");
        hits(http.get("api/search?q=" + enc("a t-shirt + 2:cat - dog + AC/DC"))); // plain text is unaffected
        assertEquals(1, service.termsSeen.size());
    }

    @Test
    void unknownRoutesAndMethods() {
        assertJsonError(http.get("nope"), 404, "no such endpoint");
        assertJsonError(http.get("api/image/"), 404, "unknown image id");
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(server.uri().resolve("api/search")).DELETE());
        assertJsonError(r, 405, "GET, POST");
        assertEquals("GET, POST", r.headers().firstValue("allow").orElse(""));
        assertJsonError(
                http.send(HttpRequest.newBuilder(server.uri().resolve("healthz"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))),
                405,
                "GET");
    }

    @Test
    void headAnswersWithoutABody() {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri().resolve("healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
    }

    @Test
    void webPageAndAssets() {
        HttpResponse<byte[]> page = http.get("");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(Http.text(page).contains("id=\"textness\""));
        assertEquals(200, http.get("app.js").statusCode());
        assertEquals(200, http.get("app.css").statusCode());
        assertJsonError(http.get("pom.xml"), 404, "no such endpoint");
        assertJsonError(http.get("io/clip4j/server/app.js"), 404, "no such endpoint");
        assertJsonError(http.get("index.html"), 404, "no such endpoint");
    }

    @Test
    void serviceWithoutTextnessRefusesNonZeroTextness() {
        InMemorySearchService plain = TestIndex.images(false);
        try (SearchServer s = new SearchServer(plain, ServerConfig.defaults().withPort(0)).start()) {
            Http h = new Http(s.uri());
            assertJsonError(h.get("api/search?q=cat&textness=1"), 400, "textness");
            assertEquals(3, hits(h.get("api/search?q=cat&textness=0&k=3")).size());
            assertFalse(Http.json(h.get("healthz")).get("textness").asBoolean());
        }
        assertEquals(0, plain.closed.get(), "the server does not own the service");
    }
}
