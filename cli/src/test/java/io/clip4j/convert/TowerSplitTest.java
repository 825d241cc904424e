package io.clip4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.cli.CliRunner;
import io.clip4j.search.ClipSearchService;
import io.clip4j.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convert --tower image|text}: each half does its own job, refuses the other's, and both are the same model. */
class TowerSplitTest {
    @TempDir
    Path tmp;

    static final Path MODEL = Fixtures.resource("models/vit-tiny");
    static final String CAT = Fixtures.resource("image/chelsea.png").toString();

    Path convert(String name, String dtype, String tower) {
        Path out = tmp.resolve(name);
        CliRunner r = CliRunner.run(
                "convert", "--model", MODEL.toString(), "--out", out.toString(), "--dtype", dtype, "--tower", tower);
        assertEquals(0, r.code(), r.err());
        if (!tower.equals("both")) assertTrue(r.out().contains("open_clip, " + tower + " tower"), r.out());
        return out;
    }

    @Test
    void halvesEmbedTheirSideAndShareTheModelIdentity() throws Exception {
        Path whole = convert("whole", "f32", "both"),
                image = convert("image", "f32", "image"),
                text = convert("text", "f32", "text");
        long sum = Files.size(image.resolve("open_clip_model.safetensors"))
                + Files.size(text.resolve("open_clip_model.safetensors"));
        assertTrue(Math.abs(sum - Files.size(whole.resolve("open_clip_model.safetensors"))) < 20_000, "halves add up");
        try (Clip ref = Clip.load(MODEL);
                Clip w = Clip.load(whole);
                Clip i = Clip.load(image);
                Clip t = Clip.load(text)) {
            assertArrayEquals(ref.embedImage(Path.of(CAT)), i.embedImage(Path.of(CAT)));
            assertArrayEquals(ref.embedText("a cat"), t.embedText("a cat"));
            ModelIdentity id = ModelIdentity.of(ref);
            assertTrue(id.sameModel(ModelIdentity.of(w))
                    && id.sameModel(ModelIdentity.of(i))
                    && id.sameModel(ModelIdentity.of(t)));
            assertTrue(!i.model().hasTextTower() && !t.model().hasImageTower());
        }
        // a q8 half is another model than the f32 one
        Path q8text = convert("q8text", "q8", "text");
        try (Clip ref = Clip.load(MODEL);
                Clip q = Clip.load(q8text)) {
            assertTrue(!ModelIdentity.of(ref).sameModel(ModelIdentity.of(q)));
        }
    }

    @Test
    void indexWithTheImageHalfSearchWithTheTextHalf() throws Exception {
        Path image = convert("image", "q8", "image"), text = convert("text", "q8", "text");
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        Files.createDirectories(images);
        Files.copy(Path.of(CAT), images.resolve("cat.png"));
        Files.copy(Fixtures.resource("image/rocket.jpg"), images.resolve("rocket.jpg"));
        CliRunner built =
                CliRunner.run("index", "--model", image.toString(), "--index", index.toString(), images.toString());
        assertEquals(0, built.code(), built.err());
        CliRunner found = CliRunner.run(
                "search", "--index", index.toString(), "--model", text.toString(), "--format", "json", "a cat");
        assertEquals(0, found.code(), found.err());
        JsonNode hits = found.json();
        assertTrue(hits.toString().contains("cat.png") && hits.toString().contains("rocket.jpg"), hits.toString());

        // serve --model TEXT_HALF opens the index the same way
        try (ClipSearchService service = ClipSearchService.open(index, text, null, Clip.Options.defaults())) {
            assertEquals(2, service.size());
            assertEquals(48, service.queryVector("a cat", 0f).length);
        }
        // the index's own model is the image half: a text query says it needs the text tower
        CliRunner.run("search", "--index", index.toString(), "a cat").assertOneLineError("text tower");
        // a whole model of another dtype is another model
        CliRunner.run("search", "--index", index.toString(), "--model", MODEL.toString(), "a cat")
                .assertOneLineError("another model");
        // and every command that needs the missing tower says so
        CliRunner.run(
                        "index",
                        "--model",
                        text.toString(),
                        "--index",
                        tmp.resolve("i2").toString(),
                        images.toString())
                .assertOneLineError("image tower");
        CliRunner.run("embed", "--model", image.toString(), "--text", "a cat").assertOneLineError("text tower");
        CliRunner.run("embed", "--model", text.toString(), "--image", CAT).assertOneLineError("image tower");
        CliRunner.run("classify", "--model", image.toString(), "--labels", "cat,dog", CAT)
                .assertOneLineError("text tower");
        CliRunner.run("classify", "--model", text.toString(), "--labels", "cat,dog", CAT)
                .assertOneLineError("image tower");
        CliRunner.run(
                        "convert",
                        "--model",
                        text.toString(),
                        "--out",
                        tmp.resolve("x").toString())
                .assertOneLineError("whole model");
    }

    @Test
    void infoShowsTheStorageOfEachTower() {
        Path image = convert("image", "q4", "image");
        JsonNode j = CliRunner.run("info", "--model", image.toString(), "--format", "json")
                .json();
        assertEquals("image", j.get("towers").asText());
        assertTrue(
                j.get("image_weights").get("dtypes").has("q4_0/32")
                        && j.get("image_weights").get("dtypes").has("F16"),
                j.toString());
        assertEquals(0, j.get("text_weights").get("bytes").asLong());
        assertTrue(j.get("image_weights").get("bytes").asLong()
                < j.get("file_bytes").asLong());
        assertTrue(j.has("model_id"));
        CliRunner r = CliRunner.run("info", "--model", image.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains("image stored")
                        && r.out().contains("q4_0/32")
                        && r.out().contains("not in this file"),
                r.out());
    }

    @Test
    void badTowerWord() {
        CliRunner.run(
                        "convert",
                        "--model",
                        MODEL.toString(),
                        "--out",
                        tmp.resolve("x").toString(),
                        "--tower",
                        "left")
                .assertOneLineError("left");
    }
}
