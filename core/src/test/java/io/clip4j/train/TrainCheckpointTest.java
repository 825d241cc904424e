package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a run: the model folder loads in clip4j's inference API with the same outputs; resuming is exact. */
class TrainCheckpointTest {
    @TempDir
    Path tmp;

    static float[] pixels(int batch, int res, long seed) {
        Random r = new Random(seed);
        float[] p = new float[batch * 3 * res * res];
        for (int i = 0; i < p.length; i++) p[i] = (float) r.nextGaussian();
        return p;
    }

    static int[][] ids() {
        return new int[][] {{49406, 320, 1125, 49407}, {49406, 539, 2368, 748, 49407}, {49406, 49407}};
    }

    @Test
    void savedModelLoadsInClipWithTheSameEmbeddings() {
        TrainableClip m;
        try (var c = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"))) {
            m = TrainableClip.fromCheckpoint(c);
        }
        var trainer = new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(1e-3));
        float[] px = pixels(3, 32, 1);
        trainer.step(px, ids(), 3);
        Path dir = tmp.resolve("out");
        TrainCheckpoint.saveModel(dir, m);
        assertTrue(Files.isRegularFile(dir.resolve("open_clip_model.safetensors")));
        float[] img = m.imageFeatures(px, 3), txt = m.textFeatures(ids());
        try (Clip clip = Clip.load(dir, Clip.Options.defaults().withNormalize(false))) {
            assertEquals(m.config(), clip.config());
            float[][] ci = clip.embedPixels(px, 3), ct = clip.embedTokens(ids());
            for (int b = 0; b < 3; b++) {
                double ei = Fixtures.relativeError(Arrays.copyOfRange(img, b * 48, (b + 1) * 48), ci[b]);
                double et = Fixtures.relativeError(Arrays.copyOfRange(txt, b * 48, (b + 1) * 48), ct[b]);
                assertTrue(ei < 1e-5 && et < 1e-5, "image " + ei + " text " + et);
            }
            assertEquals(
                    m.parameters().get("logit_scale")[0],
                    clip.checkpoint().weights().get("logit_scale").getFloat(0));
        }
    }

    @Test
    void fineTuningWidensHalfPrecisionWeightsExactly() {
        try (var c = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"))) {
            TrainableClip m = TrainableClip.fromCheckpoint(c);
            for (String n : m.parameters().names()) {
                var t = c.weights().get(n);
                float[] v = m.parameters().get(n);
                for (int i = 0; i < v.length; i += 97) assertEquals(t.getFloat(i), v[i], n + "[" + i + "]");
            }
            assertTrue(c.weights().get("visual.conv1.weight").dtype() == DType.F16);
            assertTrue(m.init().contains("vit-tiny"));
        }
    }

    @Test
    void resumingContinuesExactlyAsAnUninterruptedRun() {
        ClipConfig c = GradientCheckTest.tinyConfig(true);
        float[] px = pixels(3, 8, 2);
        int[][] ids = GradientCheckTest.tokens();
        // uninterrupted: 4 steps
        TrainableClip a = TrainableClip.fromScratch(c, 5);
        var ta = new ClipTrainer(
                a, AdamW.openClipDefaults(a.parameters()), new LrSchedule(LrSchedule.Kind.COSINE, 1e-2, 2, 4));
        for (int s = 0; s < 4; s++) ta.step(px, ids, 3);
        // interrupted after 2 steps, saved, resumed from the folder
        TrainableClip b = TrainableClip.fromScratch(c, 5);
        var tb = new ClipTrainer(
                b, AdamW.openClipDefaults(b.parameters()), new LrSchedule(LrSchedule.Kind.COSINE, 1e-2, 2, 4));
        for (int s = 0; s < 2; s++) tb.step(px, ids, 3);
        Path dir = tmp.resolve("run");
        TrainCheckpoint.save(dir, tb, 5, Map.of("epoch", 0, "position", 6));
        assertTrue(TrainCheckpoint.hasState(dir));
        assertEquals(2, TrainCheckpoint.readState(dir).get("step").asInt());
        assertEquals(6, TrainCheckpoint.readState(dir).get("position").asInt());
        assertTrue(TrainCheckpoint.readState(dir).get("init").asText().startsWith("scratch"));
        TrainableClip r = TrainCheckpoint.loadModel(dir);
        AdamW opt = AdamW.openClipDefaults(r.parameters());
        TrainCheckpoint.restoreOptimizer(dir, opt);
        var tr = new ClipTrainer(r, opt, new LrSchedule(LrSchedule.Kind.COSINE, 1e-2, 2, 4));
        assertEquals(2, tr.stepCount());
        for (int s = 0; s < 2; s++) tr.step(px, ids, 3);
        for (String n : a.parameters().names())
            assertArrayEquals(a.parameters().get(n), r.parameters().get(n), n);
    }

    @Test
    void missingOptimizerStateIsAOneLineError() throws Exception {
        ClipConfig c = GradientCheckTest.tinyConfig(true);
        TrainableClip m = TrainableClip.fromScratch(c, 1);
        Path dir = tmp.resolve("partial");
        TrainCheckpoint.save(
                dir, new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(1e-3)), 1, null);
        Files.delete(dir.resolve("train_state.safetensors"));
        assertFalse(TrainCheckpoint.hasState(dir));
        // a state written with --lock-image lacks visual moments: restoring into a full optimizer names the tensor
        TrainCheckpoint.save(
                dir,
                new ClipTrainer(
                        m,
                        new AdamW(m.parameters(), 0.9, 0.98, 1e-6, 0.2, ClipTrainer.trainable(true)),
                        LrSchedule.constant(1e-3),
                        true),
                1,
                null);
        var e = assertThrows(
                Clip4jException.class,
                () -> TrainCheckpoint.restoreOptimizer(dir, AdamW.openClipDefaults(m.parameters())));
        assertTrue(e.getMessage().contains("exp_avg.visual.") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
