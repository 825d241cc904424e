package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end, in-process, against the reference outputs. */
class CliTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final String CAT = TestCheckpoints.resource("image/chelsea.png").toString();
    static final String COFFEE = TestCheckpoints.resource("image/coffee.png").toString();

    @TempDir
    Path tmp;

    static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) arr.get(i).asDouble();
        return f;
    }

    @Test
    void tokenizeGivesTheReferenceIds() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        for (String line : Files.readAllLines(TestCheckpoints.resource("tokenizer/cases.jsonl"))) {
            if (!line.isBlank()) cases.add(Fixtures.JSON.readTree(line));
        }
        List<String> args = new ArrayList<>(List.of("tokenize", "--truncate", "--format", "json", "--"));
        for (int i = 0; i < Math.min(20, cases.size()); i++)
            args.add(cases.get(i).get("text").asText());
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode rows = r.json();
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(
                    cases.get(i).get("text").asText(), rows.get(i).get("text").asText());
            assertEquals(cases.get(i).get("ids77"), rows.get(i).get("ids"), "ids of case " + i);
        }
    }

    @Test
    void tokenizeTruncatesLongTextsLikeEmbedAndRefusesThemWithNoTruncate() {
        String longText = "word ".repeat(100);
        CliRunner refused = CliRunner.run("tokenize", "--no-truncate", longText);
        refused.assertOneLineError("102 tokens");
        assertTrue(refused.err().contains("--truncate") && !refused.err().contains("use truncation"), refused.err());
        for (String[] args : new String[][] {
            {"tokenize", "--context", "8", "--format", "json", longText},
            {"tokenize", "--truncate", "--context", "8", "--format", "json", longText}
        }) {
            CliRunner ok = CliRunner.run(args);
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.err().contains("102 tokens; cut to the context of 8"), ok.err());
            JsonNode ids = ok.json().get(0).get("ids");
            assertEquals(8, ids.size());
            assertEquals(49406, ids.get(0).asInt());
            assertEquals(49407, ids.get(7).asInt());
        }
        // embed agrees: a long text is cut by default (with the same note) and refused with --no-truncate
        CliRunner embedded = CliRunner.run("embed", "--model", VIT, "--format", "json", "--text", longText);
        assertEquals(0, embedded.code(), embedded.err());
        assertTrue(embedded.err().contains("102 tokens; cut to the context of"), embedded.err());
        assertEquals(1, embedded.json().get("texts").size());
    }

    @Test
    void tokenizeUsesTheModelsContextLength() throws IOException {
        int context = Fixtures.json("models/vit-tiny/open_clip_config.json")
                .get("model_cfg")
                .get("text_cfg")
                .get("context_length")
                .asInt();
        CliRunner r = CliRunner.run("tokenize", "--model", VIT, "a photo of a cat");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(7 of " + context + ")"), r.out());
        CliRunner j = CliRunner.run("tokenize", "--model", VIT, "--format", "json", "a photo of a cat");
        assertEquals(context, j.json().get(0).get("ids").size());
        assertTrue(CliRunner.run("tokenize", "a photo of a cat").out().contains("(7 of 77)"));
    }

    @Test
    void embedRawTextsAreTheReferenceEmbeddings() {
        Map<String, Tensor> exp = Fixtures.safetensors("models/vit-tiny/expected.safetensors");
        JsonNode texts = Fixtures.json("models/vit-tiny/expected.json").get("texts");
        CliRunner r = CliRunner.run(
                "embed",
                "--model",
                VIT,
                "--raw",
                "--format",
                "json",
                "--text",
                texts.get(0).asText(),
                "--text",
                texts.get(3).asText());
        assertEquals(0, r.code(), r.err());
        float[] all = exp.get("text_embeds").toFloatArray();
        int e = exp.get("text_embeds").dim(1);
        int[] which = {0, 3};
        for (int i = 0; i < 2; i++) {
            JsonNode t = r.json().get("texts").get(i);
            assertEquals(texts.get(which[i]).asText(), t.get("text").asText());
            float[] want = Arrays.copyOfRange(all, which[i] * e, (which[i] + 1) * e);
            assertTrue(Fixtures.relativeError(floats(t.get("embedding")), want) < 1e-5);
        }
    }

    @Test
    void embedNormalisesByDefaultAndReportsBadImagesWithoutLosingTheGoodOnes() throws IOException {
        Path bad =
                Files.write(tmp.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        CliRunner r = CliRunner.run(
                "embed",
                "--model",
                VIT,
                "--format",
                "json",
                "--image",
                CAT,
                "--image",
                bad.toString(),
                "--image",
                COFFEE,
                "--text",
                "a cat");
        assertEquals(1, r.code());
        JsonNode doc = r.json();
        assertEquals(2, doc.get("images").size());
        assertEquals(CAT, doc.get("images").get(0).get("path").asText());
        assertEquals(COFFEE, doc.get("images").get(1).get("path").asText());
        assertEquals(1, doc.get("errors").size());
        assertEquals(bad.toString(), doc.get("errors").get(0).get("path").asText());
        assertTrue(r.err().contains("broken.png"), r.err());
        for (JsonNode n : List.of(doc.get("images").get(0), doc.get("texts").get(0))) {
            double s = 0;
            for (float v : floats(n.get("embedding"))) s += v * v;
            assertEquals(1.0, s, 1e-5);
        }
    }

    @Test
    void embedNoTruncateRefusesLongText() {
        CliRunner r = CliRunner.run("embed", "--model", VIT, "--no-truncate", "--text", "x ".repeat(90));
        r.assertOneLineError("92 tokens");
        assertTrue(r.err().contains("--truncate"), r.err());
    }

    @Test
    void classifyIsTheSoftmaxOfScaledCosinesAgainstAveragedPrompts() {
        List<String> labels = List.of("cat", "coffee", "rocket");
        List<String> templates = List.of("a photo of a {}.", "a drawing of a {}.");
        Path tfile = tmp.resolve("templates.txt");
        try {
            Files.write(tfile, templates);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CliRunner r = CliRunner.run(
                "classify",
                "--model",
                VIT,
                "--labels",
                String.join(",", labels),
                "--templates",
                tfile.toString(),
                "--top",
                "3",
                "--format",
                "json",
                CAT,
                COFFEE);
        assertEquals(0, r.code(), r.err());

        // the same computation from `embed` outputs: normalise prompts, average per class, renormalise, exp(s)*cos
        List<String> args = new ArrayList<>(
                List.of("embed", "--model", VIT, "--format", "json", "--image", CAT, "--image", COFFEE));
        for (String l : labels) for (String t : templates) args.addAll(List.of("--text", t.replace("{}", l)));
        JsonNode emb = CliRunner.run(args.toArray(String[]::new)).json();
        double scale = Math.exp(Fixtures.safetensors("models/vit-tiny/expected.safetensors")
                .get("logit_scale")
                .toFloatArray()[0]);
        for (int img = 0; img < 2; img++) {
            float[] x = floats(emb.get("images").get(img).get("embedding"));
            double[] logits = new double[labels.size()];
            for (int c = 0; c < labels.size(); c++) {
                double[] mean = new double[x.length];
                for (int t = 0; t < templates.size(); t++) {
                    float[] v = floats(
                            emb.get("texts").get(c * templates.size() + t).get("embedding"));
                    for (int i = 0; i < v.length; i++) mean[i] += v[i] / templates.size();
                }
                double n = 0, dot = 0;
                for (double m : mean) n += m * m;
                for (int i = 0; i < x.length; i++) dot += x[i] * mean[i] / Math.sqrt(n);
                logits[c] = scale * dot;
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double l : logits) max = Math.max(max, l);
            for (double l : logits) sum += Math.exp(l - max);
            JsonNode top = r.json().get(img).get("top");
            assertEquals(3, top.size());
            for (JsonNode p : top) {
                int c = labels.indexOf(p.get("label").asText());
                assertEquals(Math.exp(logits[c] - max) / sum, p.get("prob").asDouble(), 1e-5);
            }
            assertTrue(
                    top.get(0).get("prob").asDouble() >= top.get(1).get("prob").asDouble());
        }
    }

    @Test
    void classifyReportsABadImageInItsRow() throws IOException {
        Path txt = Files.writeString(tmp.resolve("readme.txt"), "not an image");
        CliRunner r =
                CliRunner.run("classify", "--model", VIT, "--labels", "a,b", "--format", "json", CAT, txt.toString());
        assertEquals(1, r.code());
        assertEquals(2, r.json().get(0).get("top").size());
        assertTrue(r.json().get(1).get("error").asText().contains("readme.txt"));
    }

    @Test
    void infoCountsEveryParameter() {
        long params = 0;
        for (Tensor t : Fixtures.safetensors("models/vit-tiny/open_clip_model.safetensors")
                .values()) params += t.numel();
        CliRunner r = CliRunner.run("info", "--model", VIT, "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode info = r.json();
        assertEquals(params, info.get("parameters").asLong());
        assertEquals("open_clip", info.get("format").asText());
        assertEquals("ViT", info.get("image_tower").asText());
        assertEquals(48, info.get("embed_dim").asInt());
        assertTrue(info.get("dtypes").has("F16"));
        CliRunner text = CliRunner.run(
                "info", "--model", TestCheckpoints.resource("models/rn-tiny").toString());
        assertTrue(text.out().contains("ModifiedResNet"), text.out());
    }

    @Test
    void badModelsAreOneLineErrors() throws IOException {
        CliRunner.run("info", "--model", tmp.resolve("nope").toString()).assertOneLineError("nope");
        Path corrupt = tmp.resolve("corrupt.safetensors");
        byte[] head = Files.readAllBytes(TestCheckpoints.resource("models/vit-tiny/open_clip_model.safetensors"));
        Files.write(corrupt, Arrays.copyOf(head, 5000));
        CliRunner.run("embed", "--model", corrupt.toString(), "--text", "x").assertOneLineError("corrupt.safetensors");
        Path dir = Files.createDirectories(tmp.resolve("empty-folder"));
        CliRunner.run("info", "--model", dir.toString()).assertOneLineError("empty-folder");
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRunner r = CliRunner.run("embed", "--text", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model"), r.err());
        assertEquals(2, CliRunner.run("frobnicate").code());
        CliRunner help = CliRunner.run("--help");
        assertEquals(0, help.code());
        for (String c : new String[] {"embed", "classify", "tokenize", "info", "download"})
            assertTrue(help.out().contains(c), c);
    }

    @Test
    void embedOfNothingIsAnError() {
        CliRunner.run("embed", "--model", VIT).assertOneLineError("nothing to embed");
    }

    @Test
    void humanReadableOutputs() {
        CliRunner r = CliRunner.run("classify", "--model", VIT, "--labels", "cat,dog", "--top", "1", CAT);
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith(CAT + "\n"), r.out());
        assertTrue(r.out().matches("(?s).*%  (cat|dog)\\n"), r.out());
        CliRunner t = CliRunner.run("tokenize", "a photo of a cat");
        assertTrue(t.out().contains("49406 320 1125 539 320 2368 49407"), t.out());
    }
}
