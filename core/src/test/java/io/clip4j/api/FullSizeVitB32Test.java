package io.clip4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full-size ViT-B/32 layout with random weights, written here as a Hugging Face folder (float32, so the
 * weights are used straight from the mapped file) and as a bare OpenAI-named float16 safetensors file with the
 * same values; both must load with the ViT-B/32 shape and give the same embeddings.
 */
class FullSizeVitB32Test {
    static final int W = 768,
            LAYERS = 12,
            PATCH = 32,
            POS = 50,
            TW = 512,
            TLAYERS = 12,
            E = 512,
            VOCAB = 49408,
            CTX = 77;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path tmp;

    long state = 0x9E3779B97F4A7C15L;

    /** Uniform values of the given scale, rounded to fp16 so both files hold exactly the same numbers. */
    float[] random(int n, float scale, float offset) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            float u = ((state >>> 40) / (float) (1L << 24)) * 2f - 1f;
            a[i] = Float.float16ToFloat(Float.floatToFloat16(offset + scale * u));
        }
        return a;
    }

    static Tensor f32(String name, float[] v, int... shape) {
        MemorySegment seg = MemorySegment.ofArray(new byte[v.length * 4]);
        for (int i = 0; i < v.length; i++) seg.setAtIndex(F32, i, v[i]);
        return new Tensor(name, DType.F32, shape, seg);
    }

    static Tensor f16(String name, float[] v, int... shape) {
        MemorySegment seg = MemorySegment.ofArray(new byte[v.length * 2]);
        for (int i = 0; i < v.length; i++) seg.setAtIndex(F16, i, Float.floatToFloat16(v[i]));
        return new Tensor(name, DType.F16, shape, seg);
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    /** Adds one transformer's tensors under both naming schemes. */
    void tower(
            Map<String, Tensor> hf, Map<String, Tensor> oa, String hfPrefix, String oaPrefix, int width, int layers) {
        float ws = (float) (1 / Math.sqrt(width));
        for (int i = 0; i < layers; i++) {
            String h = hfPrefix + "encoder.layers." + i + ".", o = oaPrefix + "resblocks." + i + ".";
            float[] q = random(width * width, ws, 0),
                    k = random(width * width, ws, 0),
                    v = random(width * width, ws, 0);
            float[] qb = random(width, 0.02f, 0), kb = random(width, 0.02f, 0), vb = random(width, 0.02f, 0);
            hf.put(h + "self_attn.q_proj.weight", f32("", q, width, width));
            hf.put(h + "self_attn.k_proj.weight", f32("", k, width, width));
            hf.put(h + "self_attn.v_proj.weight", f32("", v, width, width));
            hf.put(h + "self_attn.q_proj.bias", f32("", qb, width));
            hf.put(h + "self_attn.k_proj.bias", f32("", kb, width));
            hf.put(h + "self_attn.v_proj.bias", f32("", vb, width));
            oa.put(o + "attn.in_proj_weight", f16("", concat(q, k, v), 3 * width, width));
            oa.put(o + "attn.in_proj_bias", f32("", concat(qb, kb, vb), 3 * width));
            pair(
                    hf,
                    oa,
                    h + "self_attn.out_proj.weight",
                    o + "attn.out_proj.weight",
                    random(width * width, ws, 0),
                    width,
                    width);
            pair(hf, oa, h + "self_attn.out_proj.bias", o + "attn.out_proj.bias", random(width, 0.02f, 0), width);
            pair(hf, oa, h + "layer_norm1.weight", o + "ln_1.weight", random(width, 0.1f, 1), width);
            pair(hf, oa, h + "layer_norm1.bias", o + "ln_1.bias", random(width, 0.1f, 0), width);
            pair(hf, oa, h + "layer_norm2.weight", o + "ln_2.weight", random(width, 0.1f, 1), width);
            pair(hf, oa, h + "layer_norm2.bias", o + "ln_2.bias", random(width, 0.1f, 0), width);
            pair(
                    hf,
                    oa,
                    h + "mlp.fc1.weight",
                    o + "mlp.c_fc.weight",
                    random(4 * width * width, ws, 0),
                    4 * width,
                    width);
            pair(hf, oa, h + "mlp.fc1.bias", o + "mlp.c_fc.bias", random(4 * width, 0.02f, 0), 4 * width);
            pair(
                    hf,
                    oa,
                    h + "mlp.fc2.weight",
                    o + "mlp.c_proj.weight",
                    random(4 * width * width, ws / 2, 0),
                    width,
                    4 * width);
            pair(hf, oa, h + "mlp.fc2.bias", o + "mlp.c_proj.bias", random(width, 0.02f, 0), width);
        }
    }

    static void pair(
            Map<String, Tensor> hf, Map<String, Tensor> oa, String hfName, String oaName, float[] v, int... shape) {
        hf.put(hfName, f32(hfName, v, shape));
        oa.put(oaName, shape.length >= 2 ? f16(oaName, v, shape) : f32(oaName, v, shape));
    }

    @Test
    void randomVitB32LoadsMemoryMappedFromBothLayoutsAndRuns() throws Exception {
        Map<String, Tensor> hf = new LinkedHashMap<>(), oa = new LinkedHashMap<>();
        pair(hf, oa, "vision_model.embeddings.class_embedding", "visual.class_embedding", random(W, 0.5f, 0), W);
        pair(
                hf,
                oa,
                "vision_model.embeddings.patch_embedding.weight",
                "visual.conv1.weight",
                random(W * 3 * PATCH * PATCH, 0.03f, 0),
                W,
                3,
                PATCH,
                PATCH);
        pair(
                hf,
                oa,
                "vision_model.embeddings.position_embedding.weight",
                "visual.positional_embedding",
                random(POS * W, 0.1f, 0),
                POS,
                W);
        pair(hf, oa, "vision_model.pre_layrnorm.weight", "visual.ln_pre.weight", random(W, 0.1f, 1), W);
        pair(hf, oa, "vision_model.pre_layrnorm.bias", "visual.ln_pre.bias", random(W, 0.1f, 0), W);
        tower(hf, oa, "vision_model.", "visual.transformer.", W, LAYERS);
        pair(hf, oa, "vision_model.post_layernorm.weight", "visual.ln_post.weight", random(W, 0.1f, 1), W);
        pair(hf, oa, "vision_model.post_layernorm.bias", "visual.ln_post.bias", random(W, 0.1f, 0), W);
        float[] vproj = random(E * W, 0.04f, 0); // HF [E, W]; OpenAI visual.proj is [W, E]
        hf.put("visual_projection.weight", f32("", vproj, E, W));
        oa.put("visual.proj", f16("", transpose(vproj, E, W), W, E));
        pair(
                hf,
                oa,
                "text_model.embeddings.token_embedding.weight",
                "token_embedding.weight",
                random(VOCAB * TW, 0.05f, 0),
                VOCAB,
                TW);
        pair(
                hf,
                oa,
                "text_model.embeddings.position_embedding.weight",
                "positional_embedding",
                random(CTX * TW, 0.02f, 0),
                CTX,
                TW);
        tower(hf, oa, "text_model.", "transformer.", TW, TLAYERS);
        pair(hf, oa, "text_model.final_layer_norm.weight", "ln_final.weight", random(TW, 0.1f, 1), TW);
        pair(hf, oa, "text_model.final_layer_norm.bias", "ln_final.bias", random(TW, 0.1f, 0), TW);
        float[] tproj = random(E * TW, 0.04f, 0);
        hf.put("text_projection.weight", f32("", tproj, E, TW));
        oa.put("text_projection", f16("", transpose(tproj, E, TW), TW, E));
        float[] scale = {(float) Math.log(100)};
        hf.put("logit_scale", f32("", scale));
        oa.put("logit_scale", f32("", scale));

        Path hfDir = Files.createDirectories(tmp.resolve("clip-vit-base-patch32"));
        SafeTensorsWriter.write(hfDir.resolve("model.safetensors"), hf, Map.of("format", "pt"));
        Files.writeString(hfDir.resolve("config.json"), """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 512,
                 "text_config": {"hidden_size": 512, "intermediate_size": 2048, "num_attention_heads": 8,
                   "num_hidden_layers": 12, "max_position_embeddings": 77, "vocab_size": 49408, "hidden_act": "quick_gelu"},
                 "vision_config": {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12,
                   "num_hidden_layers": 12, "image_size": 224, "patch_size": 32, "hidden_act": "quick_gelu"}}
                """);
        hf.clear();
        Path bare = tmp.resolve("ViT-B-32.safetensors");
        SafeTensorsWriter.write(bare, oa, Map.of());
        oa.clear();

        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 320, 240);
        g.setColor(Color.BLUE);
        g.fillOval(60, 40, 150, 150);
        g.dispose();
        List<String> texts = List.of("a photo of a cat", "a blue circle on an orange background");

        float[] imgA;
        float[][] txtA;
        try (Clip clip = Clip.load(hfDir)) {
            assertEquals("ViT-B/32", clip.config().openaiName());
            assertEquals("huggingface", clip.checkpoint().format());
            Tensor w = clip.checkpoint().weights().get("visual.transformer.resblocks.11.mlp.c_fc.weight");
            assertTrue(w.data().isMapped(), "float32 weights are used from the mapped file");
            imgA = clip.embedImage(img);
            txtA = clip.embedTexts(texts);
            assertEquals(512, imgA.length);
            assertUnit(imgA);
            for (float[] t : txtA) assertUnit(t);
            assertTrue(Math.abs(Clip.cosine(txtA[0], txtA[1])) < 0.999, "different texts, different vectors");
        }
        try (Clip clip = Clip.load(bare)) {
            assertEquals("ViT-B/32", clip.config().openaiName());
            float[] imgB = clip.embedImage(img);
            float[][] txtB = clip.embedTexts(texts);
            assertArrayEquals(imgA, imgB, 1e-5f);
            for (int i = 0; i < texts.size(); i++) assertArrayEquals(txtA[i], txtB[i], 1e-5f);
        }
    }

    static void assertUnit(float[] v) {
        double s = 0;
        for (float x : v) {
            assertTrue(Float.isFinite(x));
            s += x * x;
        }
        assertEquals(1.0, s, 1e-5);
    }
}
