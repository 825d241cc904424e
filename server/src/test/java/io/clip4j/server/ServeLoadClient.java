package io.clip4j.server;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    static final List<String> ADJECTIVES = List.of(
            "a red",
            "a small",
            "an old",
            "a blue",
            "a happy",
            "a wet",
            "a tiny",
            "a huge",
            "a green",
            "a broken",
            "a shiny",
            "a wooden",
            "a striped",
            "a sleepy",
            "a golden",
            "a dusty",
            "a bright",
            "a dark",
            "a yellow",
            "a fluffy",
            "a plastic",
            "a metal",
            "a painted",
            "a frozen",
            "a smiling");
    static final List<String> SUBJECTS = List.of(
            "cat",
            "dog",
            "car",
            "bicycle",
            "house",
            "tree",
            "boat",
            "chair",
            "bird",
            "horse",
            "child",
            "woman",
            "man",
            "guitar",
            "cup",
            "train",
            "bridge",
            "flower",
            "cake",
            "book",
            "lamp",
            "tower",
            "robot",
            "umbrella",
            "kite",
            "tractor",
            "owl",
            "fox",
            "bus",
            "piano");
    static final List<String> SCENES = List.of(
            "on the beach",
            "in the snow",
            "at night",
            "in a garden",
            "on a table",
            "in the city",
            "near a lake",
            "in the rain",
            "at sunset",
            "in a kitchen",
            "on a mountain",
            "in a forest",
            "at a wedding",
            "in the desert",
            "under a bridge",
            "in a museum",
            "on a street",
            "in the fog",
            "at a market",
            "in a field");

    static final long TIME_CAP_NANOS = Duration.ofMinutes(5).toNanos();

    private ServeLoadClient() {}

    /** The i-th distinct query (25 x 30 x 20 = 15,000 before they repeat). */
    static String query(int i) {
        int a = i % ADJECTIVES.size(),
                s = (i / ADJECTIVES.size()) % SUBJECTS.size(),
                p = (i / (ADJECTIVES.size() * SUBJECTS.size())) % SCENES.size();
        return ADJECTIVES.get(a) + " " + SUBJECTS.get(s) + " " + SCENES.get(p);
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        AtomicInteger next = new AtomicInteger(Integer.getInteger("clip4j.firstQuery", 0));
        QuerySource distinct = (client, i) -> query(next.getAndIncrement());
        run(base, 1, Math.max(10, perClient / 5), k, distinct, "warm-up");
        run(base, 1, perClient, k, distinct, "1 client");
        run(base, clients, perClient, k, distinct, clients + " clients");
    }

    /** The text of client {@code client}'s {@code i}-th request. */
    interface QuerySource {
        String query(int client, int i);
    }

    /**
     * C clients sending R requests each (keep-alive, one HttpClient per client), bounded by a 5-minute cap; prints
     * requests/s and the percentiles of the HTTP round trip and of the service's own took_ms.
     */
    static void run(URI base, int clients, int perClient, int k, QuerySource queries, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + TIME_CAP_NANOS;
        long t0 = System.nanoTime();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                long[] lat = new long[perClient], service = new long[perClient];
                int done = 0;
                for (int i = 0; i < perClient && System.nanoTime() < deadline; i++) {
                    String q = queries.query(client, i);
                    URI uri = base.resolve("api/search?k=" + k + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(60))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    lat[done] = System.nanoTime() - s;
                    if (r.statusCode() != 200)
                        throw new IllegalStateException(
                                "HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                    service[done++] =
                            (long) (Http.JSON.readTree(r.body()).get("took_ms").asDouble() * 1e6);
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
        System.out.printf(
                Locale.ROOT,
                "%-10s %5d requests in %5.1f s = %6.1f req/s%n",
                label,
                sorted.length,
                seconds,
                sorted.length / seconds);
        System.out.printf(
                Locale.ROOT,
                "%-10s HTTP round trip ms: p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f%n",
                "",
                pct(sorted, 50),
                pct(sorted, 90),
                pct(sorted, 99),
                sorted[sorted.length - 1] / 1e6);
        System.out.printf(
                Locale.ROOT,
                "%-10s in the service ms:   p50 %6.1f  p90 %6.1f  p99 %6.1f%n",
                "",
                pct(service, 50),
                pct(service, 90),
                pct(service, 99));
        System.out.flush();
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
