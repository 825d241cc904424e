package io.clip4j.server;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * C clients sending R requests each (one kept-alive connection per client, {@link KeepAliveGet}), bounded by a 5-minute cap; prints
     * requests/s and the percentiles of the HTTP round trip and of the service's own took_ms.
     */
    static void run(URI base, int clients, int perClient, int k, QuerySource queries, String label) throws Exception {
        Map<String, long[]> before = sharedBatches(base);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + TIME_CAP_NANOS;
        long t0 = System.nanoTime();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                long[] lat = new long[perClient], service = new long[perClient], started = new long[perClient];
                int done = 0;
                try (KeepAliveGet http = new KeepAliveGet(base)) {
                    for (int i = 0; i < perClient && System.nanoTime() < deadline; i++) {
                        String q = queries.query(client, i);
                        URI uri = base.resolve(
                                "api/search?k=" + k + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
                        long s = System.nanoTime();
                        KeepAliveGet.Response r = http.get(uri.getRawPath() + "?" + uri.getRawQuery());
                        lat[done] = System.nanoTime() - s;
                        started[done] = s - t0;
                        if (r.status() != 200) throw new IllegalStateException("HTTP " + r.status() + ": " + r.text());
                        service[done++] = (long)
                                (Http.JSON.readTree(r.body()).get("took_ms").asDouble() * 1e6);
                    }
                }
                return new long[][] {
                    Arrays.copyOf(lat, done), Arrays.copyOf(service, done), Arrays.copyOf(started, done)
                };
            }));
        }
        List<Long> all = new ArrayList<>(), inService = new ArrayList<>();
        List<long[]> slowest = new ArrayList<>(); // {latency, start} of every request, to show when the tail came
        for (Future<long[][]> f : futures) {
            long[][] r = f.get();
            for (long l : r[0]) all.add(l);
            for (long l : r[1]) inService.add(l);
            for (int i = 0; i < r[0].length; i++) slowest.add(new long[] {r[0][i], r[2][i]});
        }
        slowest.sort((a, b) -> Long.compare(b[0], a[0]));
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
        StringBuilder tail = new StringBuilder();
        for (long[] r : slowest.subList(0, Math.min(5, slowest.size())))
            tail.append(String.format(Locale.ROOT, "  %.0f ms at %.1f s", r[0] / 1e6, r[1] / 1e9));
        System.out.printf(Locale.ROOT, "%-10s slowest:%s%n", "", tail);
        Map<String, long[]> after = sharedBatches(base);
        StringBuilder shared = new StringBuilder();
        after.forEach((stage, n) -> {
            long[] b = before.getOrDefault(stage, new long[2]);
            long batches = n[0] - b[0], requests = n[1] - b[1];
            if (batches > 0) {
                shared.append(String.format(
                        Locale.ROOT,
                        "  %s %.2f requests per batch (%d batches)",
                        stage,
                        requests / (double) batches,
                        batches));
            }
        });
        if (!shared.isEmpty()) System.out.printf(Locale.ROOT, "%-10s shared:%s%n", "", shared);
        System.out.flush();
    }

    /** Stage -> {batches, requests} from the server's /metrics (empty if it reports none). */
    static Map<String, long[]> sharedBatches(URI base) throws IOException {
        Map<String, long[]> out = new TreeMap<>();
        try (KeepAliveGet http = new KeepAliveGet(base)) {
            String text = http.get(base.resolve("metrics").getRawPath()).text();
            Matcher m = Pattern.compile(
                            "^clip4j_shared_batch(es|_requests)_total\\{stage=\"(\\w+)\"\\} (\\d+)$", Pattern.MULTILINE)
                    .matcher(text);
            while (m.find())
                out.computeIfAbsent(m.group(2), k -> new long[2])[m.group(1).equals("es") ? 0 : 1] =
                        Long.parseLong(m.group(3));
        }
        return out;
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
