package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** index and search end to end through the CLI, checked against `clip4j embed` outputs. */
class SearchCliTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final String RN = TestCheckpoints.resource("models/rn-tiny").toString();

    @TempDir
    Path tmp;

    static CliRunner ok(String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + "\nstderr: " + r.err() + "\nstdout: " + r.out());
        return r;
    }

    static void assertCounts(JsonNode j, int added, int updated, int removed, int unchanged, int failed) {
        assertEquals(
                List.of(added, updated, removed, unchanged, failed),
                List.of(
                        j.get("added").asInt(),
                        j.get("updated").asInt(),
                        j.get("removed").asInt(),
                        j.get("unchanged").asInt(),
                        j.get("failed").asInt()),
                j.toString());
        assertEquals(5, j.size(), j.toString());
    }

    /** Embeddings from `clip4j embed --format json`: the independent reference. */
    static Map<String, double[]> embed(List<Path> images, List<String> texts) {
        List<String> args = new ArrayList<>(List.of("embed", "--model", VIT, "--format", "json"));
        for (Path p : images) args.addAll(List.of("--image", p.toString()));
        for (String t : texts) args.addAll(List.of("--text", t));
        JsonNode j = ok(args.toArray(String[]::new)).json();
        Map<String, double[]> out = new HashMap<>();
        for (JsonNode n : j.get("images"))
            out.put(
                    Path.of(n.get("path").asText()).toAbsolutePath().normalize().toString(),
                    doubles(n.get("embedding")));
        for (JsonNode n : j.get("texts")) out.put("text:" + n.get("text").asText(), doubles(n.get("embedding")));
        return out;
    }

    static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        return d;
    }

    static double[] unit(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) o[i] /= Math.sqrt(s);
        return o;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Images: shapes drawn here, a few words, and reference photos (a JPEG among them). */
    List<Path> collection(Path dir) throws IOException {
        List<Path> files = new ArrayList<>(TestImages.shapeFolder(dir, 10, 7, 48));
        for (int i = 0; i < 4; i++)
            files.add(TestImages.png(TestImages.words(i, 64), dir.resolve("sub/words" + i + ".png")));
        for (String name : List.of("chelsea.png", "rocket.jpg", "logo.png")) {
            Path target = dir.resolve("photos").resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(TestCheckpoints.resource("image/" + name), target);
            files.add(target);
        }
        // hidden files and folders are skipped
        TestImages.png(TestImages.shapes(99, 40), dir.resolve(".hidden.png"));
        TestImages.png(TestImages.shapes(98, 40), dir.resolve(".cache/x.png"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        return files;
    }

    @Test
    void searchRankingEqualsBruteForceCosineOfEmbedOutputs() throws IOException {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        List<Path> files = collection(images);
        JsonNode summary = ok(
                        "index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString())
                .json();
        assertCounts(summary, files.size(), 0, 0, 0, 0);

        Path queryImage = files.get(11);
        Map<String, double[]> ref = embed(files, List.of("a red circle", "fruit", "a photo of a cat"));

        // text query
        JsonNode res = ok("search", "--index", index.toString(), "--top", "100", "--format", "json", "a photo of a cat")
                .json()
                .get("results");
        assertRanking(ref, files, unit(ref.get("text:a photo of a cat")), res);

        // weighted, signed, mixed query
        String q = "\"2:a red circle\" + " + queryImage + " - fruit";
        double[] combined = new double[ref.get("text:fruit").length];
        add(combined, 2, ref.get("text:a red circle"));
        add(combined, 1, ref.get(queryImage.toString()));
        add(combined, -1, ref.get("text:fruit"));
        res = ok("search", "--index", index.toString(), "--top", "5", "--format", "json", "--", q)
                .json()
                .get("results");
        assertEquals(5, res.size());
        assertRanking(ref, files, unit(combined), res);
        // the same query as separate shell words
        JsonNode res2 = ok(
                        "search",
                        "--index",
                        index.toString(),
                        "--top",
                        "5",
                        "--format",
                        "json",
                        "--",
                        "2:a red circle",
                        "+",
                        queryImage.toString(),
                        "-",
                        "fruit")
                .json()
                .get("results");
        assertEquals(res, res2);

        // table: aligned columns, best first
        String table = ok("search", "--index", index.toString(), "--top", "3", "a photo of a cat")
                .out();
        String[] lines = table.strip().split("\n");
        assertEquals(4, lines.length, table);
        assertTrue(lines[1].startsWith("1  "), table);
        assertEquals(lines[1].indexOf('/'), lines[3].indexOf('/'), "path column aligned:\n" + table);

        // html: one <img> per result, self-contained
        Path html = tmp.resolve("out.html");
        ok("search", "--index", index.toString(), "--top", "4", "--format", "html", "--out", html.toString(), "cat");
        String page = Files.readString(html);
        assertEquals(4, page.split("<img ", -1).length - 1, page);
        assertEquals(4, page.split("src=\"data:image/jpeg;base64,", -1).length - 1);
        // the search page's tiles: rank, folder/name and score, best first, each a link to the full image
        JsonNode top4 = ok("search", "--index", index.toString(), "--top", "4", "--format", "json", "cat")
                .json()
                .get("results");
        int at = -1;
        for (int i = 0; i < 4; i++) {
            Path p = Path.of(top4.get(i).get("path").asText());
            String tile = "href=\"" + p.toAbsolutePath().toUri() + "\"";
            int pos = page.indexOf(tile);
            assertTrue(pos > at, "result " + (i + 1) + " linked after the one before: " + tile);
            at = pos;
            String meta = "<span class=\"rank\">" + (i + 1) + "</span><span class=\"name\">"
                    + p.getParent().getFileName() + "/" + p.getFileName() + "</span><span class=\"score\">"
                    + String.format(
                            Locale.ROOT, "%.3f", top4.get(i).get("score").asDouble());
            assertTrue(page.indexOf(meta, pos) > pos, "tile " + (i + 1) + " shows " + meta);
        }
        assertTrue(page.contains(".tile .rank"), "the page's stylesheet is inlined");
    }

    static void add(double[] acc, double w, double[] v) {
        double[] u = unit(v);
        for (int i = 0; i < acc.length; i++) acc[i] += w * u[i];
    }

    static void assertRanking(Map<String, double[]> ref, List<Path> files, double[] query, JsonNode results) {
        List<Path> expected = new ArrayList<>(files);
        expected.sort(Comparator.comparingDouble((Path p) -> -dot(query, ref.get(p.toString()))));
        for (int i = 0; i < results.size(); i++) {
            String got = results.get(i).get("path").asText();
            double want = dot(query, ref.get(expected.get(i).toString()));
            assertEquals(want, results.get(i).get("score").asDouble(), 1e-5, "score at rank " + i);
            // equal paths, unless two scores tie within rounding
            if (!got.equals(expected.get(i).toString())) {
                assertEquals(want, dot(query, ref.get(got)), 1e-6, "rank " + i + ": " + got + " vs " + expected.get(i));
            }
        }
    }

    @Test
    void reindexCountsAddedUpdatedRemovedUnchangedAndMoves() throws IOException {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        List<Path> files = TestImages.shapeFolder(images, 8, 3, 40);
        String[] run = {"index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString()};
        assertCounts(ok(run).json(), 8, 0, 0, 0, 0);
        assertCounts(ok(run).json(), 0, 0, 0, 8, 0);

        TestImages.png(TestImages.words(5, 40), images.resolve("new.png")); // added
        TestImages.png(TestImages.words(6, 40), files.get(1)); // modified
        Files.setLastModifiedTime(files.get(1), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Files.delete(files.get(2)); // removed
        Files.createDirectories(images.resolve("moved"));
        Files.move(files.get(3), images.resolve("moved/renamed.png")); // moved: unchanged
        Files.setLastModifiedTime(files.get(4), FileTime.fromMillis(System.currentTimeMillis() + 9000)); // touched only
        assertCounts(ok(run).json(), 1, 1, 1, 6, 0);
        assertCounts(ok(run).json(), 0, 0, 0, 8, 0);

        // the moved file is found under its new path, the old one is gone
        JsonNode res = ok("search", "--index", index.toString(), "--top", "20", "--format", "json", "shapes")
                .json()
                .get("results");
        List<String> paths = new ArrayList<>();
        res.forEach(n -> paths.add(n.get("path").asText()));
        assertEquals(8, paths.size());
        assertTrue(
                paths.contains(
                        images.resolve("moved/renamed.png").toAbsolutePath().toString()),
                paths.toString());
        assertTrue(!paths.contains(files.get(3).toAbsolutePath().toString()));
    }

    @Test
    void unreadableImagesAreReportedAndTheOthersIndexed() throws IOException {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, 3, 4, 32);
        Files.writeString(images.resolve("broken.png"), "this is not a PNG");
        CliRunner r = CliRunner.run(
                "index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString());
        assertEquals(1, r.code(), r.err());
        assertCounts(r.json(), 3, 0, 0, 0, 1);
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("clip4j: ") && lines[0].contains("broken.png"), r.err());
    }

    @Test
    void anotherModelIsRefusedWithOneLine() throws IOException {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, 2, 5, 32);
        ok("index", "--model", VIT, "--index", index.toString(), images.toString());
        CliRunner.run("index", "--model", RN, "--index", index.toString(), images.toString())
                .assertOneLineError("another model");
        CliRunner.run("search", "--model", RN, "--index", index.toString(), "cat")
                .assertOneLineError("another model");
        // the same model under another path is accepted
        Path copy = tmp.resolve("vit-copy");
        Files.createDirectories(copy);
        try (var s = Files.list(Path.of(VIT))) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()));
        }
        ok("search", "--model", copy.toString(), "--index", index.toString(), "cat");
    }

    @Test
    void foreignOrCorruptIndexFoldersGiveOneLine() throws IOException {
        Path images = tmp.resolve("images");
        TestImages.shapeFolder(images, 2, 6, 32);
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("thesis.tex"), "\\documentclass{article}");
        CliRunner.run("index", "--model", VIT, "--index", foreign.toString(), images.toString())
                .assertOneLineError("not a clip4j index");
        CliRunner.run("search", "--index", foreign.toString(), "cat").assertOneLineError("not a clip4j index");
        CliRunner.run("search", "--index", tmp.resolve("nothing").toString(), "cat")
                .assertOneLineError("nothing");

        Path index = tmp.resolve("index");
        ok("index", "--model", VIT, "--index", index.toString(), images.toString());
        try (var s = Files.list(index)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("segments_") || n.endsWith(".si")) Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
        CliRunner.run("search", "--index", index.toString(), "cat").assertOneLineError(index.toString());
        CliRunner.run("index", "--model", VIT, "--index", index.toString(), images.toString())
                .assertOneLineError(index.toString());
    }

    @Test
    void queryErrorsAreOneLine() throws IOException {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, 2, 8, 32);
        ok("index", "--model", VIT, "--index", index.toString(), images.toString());
        CliRunner.run("search", "--index", index.toString(), "3:").assertOneLineError("3:");
        CliRunner.run("search", "--index", index.toString(), "--", "cat", "+", "./missing/dog.jpg")
                .assertOneLineError("./missing/dog.jpg");
        CliRunner.run("search", "--index", index.toString(), "--", "cat", "-", "cat")
                .assertOneLineError("cancel");
        CliRunner.run("search", "--index", index.toString(), "--textness", "1", "cat")
                .assertOneLineError("textness");
        CliRunner.run("search", "--index", index.toString(), "--top", "0", "cat")
                .assertUsageError("--top"); // bad usage: 2
    }
}
