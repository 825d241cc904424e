package io.clip4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.model.ClipConfig;
import io.clip4j.testing.Fixtures;
import io.clip4j.train.ParameterSet;
import io.clip4j.train.TrainableClip;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightInheritanceTest {
    static final Path TEACHER = Fixtures.resource("models/vit-tiny");

    @Test
    void layersAtAFixedInterval() {
        for (int i = 0; i < 6; i++) assertEquals(2 * i, WeightInheritance.teacherLayer(i, 6, 12));
        assertEquals(0, WeightInheritance.teacherLayer(0, 1, 2));
        assertEquals(8, WeightInheritance.teacherLayer(2, 3, 12));
    }

    @Test
    void aStudentOfTheTeachersShapeIsTheTeacher() {
        try (Clip teacher = Clip.load(TEACHER, Clip.Options.defaults().withNormalize(false))) {
            ClipConfig t = teacher.config();
            TrainableClip student = StudentModel.build(
                    teacher.checkpoint(),
                    new StudentShape(Tower.IMAGE, t.visionWidth(), t.visionLayers()[0], t.visionHeads(), 0),
                    new StudentModel.Init.Inherit());
            int r = t.imageResolution();
            float[] px = new float[2 * 3 * r * r];
            Random rnd = new Random(1);
            for (int i = 0; i < px.length; i++) px[i] = (float) rnd.nextGaussian();
            float[] mine = student.imageFeatures(px, 2);
            float[][] ref = teacher.embedPixels(px, 2);
            for (int b = 0; b < 2; b++) {
                float[] row = Arrays.copyOfRange(mine, b * t.embedDim(), (b + 1) * t.embedDim());
                assertTrue(Fixtures.relativeError(ref[b], row) < 1e-5, "image " + b);
            }
        }
    }

    @Test
    void halfWidthStudentKeepsTheLeadingChannelsOfEachOfQKAndV() {
        try (Clip teacher = Clip.load(TEACHER)) {
            ClipConfig t = teacher.config();
            StudentShape shape = StudentShape.of(Tower.IMAGE, t, null, null, null);
            assertEquals(t.visionWidth() / 2, shape.width());
            TrainableClip s = StudentModel.build(teacher.checkpoint(), shape, new StudentModel.Init.Inherit());
            int W = t.visionWidth(), w = shape.width();
            float[] tq = teacher.checkpoint()
                    .weights()
                    .get("visual.transformer.resblocks.0.attn.in_proj_weight")
                    .toFloatArray();
            float[] sq = s.parameters().get("visual.transformer.resblocks.0.attn.in_proj_weight");
            for (int part = 0; part < 3; part++) {
                for (int row = 0; row < w; row += 7) {
                    for (int col = 0; col < w; col += 5) {
                        assertEquals(
                                tq[(part * W + row) * W + col],
                                sq[(part * w + row) * w + col],
                                "part " + part + " [" + row + "," + col + "]");
                    }
                }
            }
            float[] tfc = teacher.checkpoint()
                    .weights()
                    .get("visual.transformer.resblocks.0.mlp.c_fc.weight")
                    .toFloatArray();
            float[] sfc = s.parameters().get("visual.transformer.resblocks.0.mlp.c_fc.weight");
            assertEquals(4 * w * w, sfc.length);
            assertEquals(tfc[(4 * w - 1) * W + w - 1], sfc[(4 * w - 1) * w + w - 1]);
        }
    }

    @Test
    void theSeedsViTB32StudentHas12MillionImageParameters() {
        ClipConfig b32 = new ClipConfig(
                512,
                224,
                new int[] {12},
                768,
                32,
                12,
                77,
                49408,
                512,
                8,
                12,
                true,
                ClipConfig.OPENAI_MEAN,
                ClipConfig.OPENAI_STD);
        for (int heads : new int[] {6, 12, 24}) {
            StudentShape s = StudentShape.of(Tower.IMAGE, b32, null, null, heads);
            assertEquals(384, s.width());
            assertEquals(6, s.layers());
            long n = 0;
            for (Map.Entry<String, int[]> e : ExpectedTensors.of(s.config(b32)).entrySet()) {
                if (e.getKey().startsWith("visual.")) n += ParameterSet.numel(e.getValue());
            }
            assertEquals(12_044_160, n, "heads " + heads); // 48.2 MB as fp32, 24.1 MB as fp16
        }
        assertEquals(12, StudentShape.of(Tower.IMAGE, b32, null, null, null).heads());
    }

    @Test
    void anOddDepthIsHalvedUpwards() {
        // the quickstart's 3-layer tower: a 1-layer student kept 43 % of its zero-shot top-1, a 2-layer one 95 %
        ClipConfig quick = new ClipConfig(
                128,
                16,
                new int[] {3},
                128,
                4,
                4,
                24,
                49408,
                128,
                4,
                1,
                false,
                ClipConfig.OPENAI_MEAN,
                ClipConfig.OPENAI_STD);
        StudentShape s = StudentShape.of(Tower.IMAGE, quick, null, null, null);
        assertEquals(64, s.width());
        assertEquals(2, s.layers());
        assertEquals(1, StudentShape.of(Tower.TEXT, quick, null, null, null).layers());
    }
}
