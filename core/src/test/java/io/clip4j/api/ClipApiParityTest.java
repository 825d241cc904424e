package io.clip4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API against the reference: every checkpoint format, tokenizer + model, and whole-file pipeline. */
class ClipApiParityTest {
    @TempDir
    Path tmp;

    static final Clip.Options RAW = Clip.Options.defaults().withNormalize(false);

    static float[] flat(float[][] rows) {
        int n = 0;
        for (float[] r : rows) n += r.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, o, r.length);
            o += r.length;
        }
        return out;
    }

    static List<String> texts(String model) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : Fixtures.json("models/" + model + "/expected.json").get("texts")) out.add(t.asText());
        return out;
    }

    static void within(String what, float[] actual, Tensor expected, double tol) {
        double err = Fixtures.relativeError(actual, expected.toFloatArray());
        assertTrue(err <= tol, what + ": relative error " + err + " > " + tol);
    }

    private void checkModel(Path path, String model) {
        Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected.safetensors");
        try (Clip clip = Clip.load(path, RAW)) {
            List<String> texts = texts(model);
            int[][] ids = clip.tokenize(texts);
            assertArrayEquals(Fixtures.rows(exp.get("input_ids")), ids, path + ": token ids");
            Tensor pixels = exp.get("pixels");
            float[][] img = clip.embedPixels(pixels.toFloatArray(), pixels.dim(0));
            float[][] txt = clip.embedTexts(texts);
            within(path + " image_embeds", flat(img), exp.get("image_embeds"), 1e-5);
            within(path + " text_embeds", flat(txt), exp.get("text_embeds"), 1e-5);
            within(path + " logits_per_image", flat(clip.logits(img, txt)), exp.get("logits_per_image"), 1e-5);
            within(path + " logits_per_text", flat(clip.logits(txt, img)), exp.get("logits_per_text"), 1e-5);
        }
    }

    @Test
    void vitTinyInEveryFormatMatchesTheReference() throws Exception {
        Path vit = TestCheckpoints.resource("models/vit-tiny");
        checkModel(vit, "vit-tiny"); // open_clip folder
        checkModel(vit.resolve("open_clip_model.safetensors"), "vit-tiny"); // bare safetensors, config inferred
        checkModel(TestCheckpoints.vitTinyTorchBin(tmp), "vit-tiny"); // torch.save zip
        checkModel(TestCheckpoints.vitTinyHfFolder(tmp), "vit-tiny"); // Hugging Face folder
    }

    @Test
    void rnTinyMatchesTheReference() {
        checkModel(TestCheckpoints.resource("models/rn-tiny"), "rn-tiny");
    }

    @Test
    void imageFilesThroughTheWholePipelineMatchTheReference() {
        for (String model : new String[] {"vit-tiny", "rn-tiny"}) {
            JsonNode spec = Fixtures.json("models/" + model + "/expected_files.json");
            Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected_files.safetensors");
            List<Path> files = new ArrayList<>();
            for (JsonNode n : spec.get("images")) files.add(TestCheckpoints.resource("image/" + n.asText()));
            try (Clip clip = Clip.load(TestCheckpoints.resource("models/" + model), RAW)) {
                float[][] pixels = new float[files.size()][];
                for (int i = 0; i < files.size(); i++)
                    pixels[i] = clip.preprocessor().preprocess(files.get(i));
                within(model + " pixels", flat(pixels), exp.get("pixels"), 1e-4);
                List<Clip.ImageResult> results = clip.embedImageFiles(files);
                float[][] emb = new float[results.size()][];
                for (int i = 0; i < emb.length; i++) {
                    assertNull(results.get(i).error());
                    emb[i] = results.get(i).embedding();
                }
                within(model + " image_embeds of files", flat(emb), exp.get("image_embeds"), 1e-4);
            }
        }
    }

    @Test
    void aBadImageInABatchIsReportedAndTheOthersAreEmbedded() throws Exception {
        Path notImage = Files.writeString(tmp.resolve("notes.txt"), "hello");
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        Path good = TestCheckpoints.resource("image/chelsea.png");
        try (Clip clip = Clip.load(TestCheckpoints.resource("models/vit-tiny"))) {
            List<Clip.ImageResult> r = clip.embedImageFiles(List.of(good, notImage, empty, good));
            assertTrue(r.get(0).ok());
            assertFalse(r.get(1).ok());
            assertTrue(r.get(1).error().contains("notes.txt"), r.get(1).error());
            assertFalse(r.get(2).ok());
            assertTrue(r.get(2).error().contains("empty.png"), r.get(2).error());
            assertArrayEquals(r.get(0).embedding(), r.get(3).embedding());
            double norm = 0;
            for (float v : r.get(0).embedding()) norm += v * v;
            assertEquals(1.0, norm, 1e-5);
        }
    }

    @Test
    void concurrentCallersGetTheSameAnswersAsOneCaller() throws Exception {
        Path vit = TestCheckpoints.resource("models/vit-tiny");
        List<Path> files = List.of(
                TestCheckpoints.resource("image/chelsea.png"),
                TestCheckpoints.resource("image/coffee.png"),
                TestCheckpoints.resource("image/logo.png"));
        List<String> texts = texts("vit-tiny");
        try (Clip clip = Clip.load(vit)) {
            float[][] img = clip.embedImages(files);
            float[][] txt = clip.embedTexts(texts);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<float[][]>> fs = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    fs.add(pool.submit(i % 2 == 0 ? () -> clip.embedImages(files) : () -> clip.embedTexts(texts)));
                }
                for (int i = 0; i < fs.size(); i++) {
                    float[][] got = fs.get(i).get();
                    float[][] want = i % 2 == 0 ? img : txt;
                    for (int j = 0; j < want.length; j++) assertArrayEquals(want[j], got[j], 1e-6f);
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
