package io.clip4j.server;

import io.clip4j.testing.Fixtures;

import io.clip4j.api.Clip;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load generator for {@code clip4j serve} (measures, asserts nothing): an in-process server over an in-memory
 * index of N random unit vectors (exact search) with the real vit-tiny text encoder, and C concurrent clients
 * sending text queries over HTTP on 127.0.0.1 (keep-alive, one HttpClient each). Bounded: a fixed number of
 * requests per client and a time cap. Run with scripts/bench-serve [N] [CLIENTS] [REQUESTS_PER_CLIENT].
 */
public final class ServeLoadGenerator {
    static final List<String> QUERIES = List.of("a photo of a cat", "a dog on the beach", "sunset over the sea",
            "a red car", "people at a wedding", "a bowl of soup", "mountains with snow", "a city at night",
            "a child playing football", "a screenshot of a spreadsheet", "a cup of coffee", "a rocket launch",
            "an astronaut", "a black and white portrait", "fireworks", "a bicycle leaning on a wall");
    static final long TIME_CAP_NANOS = Duration.ofMinutes(5).toNanos();

    private ServeLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        Path model = args.length > 3 ? Path.of(args[3]) : Fixtures.resource("models/vit-tiny");
        Clip clip = Clip.load(model);
        InMemorySearchService service = InMemorySearchService.random(clip, n, 42);
        try (SearchServer server = new SearchServer(service, ServerConfig.defaults().withPort(0)).start()) {
            URI base = server.uri();
            System.out.printf(Locale.ROOT, "index: %d random %d-d vectors (exact search), text encoder %s, %d cores%n",
                    n, clip.embedDim(), model, Runtime.getRuntime().availableProcessors());
            run(base, clients, Math.max(20, perClient / 5), "warm-up");
            run(base, 1, perClient, "1 client");
            run(base, clients, perClient, clients + " clients");
        } finally {
            clip.close();
        }
    }

    static void run(URI base, int clients, int perClient, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + TIME_CAP_NANOS;
        long t0 = System.nanoTime();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] lat = new long[perClient];
                long[] service = new long[perClient];
                int done = 0;
                for (int i = 0; i < perClient && System.nanoTime() < deadline; i++) {
                    String q = QUERIES.get((client * 7 + i) % QUERIES.size());
                    URI uri = base.resolve("api/search?k=20&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    lat[done] = System.nanoTime() - s;
                    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
                    // the server's own measure of the time spent in the search service
                    service[done++] = (long) (Http.JSON.readTree(r.body()).get("took_ms").asDouble() * 1e6);
                }
                return new long[][] {Arrays.copyOf(lat, done), Arrays.copyOf(service, done)};
            }));
        }
        List<Long> all = new ArrayList<>(), inService = new ArrayList<>();
        for (Future<long[][]> f : futures) {
            long[][] r = f.get();
            for (long l : r[0]) all.add(l);
            for (long l : r[1]) inService.add(l);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] service = inService.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%-10s %5d requests in %5.1f s = %6.1f req/s%n", label, sorted.length, seconds,
                sorted.length / seconds);
        System.out.printf(Locale.ROOT, "%-10s HTTP round trip ms: p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f%n", "",
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "%-10s in the service ms:   p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f%n", "",
                pct(service, 50), pct(service, 90), pct(service, 99), service[service.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
