package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rclip's habits for index and search, the per-user default index, and clip-retrieval's export layout. */
class CliIndexHabitsTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final Path CAT = TestCheckpoints.resource("image/chelsea.png");
    static final Path COFFEE = TestCheckpoints.resource("image/coffee.png");

    @TempDir
    Path tmp;

    /** pics/cat.png, pics/coffee.png, pics/skip/cat2.png */
    Path pictures() throws IOException {
        Path pics = Files.createDirectories(tmp.resolve("pics/skip"));
        Files.copy(CAT, tmp.resolve("pics/cat.png"));
        Files.copy(COFFEE, tmp.resolve("pics/coffee.png"));
        Files.copy(CAT, tmp.resolve("pics/skip/cat2.png"));
        return pics.getParent();
    }

    static List<String> paths(JsonNode search) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : search.get("results"))
            out.add(Path.of(n.get("path").asText()).getFileName().toString());
        out.sort(null);
        return out;
    }

    @Test
    void indexRemembersItsModelFoldersAndExclusions() throws IOException {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        CliRunner first = CliRunner.run(
                "index",
                "--model",
                VIT,
                "--index",
                idx,
                "--exclude",
                pics.resolve("skip").toString(),
                pics.toString());
        assertEquals(0, first.code(), first.err());
        assertEquals(
                List.of("cat.png", "coffee.png"),
                paths(CliRunner.run("search", "--index", idx, "--format", "json", "cat")
                        .json()));

        // a new image; then 'clip4j index' with neither --model nor folders brings the index up to date
        Files.copy(COFFEE, pics.resolve("more.png"));
        Files.copy(COFFEE, pics.resolve("skip/more2.png"));
        CliRunner again = CliRunner.run("index", "--index", idx, "--format", "json");
        assertEquals(0, again.code(), again.err());
        assertEquals(1, again.json().get("added").asInt(), again.out());
        assertEquals(
                List.of("cat.png", "coffee.png", "more.png"),
                paths(CliRunner.run("search", "--index", idx, "--format", "json", "cat")
                        .json()));

        // nothing changed: no embedding, and no "0.0 images/s"
        CliRunner noop = CliRunner.run("index", "--index", idx);
        assertEquals(0, noop.code(), noop.err());
        assertTrue(noop.out().contains("nothing to embed"), noop.out());
        assertFalse(noop.out().contains("images/s"), noop.out());
        assertTrue(noop.out().contains("3 images indexed"), noop.out());
    }

    @Test
    void searchPathsOnlyAndMinScore() throws IOException {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        assertEquals(
                0,
                CliRunner.run("index", "--model", VIT, "--index", idx, pics.toString())
                        .code());
        JsonNode all = CliRunner.run("search", "--index", idx, "--format", "json", "a cat")
                .json()
                .get("results");
        assertEquals(3, all.size());
        CliRunner f = CliRunner.run("search", "--index", idx, "-f", "a cat");
        assertEquals(0, f.code(), f.err());
        StringBuilder want = new StringBuilder();
        for (JsonNode n : all) want.append(n.get("path").asText()).append('\n');
        assertEquals(want.toString(), f.out());

        double cut =
                (all.get(0).get("score").asDouble() + all.get(2).get("score").asDouble()) / 2;
        JsonNode kept = CliRunner.run(
                        "search", "--index", idx, "--format", "json", "--min-score", Double.toString(cut), "a cat")
                .json()
                .get("results");
        assertTrue(kept.size() >= 1 && kept.size() < 3, kept.toString());
        for (JsonNode n : kept) assertTrue(n.get("score").asDouble() >= cut);
        CliRunner.run("search", "--index", idx, "-f", "--format", "json", "a cat")
                .assertUsageError("--paths-only");
    }

    @Test
    void indexSearchAndServeShareThePerUserIndex() throws IOException {
        Path pics = pictures();
        Map<String, String> env = Map.of("XDG_DATA_HOME", tmp.resolve("xdg").toString());
        Path expected = tmp.resolve("xdg/clip4j/index");
        CliRunner serve = CliRunner.runWithEnv(env, "serve", "--port", "0");
        serve.assertOneLineError(expected.toString());
        assertEquals(
                0,
                CliRunner.runWithEnv(env, "index", "--model", VIT, pics.toString())
                        .code());
        assertTrue(Files.isDirectory(expected));
        CliRunner search = CliRunner.runWithEnv(env, "search", "-f", "cat");
        assertEquals(0, search.code(), search.err());
        assertEquals(3, search.out().lines().count());
    }

    @Test
    void exportWritesClipRetrievalsLayout() throws IOException {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        assertEquals(
                0,
                CliRunner.run("index", "--model", VIT, "--index", idx, pics.toString())
                        .code());
        Path out = tmp.resolve("export");
        CliRunner r = CliRunner.run("index", "export", "--index", idx, "--out", out.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.json().get("images").asInt());

        String abs = pics.toAbsolutePath().normalize().toString();
        List<String> sorted = List.of(abs + "/cat.png", abs + "/coffee.png", abs + "/skip/cat2.png");
        assertEquals(
                List.of("image_path", sorted.get(0), sorted.get(1), sorted.get(2)),
                Files.readAllLines(out.resolve("metadata/metadata_0.csv")));

        byte[] npy = Files.readAllBytes(out.resolve("img_emb/img_emb_0.npy"));
        int headerLen = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        assertTrue(new String(npy, 10, headerLen, StandardCharsets.US_ASCII).contains("'shape': (3, 48)"));
        JsonNode emb = CliRunner.run(
                        "embed", "--model", VIT, "--format", "json", sorted.get(0), sorted.get(1), sorted.get(2))
                .json();
        ByteBuffer data = ByteBuffer.wrap(npy, 10 + headerLen, npy.length - 10 - headerLen)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < 3; row++) {
            for (int i = 0; i < 48; i++) {
                assertEquals(
                        emb.get("images").get(row).get("embedding").get(i).asDouble(),
                        data.getFloat(),
                        1e-6,
                        "row " + row);
            }
        }

        byte[] pq = Files.readAllBytes(out.resolve("metadata/metadata_0.parquet"));
        byte[] magic = {'P', 'A', 'R', '1'};
        assertArrayEquals(magic, Arrays.copyOf(pq, 4));
        assertArrayEquals(magic, Arrays.copyOfRange(pq, pq.length - 4, pq.length));
        int footer = ByteBuffer.wrap(pq, pq.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        assertTrue(footer > 0 && footer < pq.length - 12, "footer length " + footer);
        String text = new String(pq, StandardCharsets.ISO_8859_1);
        int at = 0;
        for (String p : sorted) { // PLAIN byte arrays: 4-byte little-endian length, then the UTF-8 bytes, in row order
            int i = text.indexOf(p, at);
            assertTrue(i > at, p);
            assertEquals(
                    p.length(),
                    ByteBuffer.wrap(pq, i - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            at = i + p.length();
        }
        assertTrue(text.substring(pq.length - 8 - footer).contains("image_path"), "schema names the column");
    }

    @Test
    void textnessGridTakesFormatJson() throws IOException {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        assertEquals(
                0,
                CliRunner.run("index", "--model", VIT, "--index", idx, pics.toString())
                        .code());
        Path withText = Files.createDirectories(tmp.resolve("text"));
        Files.copy(TestCheckpoints.resource("image/page.png"), withText.resolve("page.png"));
        Files.copy(TestCheckpoints.resource("image/logo.png"), withText.resolve("logo.png"));
        CliRunner fit = CliRunner.run(
                "textness",
                "fit",
                "--model",
                VIT,
                "--index",
                idx,
                "--with-text",
                withText.toString(),
                "--without-text",
                pics.toString(),
                "--format",
                "json");
        assertEquals(0, fit.code(), fit.err());
        String prefix = tmp.resolve("grid").toString();
        CliRunner grid = CliRunner.run(
                "textness",
                "grid",
                "--index",
                idx,
                "--scales",
                "-1,1",
                "--top",
                "2",
                "--out",
                prefix,
                "--format",
                "json",
                "a cat");
        assertEquals(0, grid.code(), grid.err());
        JsonNode doc = grid.json();
        assertEquals(prefix + ".html", doc.get("html").asText());
        assertEquals(prefix + ".png", doc.get("png").asText());
        assertEquals(2, doc.get("rows").size());
        assertEquals(-1.0, doc.get("rows").get(0).get("textness").asDouble());
        assertEquals(2, doc.get("rows").get(1).get("results").size());
        assertTrue(Files.size(Path.of(prefix + ".png")) > 0);
        // the page's look: one heading and one grid of ranked tiles per scale
        String page = Files.readString(Path.of(prefix + ".html"));
        assertEquals(2, page.split("<div class=\"results\">", -1).length - 1, page);
        assertEquals(2, page.split("<span class=\"rank\">1</span>", -1).length - 1);
        assertEquals(2, page.split("<span class=\"rank\">2</span>", -1).length - 1);
    }
}
