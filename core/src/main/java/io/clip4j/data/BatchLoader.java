package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.tokenizer.ClipTokenizer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Prepares training batches ahead of the trainer on worker threads: pixels through the {@link CaptionSource}
 * (augmented or not) and tokens through {@link ClipTokenizer#tokenize(String, int, boolean)} with truncation.
 *
 * <p>Order: epoch e visits the pairs in a permutation drawn from (seed, e) when shuffling, in index order
 * otherwise; step s of an epoch is positions [s * batch, (s + 1) * batch) of that order. The augmentation of
 * pair i in epoch e uses a generator seeded by (seed, e, i). So a run resumed at (epoch, step) sees exactly the
 * batches it would have seen, whatever the thread timing.
 *
 * <p>Memory: at most {@code prefetch} batches are prepared ahead of the one being consumed.
 *
 * <p>An image whose pixels throw {@link Clip4jException} is reported once (to the report callback), counted, left
 * out of its batch and not read again in later epochs. Safe for one consumer at a time per epoch iterator.
 */
public final class BatchLoader implements AutoCloseable {
    /** The generator of pair {@code index}'s random crop in {@code epoch}. */
    public interface Augmentation {
        Random generator(long seed, int epoch, int index);

        /** The default: SplitMix64 of (seed, epoch, index). */
        Augmentation PER_EPOCH = Seeds::random;
    }

    /**
     * Tuning: context length, worker threads, batches prepared ahead, dropping the last partial batch, reports, and
     * the seeding of the crops (a distillation run with a teacher cache repeats K crops per image).
     */
    public record Options(
            int contextLength,
            int threads,
            int prefetch,
            boolean dropLast,
            Consumer<String> report,
            Augmentation augmentation) {
        public static Options defaults() {
            int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
            return new Options(77, threads, threads + 1, false, msg -> {}, Augmentation.PER_EPOCH);
        }

        public Options withContextLength(int n) {
            return new Options(n, threads, prefetch, dropLast, report, augmentation);
        }

        public Options withThreads(int n) {
            return new Options(contextLength, n, prefetch, dropLast, report, augmentation);
        }

        public Options withPrefetch(int n) {
            return new Options(contextLength, threads, n, dropLast, report, augmentation);
        }

        public Options withDropLast(boolean d) {
            return new Options(contextLength, threads, prefetch, d, report, augmentation);
        }

        public Options withReport(Consumer<String> r) {
            return new Options(contextLength, threads, prefetch, dropLast, r, augmentation);
        }

        public Options withAugmentation(Augmentation a) {
            return new Options(contextLength, threads, prefetch, dropLast, report, a);
        }
    }

    private final CaptionSource source;
    private final ClipTokenizer tokenizer;
    private final int resolution;
    private final float[] mean;
    private final float[] std;
    private final int batch;
    private final boolean shuffle;
    private final boolean augment;
    private final long seed;
    private final Options options;
    private final ExecutorService pool;
    private final Set<Integer> broken = ConcurrentHashMap.newKeySet();
    private final List<String> brokenMessages = new CopyOnWriteArrayList<>();
    private final List<Skipped> skipped = new CopyOnWriteArrayList<>();

    /** An image left out: its name and why. */
    public record Skipped(String image, String reason) {}

    public BatchLoader(
            CaptionSource source,
            ClipTokenizer tokenizer,
            int resolution,
            float[] mean,
            float[] std,
            int batch,
            boolean shuffle,
            boolean augment,
            long seed) {
        this(source, tokenizer, resolution, mean, std, batch, shuffle, augment, seed, Options.defaults());
    }

    public BatchLoader(
            CaptionSource source,
            ClipTokenizer tokenizer,
            int resolution,
            float[] mean,
            float[] std,
            int batch,
            boolean shuffle,
            boolean augment,
            long seed,
            Options options) {
        if (batch < 1) throw new Clip4jException("batch size must be at least 1, got " + batch);
        if (resolution < 1) throw new IllegalArgumentException("resolution must be positive");
        if (options.threads() < 1 || options.prefetch() < 1 || options.contextLength() < 1) {
            throw new IllegalArgumentException("threads, prefetch and context length must be positive");
        }
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values");
        this.source = source;
        this.tokenizer = tokenizer;
        this.resolution = resolution;
        this.mean = mean.clone();
        this.std = std.clone();
        this.batch = batch;
        this.shuffle = shuffle;
        this.augment = augment;
        this.seed = seed;
        this.options = options;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "clip4j-batch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int batchSize() {
        return batch;
    }

    public int stepsPerEpoch() {
        int n = source.size();
        return options.dropLast() ? n / batch : (n + batch - 1) / batch;
    }

    /** The order in which epoch e visits the source's pairs: identity, or a Fisher-Yates shuffle seeded by (seed, e). */
    public int[] order(int epoch) {
        int[] o = new int[source.size()];
        for (int i = 0; i < o.length; i++) o[i] = i;
        if (!shuffle) return o;
        Random r = Seeds.random(seed, 0x5EED, epoch);
        for (int i = o.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** Distinct images left out so far because they could not be read. */
    public int skippedImages() {
        return broken.size();
    }

    /** The messages of the images left out, one per image, in the order they were found. */
    public List<String> skippedMessages() {
        return List.copyOf(brokenMessages);
    }

    /** The images left out so far, in the order they were found. */
    public List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    /** The batches of an epoch from its first step. */
    public Epoch epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /** The batches of an epoch from {@code startStep} on (resuming a run). */
    public Epoch epoch(int epoch, int startStep) {
        if (epoch < 0 || startStep < 0) throw new IllegalArgumentException("epoch and step must be >= 0");
        return new Epoch(epoch, order(epoch), startStep);
    }

    /** Prepares one step's batch on the calling thread. */
    Batch prepare(int epoch, int[] order, int step) {
        int from = step * batch;
        int to = Math.min(order.length, from + batch);
        int plane = 3 * resolution * resolution;
        float[][] pix = new float[to - from][];
        int[][] toks = new int[to - from][];
        int[] idx = new int[to - from];
        int n = 0;
        for (int p = from; p < to; p++) {
            int i = order[p];
            if (broken.contains(i)) continue;
            float[] x;
            try {
                Random rng = augment ? options.augmentation().generator(seed, epoch, i) : null;
                x = source.pixels(i, resolution, mean, std, rng);
            } catch (Clip4jException e) {
                if (broken.add(i)) {
                    String msg = source.imageName(i) + ": skipped (" + e.getMessage() + ")";
                    if (e.getMessage() != null && e.getMessage().contains(source.imageName(i))) {
                        msg = e.getMessage() + " (skipped)";
                    }
                    // batches are prepared in parallel: one lock keeps the lists in the order of the reports
                    synchronized (brokenMessages) {
                        brokenMessages.add(msg);
                        skipped.add(new Skipped(source.imageName(i), e.getMessage()));
                        options.report().accept(msg);
                    }
                }
                continue;
            }
            if (x.length != plane) {
                throw new IllegalStateException(
                        source.imageName(i) + ": source gave " + x.length + " floats, expected " + plane);
            }
            pix[n] = x;
            toks[n] = tokenizer.tokenize(source.caption(i), options.contextLength(), true);
            idx[n] = i;
            n++;
        }
        float[] pixels = new float[n * plane];
        for (int k = 0; k < n; k++) System.arraycopy(pix[k], 0, pixels, k * plane, plane);
        return new Batch(pixels, Arrays.copyOf(toks, n), n, Arrays.copyOf(idx, n), epoch);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The batches of one epoch, prepared ahead on the loader's threads. Close it to stop early. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int steps;
        private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
        private int nextToSubmit;
        private int nextToReturn;

        Epoch(int epoch, int[] order, int startStep) {
            this.epoch = epoch;
            this.order = order;
            this.steps = stepsPerEpoch();
            this.nextToSubmit = Math.min(startStep, steps);
            this.nextToReturn = nextToSubmit;
            fill();
        }

        private void fill() {
            while (ahead.size() < options.prefetch() && nextToSubmit < steps) {
                int step = nextToSubmit++;
                ahead.add(pool.submit(() -> prepare(epoch, order, step)));
            }
        }

        /** The step the next batch belongs to. */
        public int nextStep() {
            return nextToReturn;
        }

        public int epochNumber() {
            return epoch;
        }

        @Override
        public boolean hasNext() {
            return nextToReturn < steps;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            Future<Batch> f = ahead.poll();
            try {
                Batch b = f.get();
                nextToReturn++;
                fill();
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException(c);
            }
        }

        @Override
        public void close() {
            for (Future<Batch> f : ahead) f.cancel(true);
            ahead.clear();
            nextToReturn = steps;
        }
    }
}
