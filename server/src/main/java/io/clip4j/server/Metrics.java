package io.clip4j.server;

import io.clip4j.search.SharedBatches;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The server's counters, written in Prometheus' text exposition format (version 0.0.4) by {@link #render}.
 * Label values come from fixed sets (route names chosen by the server, numeric statuses, search kinds), never
 * from request text, so the number of series stays bounded. Lock-free: recording is a few LongAdder increments.
 */
final class Metrics {
    /** Upper bounds of the search latency histogram, in seconds (Prometheus' "le"). */
    static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10};

    private record RequestKey(String route, String method, int status) {}

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> searches = new ConcurrentHashMap<>();
    private final IntSupplier indexSize;
    private final IntSupplier thumbnailsCached;
    private final Supplier<Map<String, SharedBatches>> sharedBatches;

    Metrics(IntSupplier indexSize, IntSupplier thumbnailsCached, Supplier<Map<String, SharedBatches>> sharedBatches) {
        this.indexSize = indexSize;
        this.thumbnailsCached = thumbnailsCached;
        this.sharedBatches = sharedBatches;
    }

    /** A fixed label per method, so metrics never carry request text. */
    static String methodLabel(String method) {
        return switch (method == null ? "" : method) {
            case "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH" -> method;
            default -> "other";
        };
    }

    void countRequest(String route, String method, int status) {
        requests.computeIfAbsent(new RequestKey(route, method, status), k -> new LongAdder())
                .increment();
    }

    /** A search that ran in the service (successful or not); kind is text, image or like. */
    void observeSearch(String kind, long nanos) {
        searches.computeIfAbsent(kind, k -> new Histogram()).observe(nanos / 1e9);
    }

    String render() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP clip4j_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.append("# TYPE clip4j_http_requests_total counter\n");
        var sorted = new TreeMap<String, Long>();
        requests.forEach((k, v) -> sorted.put(
                "{route=\"" + k.route + "\",method=\"" + k.method + "\",status=\"" + k.status + "\"}", v.sum()));
        sorted.forEach((labels, n) -> out.append("clip4j_http_requests_total")
                .append(labels)
                .append(' ')
                .append(n)
                .append('\n'));

        out.append("# HELP clip4j_search_duration_seconds Time spent in the search service per query, by kind.\n");
        out.append("# TYPE clip4j_search_duration_seconds histogram\n");
        new TreeMap<>(searches).forEach((kind, h) -> h.render(out, "clip4j_search_duration_seconds", kind));

        out.append("# HELP clip4j_index_images Images in the served index.\n");
        out.append("# TYPE clip4j_index_images gauge\n");
        out.append("clip4j_index_images ").append(safe(indexSize)).append('\n');
        out.append("# HELP clip4j_thumbnails_cached Thumbnails held in memory.\n");
        out.append("# TYPE clip4j_thumbnails_cached gauge\n");
        out.append("clip4j_thumbnails_cached ").append(safe(thumbnailsCached)).append('\n');

        // stage names come from the service (a fixed set), never from requests
        var stages = new TreeMap<>(sharedBatches.get());
        out.append("# HELP clip4j_shared_batches_total Batches run for concurrent requests, by stage.\n");
        out.append("# TYPE clip4j_shared_batches_total counter\n");
        stages.forEach((stage, b) -> out.append("clip4j_shared_batches_total{stage=\"")
                .append(stage)
                .append("\"} ")
                .append(b.batches())
                .append('\n'));
        out.append("# HELP clip4j_shared_batch_requests_total Requests answered in shared batches, by stage.\n");
        out.append("# TYPE clip4j_shared_batch_requests_total counter\n");
        stages.forEach((stage, b) -> out.append("clip4j_shared_batch_requests_total{stage=\"")
                .append(stage)
                .append("\"} ")
                .append(b.requests())
                .append('\n'));
        return out.toString();
    }

    private static String safe(IntSupplier s) {
        try {
            return Integer.toString(s.getAsInt());
        } catch (RuntimeException e) {
            return "NaN"; // the text format's way to say "unknown"; a scrape must not fail for it
        }
    }

    /** Cumulative buckets as Prometheus expects: each bucket counts observations <= its bound. */
    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[LATENCY_BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }

        void observe(double seconds) {
            // stored per bucket (not cumulative) so one observation is one increment; summed when rendered
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                if (seconds <= LATENCY_BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder out, String name, String kind) {
            long total = count.sum(); // read first: buckets may grow meanwhile, +Inf must stay >= the others
            long cumulative = 0;
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name)
                        .append("_bucket{kind=\"")
                        .append(kind)
                        .append("\",le=\"")
                        .append(format(LATENCY_BUCKETS[i]))
                        .append("\"} ")
                        .append(Math.min(cumulative, total))
                        .append('\n');
            }
            out.append(name)
                    .append("_bucket{kind=\"")
                    .append(kind)
                    .append("\",le=\"+Inf\"} ")
                    .append(total)
                    .append('\n');
            out.append(name)
                    .append("_sum{kind=\"")
                    .append(kind)
                    .append("\"} ")
                    .append(String.format(Locale.ROOT, "%.6f", sum.sum()))
                    .append('\n');
            out.append(name)
                    .append("_count{kind=\"")
                    .append(kind)
                    .append("\"} ")
                    .append(total)
                    .append('\n');
        }

        private static String format(double bound) {
            return bound == Math.rint(bound) ? String.format(Locale.ROOT, "%.1f", bound) : Double.toString(bound);
        }
    }
}
