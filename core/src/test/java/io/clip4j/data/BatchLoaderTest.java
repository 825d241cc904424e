package io.clip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.tokenizer.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    static final ClipTokenizer TOKENIZER = ClipTokenizer.openai();
    static final float[] MEAN = CsvCaptionSourceTest.MEAN, STD = CsvCaptionSourceTest.STD;

    /** Synthetic pairs where some indices fail to read, counting reads. */
    static final class FlakySource implements CaptionSource {
        final SyntheticCaptions inner;
        final Set<Integer> broken;
        final AtomicInteger reads = new AtomicInteger();

        FlakySource(int n, Set<Integer> broken) {
            this.inner = new SyntheticCaptions(n, 11, 24, Set.of(), 0);
            this.broken = broken;
        }

        public int size() {
            return inner.size();
        }

        public String caption(int i) {
            return inner.caption(i);
        }

        public String imageName(int i) {
            return "img" + i + ".png";
        }

        public float[] pixels(int i, int r, float[] m, float[] s, Random rng) {
            reads.incrementAndGet();
            if (broken.contains(i)) throw new Clip4jException("img" + i + ".png: truncated PNG data");
            return inner.pixels(i, r, m, s, rng);
        }
    }

    static List<Batch> all(BatchLoader loader, int epoch, int startStep) {
        List<Batch> out = new ArrayList<>();
        try (BatchLoader.Epoch e = loader.epoch(epoch, startStep)) {
            while (e.hasNext()) out.add(e.next());
        }
        return out;
    }

    static int[] indices(List<Batch> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
    }

    @Test
    void withoutShuffleBatchesFollowTheSource() {
        SyntheticCaptions src = new SyntheticCaptions(10, 1, 24, Set.of(), 0);
        try (BatchLoader loader = new BatchLoader(src, TOKENIZER, 16, MEAN, STD, 4, false, false, 0)) {
            assertEquals(3, loader.stepsPerEpoch());
            List<Batch> b = all(loader, 0, 0);
            assertEquals(3, b.size());
            assertArrayEquals(new int[] {0, 1, 2, 3}, b.get(0).indices());
            assertArrayEquals(new int[] {8, 9}, b.get(2).indices());
            assertEquals(2, b.get(2).size());
            assertEquals(2 * 3 * 16 * 16, b.get(2).pixels().length);
            assertArrayEquals(indices(b), indices(all(loader, 5, 0)), "same order every epoch");
            // pixels are the evaluation transform, tokens the tokenizer's rows
            assertArrayEquals(
                    src.pixels(9, 16, MEAN, STD, null),
                    Arrays.copyOfRange(b.get(2).pixels(), 3 * 16 * 16, 2 * 3 * 16 * 16));
            assertArrayEquals(
                    TOKENIZER.tokenize(src.caption(5), 77, true), b.get(1).tokens()[1]);
            assertEquals(77, b.get(0).tokens()[0].length);
        }
        try (BatchLoader drop = new BatchLoader(
                src,
                TOKENIZER,
                16,
                MEAN,
                STD,
                4,
                false,
                false,
                0,
                BatchLoader.Options.defaults().withDropLast(true).withContextLength(8))) {
            List<Batch> b = all(drop, 0, 0);
            assertEquals(2, b.size());
            assertEquals(8, b.get(0).tokens()[0].length);
        }
    }

    @Test
    void shuffleIsAPermutationDeterminedBySeedAndEpoch() {
        SyntheticCaptions src = new SyntheticCaptions(23, 1, 24, Set.of(), 0);
        try (BatchLoader a = new BatchLoader(src, TOKENIZER, 8, MEAN, STD, 5, true, true, 99);
                BatchLoader b = new BatchLoader(
                        src,
                        TOKENIZER,
                        8,
                        MEAN,
                        STD,
                        5,
                        true,
                        true,
                        99,
                        BatchLoader.Options.defaults().withThreads(3).withPrefetch(1));
                BatchLoader c = new BatchLoader(src, TOKENIZER, 8, MEAN, STD, 5, true, true, 100)) {
            List<Batch> a0 = all(a, 0, 0);
            List<Batch> b0 = all(b, 0, 0);
            int[] order = indices(a0);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            int[] identity = new int[23];
            for (int i = 0; i < 23; i++) identity[i] = i;
            assertArrayEquals(identity, sorted, "each pair once per epoch");
            assertFalse(Arrays.equals(identity, order));
            assertArrayEquals(order, indices(b0), "same seed, same order, whatever the threads");
            for (int k = 0; k < a0.size(); k++) {
                assertArrayEquals(a0.get(k).pixels(), b0.get(k).pixels(), "same augmentation, step " + k);
            }
            assertFalse(Arrays.equals(order, indices(all(a, 1, 0))), "another epoch, another order");
            assertFalse(Arrays.equals(order, indices(all(c, 0, 0))), "another seed, another order");
            // augmentation differs between epochs for the same pair
            List<Batch> a1 = all(a, 1, 0);
            int pair = a0.get(0).indices()[0];
            float[] e0 = pixelsOf(a0, pair), e1 = pixelsOf(a1, pair);
            assertFalse(Arrays.equals(e0, e1));
        }
    }

    static float[] pixelsOf(List<Batch> batches, int pair) {
        for (Batch b : batches) {
            for (int k = 0; k < b.size(); k++) {
                if (b.indices()[k] == pair) {
                    int plane = b.pixels().length / b.size();
                    return Arrays.copyOfRange(b.pixels(), k * plane, (k + 1) * plane);
                }
            }
        }
        throw new AssertionError("pair " + pair + " not found");
    }

    @Test
    void resumingAtAStepGivesTheRemainingBatches() {
        SyntheticCaptions src = new SyntheticCaptions(17, 2, 24, Set.of(), 0);
        try (BatchLoader loader = new BatchLoader(src, TOKENIZER, 8, MEAN, STD, 4, true, true, 5)) {
            List<Batch> full = all(loader, 3, 0);
            List<Batch> tail = all(loader, 3, 2);
            assertEquals(full.size() - 2, tail.size());
            for (int k = 0; k < tail.size(); k++) {
                assertArrayEquals(full.get(k + 2).indices(), tail.get(k).indices());
                assertArrayEquals(full.get(k + 2).pixels(), tail.get(k).pixels());
            }
            try (BatchLoader.Epoch e = loader.epoch(3, 4)) {
                assertEquals(4, e.nextStep());
                e.next();
                assertFalse(e.hasNext());
            }
        }
    }

    @Test
    void brokenImagesAreSkippedReportedOnceAndNotReadAgain() {
        FlakySource src = new FlakySource(9, Set.of(2, 7));
        List<String> reports = new CopyOnWriteArrayList<>();
        try (BatchLoader loader = new BatchLoader(
                src,
                TOKENIZER,
                8,
                MEAN,
                STD,
                3,
                false,
                false,
                0,
                BatchLoader.Options.defaults().withReport(reports::add))) {
            List<Batch> e0 = all(loader, 0, 0);
            assertArrayEquals(new int[] {0, 1}, e0.get(0).indices());
            assertEquals(2, e0.get(0).size());
            assertEquals(2, e0.get(0).tokens().length);
            assertEquals(2 * 3 * 8 * 8, e0.get(0).pixels().length);
            assertArrayEquals(new int[] {6, 8}, e0.get(2).indices());
            int readsAfterFirst = src.reads.get();
            assertEquals(9, readsAfterFirst);
            all(loader, 1, 0);
            assertEquals(9 + 7, src.reads.get(), "known-broken images are not read again");
            assertEquals(2, loader.skippedImages());
            assertEquals(2, reports.size(), "reported once each: " + reports);
            // batches are prepared in parallel: either may be found first
            List<String> sorted = reports.stream().sorted().toList();
            assertTrue(sorted.get(0).contains("img2.png") && sorted.get(0).contains("truncated"), sorted.get(0));
            assertTrue(sorted.get(1).contains("img7.png"), sorted.get(1));
            assertEquals(reports, loader.skippedMessages());
        }
    }
}
