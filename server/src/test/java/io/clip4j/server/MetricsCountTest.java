package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.search.SharedBatches;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /metrics counts every request exactly once, whatever its route, method or outcome (issue 14). */
class MetricsCountTest {
    static SearchServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = new SearchServer(
                        TestIndex.images(true),
                        ServerConfig.defaults().withPort(0).withMaxUploadBytes(1000))
                .start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static long total(String metrics) {
        long n = 0;
        Matcher m = Pattern.compile("^clip4j_http_requests_total\\{[^}]*\\} (\\d+)$", Pattern.MULTILINE)
                .matcher(metrics);
        while (m.find()) n += Long.parseLong(m.group(1));
        return n;
    }

    static String raw(String request) throws Exception {
        try (Socket s = new Socket(server.uri().getHost(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void everyRequestIsCountedOnce() throws Exception {
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            http.get("api/search?q=cat" + i);
            http.get("api/search?q=cat&k=0");
            http.get("api/image/img-1");
            http.get("api/image/nope");
            http.get("healthz");
            http.get("nope");
            http.send(HttpRequest.newBuilder(server.uri().resolve("healthz"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            http.send(HttpRequest.newBuilder(server.uri().resolve("api/search")).DELETE());
            http.postMultipart("api/search", "image", "x.png", new byte[2000]);
            raw("GET /api/search?q=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            // refused by Jetty itself, before the API's handler: still requests, still counted
            http.get("api/image/img-0%00");
            raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
            raw("BREW /pot HTTP/9.9\r\n\r\n");
            sent += 13;
        }
        String first = Http.text(http.get("metrics"));
        assertEquals(sent, total(first), first);
        assertEquals(sent + 1, total(Http.text(http.get("metrics"))));
    }

    @Test
    void sharedBatchesAreCountersPerStage() {
        Metrics m = new Metrics(
                () -> 5, () -> 0, () -> Map.of("text", new SharedBatches(4, 10), "scan", new SharedBatches(3, 10)));
        String text = m.render();
        assertTrue(text.contains("# TYPE clip4j_shared_batches_total counter\n"), text);
        assertTrue(text.contains("clip4j_shared_batches_total{stage=\"scan\"} 3\n"), text);
        assertTrue(text.contains("clip4j_shared_batches_total{stage=\"text\"} 4\n"), text);
        assertTrue(text.contains("clip4j_shared_batch_requests_total{stage=\"text\"} 10\n"), text);
    }
}
