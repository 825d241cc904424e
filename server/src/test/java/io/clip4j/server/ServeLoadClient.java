package io.clip4j.server;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load client for a running {@code clip4j serve} (measures, asserts nothing): C concurrent HTTP clients, each
 * query text distinct across the whole run (adjective x subject x scene, so the server's query cache never
 * answers and every request runs the text encoder). Prints HTTP round-trip and in-service latency percentiles.
 * Usage: ServeLoadClient BASE_URL [CLIENTS] [REQUESTS_PER_CLIENT] [K]
 */
public final class ServeLoadClient {
    static final List<String> ADJECTIVES = List.of("a red", "a small", "an old", "a blue", "a happy", "a wet", "a tiny", "a huge",
            "a green", "a broken", "a shiny", "a wooden", "a striped", "a sleepy", "a golden", "a dusty", "a bright", "a dark",
            "a yellow", "a fluffy", "a plastic", "a metal", "a painted", "a frozen", "a smiling");
    static final List<String> SUBJECTS = List.of("cat", "dog", "car", "bicycle", "house", "tree", "boat", "chair", "bird",
            "horse", "child", "woman", "man", "guitar", "cup", "train", "bridge", "flower", "cake", "book", "lamp", "tower",
            "robot", "umbrella", "kite", "tractor", "owl", "fox", "bus", "piano");
    static final List<String> SCENES = List.of("on the beach", "in the snow", "at night", "in a garden", "on a table",
            "in the city", "near a lake", "in the rain", "at sunset", "in a kitchen", "on a mountain", "in a forest",
            "at a wedding", "in the desert", "under a bridge", "in a museum", "on a street", "in the fog", "at a market",
            "in a field");

    private ServeLoadClient() {}

    /** The i-th distinct query (25 x 30 x 20 = 15,000 before they repeat). */
    static String query(int i) {
        int a = i % ADJECTIVES.size(), s = (i / ADJECTIVES.size()) % SUBJECTS.size(),
                p = (i / (ADJECTIVES.size() * SUBJECTS.size())) % SCENES.size();
        return ADJECTIVES.get(a) + " " + SUBJECTS.get(s) + " " + SCENES.get(p);
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        AtomicInteger next = new AtomicInteger(Integer.getInteger("clip4j.firstQuery", 0));
        run(base, 1, Math.max(10, perClient / 5), k, next, "warm-up");
        run(base, 1, perClient, k, next, "1 client");
        run(base, clients, perClient, k, next, clients + " clients");
    }

    static void run(URI base, int clients, int perClient, int k, AtomicInteger next, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] lat = new long[perClient], service = new long[perClient];
                for (int i = 0; i < perClient; i++) {
                    String q = query(next.getAndIncrement());
                    URI uri = base.resolve("api/search?k=" + k + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    lat[i] = System.nanoTime() - s;
                    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                    service[i] = (long) (Http.JSON.readTree(r.body()).get("took_ms").asDouble() * 1e6);
                }
                return new long[][] {lat, service};
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
        System.out.printf(Locale.ROOT, "%-10s %5d distinct queries in %5.1f s = %6.1f req/s%n", label, sorted.length, seconds, sorted.length / seconds);
        System.out.printf(Locale.ROOT, "%-10s HTTP round trip ms: p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f%n", "",
                ServeLoadGenerator.pct(sorted, 50), ServeLoadGenerator.pct(sorted, 90), ServeLoadGenerator.pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "%-10s in the service ms:   p50 %6.1f  p90 %6.1f  p99 %6.1f%n", "",
                ServeLoadGenerator.pct(service, 50), ServeLoadGenerator.pct(service, 90), ServeLoadGenerator.pct(service, 99));
        System.out.flush();
    }
}
