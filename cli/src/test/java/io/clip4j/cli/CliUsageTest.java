package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses, --format json, help texts: the CLI behaves as the tools users know. */
class CliUsageTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final String CAT = TestCheckpoints.resource("image/chelsea.png").toString();

    @TempDir
    Path tmp;

    @Test
    void valuesOutOfRangeAreBadUsage() {
        String idx = tmp.resolve("idx").toString();
        CliRunner.run("search", "--index", idx, "--top", "0", "cat").assertUsageError("--top");
        CliRunner.run("search", "--index", idx, "--min-score", "2", "cat").assertUsageError("--min-score");
        CliRunner.run("classify", "--model", VIT, "--labels", "a,b", "--top", "0", CAT)
                .assertUsageError("--top");
        CliRunner.run("classify", "--model", VIT, "--labels", "a,b").assertUsageError("no images");
        CliRunner.run("classify", "--model", VIT, "--labels", " , ", CAT).assertUsageError("--labels");
        CliRunner.run("tokenize", "--context", "1", "x").assertUsageError("--context");
        CliRunner.run("embed", "--model", VIT, "--max-pixels", "0", "--text", "x")
                .assertUsageError("--max-pixels");
        CliRunner.run("embed", "--model", VIT, "--batch", "0", "--text", "x").assertUsageError("--batch");
        CliRunner.run("embed", "--text", "x").assertUsageError("--model");
        CliRunner.run("index", "--model", VIT, "--index", idx, "--commit-every", "0", tmp.toString())
                .assertUsageError("--commit-every");
        CliRunner.run(
                        "probe",
                        "--model",
                        VIT,
                        "--train",
                        tmp.toString(),
                        "--test",
                        tmp.toString(),
                        "--val-fraction",
                        "1")
                .assertUsageError("--val-fraction");
        CliRunner.run(
                        "textness",
                        "fit",
                        "--model",
                        VIT,
                        "--with-text",
                        tmp.toString(),
                        "--without-text",
                        tmp.toString(),
                        "--l2",
                        "-1")
                .assertUsageError("--l2");
        CliRunner.run("textness", "grid", "--index", idx, "--top", "0", "x").assertUsageError("--top");
        CliRunner.run("serve", "--index", idx, "--port", "-1").assertUsageError("--port");
        CliRunner.run("index", "--index", idx).assertUsageError("not an index yet");
    }

    @Test
    void bareCommandsPrintTheirUsageOnStderrAndExitTwo() {
        CliRunner bare = CliRunner.run();
        assertEquals(2, bare.code());
        assertEquals("", bare.out());
        assertTrue(bare.err().startsWith("Usage: clip4j"), bare.err());
        CliRunner textness = CliRunner.run("textness");
        assertEquals(2, textness.code());
        assertTrue(textness.err().startsWith("Usage: clip4j textness"), textness.err());
        assertEquals(0, CliRunner.run("--help").code());
    }

    /** Every command takes --format json, except help (which prints usage) and download (own text|json: same values). */
    @Test
    void everyCommandTakesFormatJson() {
        List<String[]> commands = new ArrayList<>();
        for (String c : List.of(
                "embed",
                "classify",
                "tokenize",
                "info",
                "download",
                "bench",
                "probe",
                "synth",
                "serve",
                "index",
                "search",
                "train",
                "quickstart")) {
            commands.add(new String[] {c});
        }
        commands.add(new String[] {"textness", "fit"});
        commands.add(new String[] {"textness", "grid"});
        commands.add(new String[] {"index", "export"});
        for (String[] c : commands) {
            List<String> args = new ArrayList<>(List.of(c));
            args.add("--help");
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), String.join(" ", c));
            assertTrue(
                    r.out().matches("(?s).*--format[= ][^\\n]*json.*"),
                    String.join(" ", c) + " lacks --format json:\n" + r.out());
        }
    }

    /** Each option shows what it takes (no picocli default label like --lr=<lr>), and summaries are sentences. */
    @Test
    void helpTextsHaveParamLabelsAndSentences() {
        Pattern fieldLabel = Pattern.compile("--[a-z-]+=<[a-zA-Z]+>");
        for (String c : List.of(
                "embed",
                "classify",
                "tokenize",
                "info",
                "download",
                "bench",
                "probe",
                "synth",
                "serve",
                "index",
                "search",
                "textness fit",
                "textness grid",
                "index export",
                "train",
                "quickstart",
                "distill",
                "eval zeroshot",
                "eval retrieval",
                "eval agreement",
                "convert")) {
            List<String> args = new ArrayList<>(List.of(c.split(" ")));
            args.add("--help");
            String help = CliRunner.run(args.toArray(String[]::new)).out();
            Matcher m = fieldLabel.matcher(help);
            assertFalse(m.find(), c + ": option without a paramLabel: " + (m.find(0) ? m.group() : ""));
            assertFalse(
                    help.contains("each optionally") || help.contains("per class;"),
                    c + ": fragment in the summary:\n" + help);
        }
    }

    @Test
    void tokenizeCountsAgainstTheContextOfAShortContextModel() throws IOException {
        Path model = shortContextModel(tmp, 24);
        CliRunner r = CliRunner.run("tokenize", "--model", model.toString(), "a photo of a cat");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(7 of 24)"), r.out());
        CliRunner longText =
                CliRunner.run("tokenize", "--model", model.toString(), "--no-truncate", "word ".repeat(30));
        longText.assertOneLineError("longer than the context of 24");
        CliRunner embed =
                CliRunner.run("embed", "--model", model.toString(), "--format", "json", "--text", "word ".repeat(30));
        assertEquals(0, embed.code(), embed.err());
        assertTrue(embed.err().contains("32 tokens; cut to the context of 24"), embed.err());
    }

    /** vit-tiny with its text positions cut to {@code context} (open_clip folder). */
    static Path shortContextModel(Path tmp, int context) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ctx" + context));
        Map<String, Tensor> weights =
                new LinkedHashMap<>(Fixtures.safetensors("models/vit-tiny/open_clip_model.safetensors"));
        Tensor pos = weights.get("positional_embedding");
        int width = pos.dim(1);
        float[] cut = Arrays.copyOf(pos.toFloatArray(), context * width);
        weights.put("positional_embedding", Tensor.ofFloats("positional_embedding", new int[] {context, width}, cut));
        SafeTensorsWriter.write(dir.resolve("open_clip_model.safetensors"), weights, Map.of());
        String config = Files.readString(TestCheckpoints.resource("models/vit-tiny/open_clip_config.json"))
                .replace("\"context_length\": 77", "\"context_length\": " + context);
        Files.writeString(dir.resolve("open_clip_config.json"), config);
        return dir;
    }
}
