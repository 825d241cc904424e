package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.data.SyntheticCaptions;
import io.clip4j.model.ClipConfig;
import io.clip4j.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A time-budgeted run has one warmup and one cosine that only goes down, whatever the pace: steady, slowing,
 * speeding up, stalling (evaluations, a busy machine) — driven by an injected clock that moves on every read.
 */
class TimeBudgetTest {
    @TempDir
    Path tmp;

    static final double BUDGET = 20;

    /** A clock that advances by a pattern-given amount each time it is read. */
    static LongSupplier clock(String pattern, long seed) {
        Random r = new Random(seed);
        long[] now = {0};
        int[] reads = {0};
        return () -> {
            int i = reads[0]++;
            double dt = switch (pattern) {
                case "steady" -> 0.05;
                case "slowing" -> 0.01 + i * 0.0005;
                case "speeding" -> Math.max(0.002, 0.12 - i * 0.0006);
                case "stalls" -> i % 37 == 0 ? 1.5 : 0.03;
                default -> r.nextDouble() < 0.05 ? r.nextDouble() * 2 : r.nextDouble() * 0.08;
            };
            now[0] += (long) (dt * 1e9);
            return now[0];
        };
    }

    record Seen(List<Double> lrs, List<Long> totals, List<Double> left) {}

    Seen run(String pattern, Path out) {
        // one layer per tower on 8 px images, the real vocabulary (the synthetic captions use it)
        ClipConfig c = new ClipConfig(
                16,
                8,
                new int[] {1},
                16,
                4,
                2,
                24,
                49408,
                16,
                2,
                1,
                false,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
        var data = new SyntheticCaptions(100_000, 3, 16, Set.of(), 0.0);
        var s = new TrainingRun.Settings(
                4, 1, -1, 1e-3, 5, LrSchedule.Kind.COSINE, 0.1, true, false, false, 0, 0, 0, BUDGET);
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        TrainingRun.run(
                data,
                out,
                () -> TrainableClip.fromScratch(c, 0),
                ClipTokenizer.openai(),
                s,
                null,
                new TrainingRun.Listener() {
                    @Override
                    public void step(long step, long total, float loss, double lr, double ips, double secondsLeft) {
                        seen.lrs.add(lr);
                        seen.totals.add(total);
                        seen.left.add(secondsLeft);
                    }

                    @Override
                    public void skipped(String image, String reason) {}
                },
                clock(pattern, 7));
        return seen;
    }

    @Test
    void learningRateOnlyGoesDownAfterWarmupForAnyPace() {
        for (String pattern : List.of("steady", "slowing", "speeding", "stalls", "random")) {
            Seen seen = run(pattern, tmp.resolve(pattern));
            List<Double> lr = seen.lrs();
            assertTrue(lr.size() > 10, pattern + ": " + lr.size() + " steps");
            for (int i = 0; i < 5; i++)
                assertEquals(1e-3 * (i + 1) / 5, lr.get(i), 1e-12, pattern + " warmup step " + i);
            for (int i = 5; i < lr.size(); i++) {
                assertTrue(
                        lr.get(i) <= lr.get(i - 1),
                        pattern + ": lr rose at step " + i + ": " + lr.get(i - 1) + " -> " + lr.get(i));
            }
            assertTrue(
                    lr.get(lr.size() - 1) < 0.05 * 1e-3,
                    pattern + ": the cosine ends near 0 when the time is up, last " + lr.get(lr.size() - 1));
            // the bar's ETA is what is left of the budget, and it only goes down
            for (int i = 1; i < seen.left().size(); i++)
                assertTrue(seen.left().get(i) <= seen.left().get(i - 1), pattern + " ETA rose");
            assertTrue(
                    seen.left().get(0) < BUDGET && seen.left().get(0) > BUDGET - 2,
                    pattern + " first ETA " + seen.left().get(0));
            assertEquals(
                    lr.size(),
                    seen.totals().get(seen.totals().size() - 1),
                    pattern + ": the last total is the last step");
        }
    }

    @Test
    void scheduleWithoutBudgetIsOpenClipsCosine() {
        var steps = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 10, 110);
        var run = new RunSchedule(steps, 0, 0, 0, () -> 0);
        for (long i = 0; i < 110; i++) assertEquals(steps.lr(i), run.lr(i), 0, "step " + i);
        assertEquals(0.99, run.progress(), 1e-12);
    }

    @Test
    void aStepLimitInsideTheBudgetEndsTheCosineAtTheLimit() {
        var steps = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 0, 100);
        double[] t = {0};
        var run = new RunSchedule(steps, 1e6, 0, 0, () -> t[0]);
        double prev = Double.MAX_VALUE;
        for (long i = 0; i < 100; i++) {
            t[0] += 0.1;
            double lr = run.lr(i);
            assertTrue(lr <= prev);
            assertTrue(lr <= steps.lr(i) + 1e-15, "never above the step cosine");
            prev = lr;
            run.stepDone(i + 1);
        }
        assertTrue(run.finished(100));
        assertEquals(100, run.expectedTotal(50));
    }

    @Test
    void resumedBudgetRunContinuesFromTheSavedProgress() {
        var steps = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 2, Long.MAX_VALUE);
        double[] t = {0};
        var resumed = new RunSchedule(steps, 10, 0.5, 40, () -> t[0]);
        double lr = resumed.lr(40);
        assertEquals(0.5 * 1e-3, lr, 1e-12, "starts where the saved run stopped: half way down the cosine");
        t[0] = 10;
        assertEquals(0, resumed.lr(41), 1e-12);
        assertTrue(resumed.finished(42));
    }
}
