package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.exchange.NpyFiles;
import io.clip4j.exchange.NpyMatrix;
import io.clip4j.search.EmbeddingImport;
import io.clip4j.search.VectorStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip4j index import}: clip-retrieval's layout in, the same index out; foreign models and broken files refused. */
class IndexImportTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final String RN = TestCheckpoints.resource("models/rn-tiny").toString();

    @TempDir
    Path tmp;

    private Path indexed() throws IOException {
        Path pics = Files.createDirectories(tmp.resolve("pics"));
        for (String n : List.of("chelsea.png", "coffee.png", "astronaut.png")) {
            Path src = TestCheckpoints.resource("image/" + n);
            if (Files.exists(src)) Files.copy(src, pics.resolve(n));
        }
        Path idx = tmp.resolve("idx");
        CliRunner r = CliRunner.run("index", "--model", VIT, "--index", idx.toString(), pics.toString());
        assertEquals(0, r.code(), r.err());
        return idx;
    }

    private static Map<String, float[]> vectors(Path idx) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (VectorStore s = VectorStore.openForReading(idx)) {
            s.forEachVector((e, v) -> out.put(e.path(), v));
        }
        return out;
    }

    @Test
    void anExportImportsBackBitForBitAndSearchesTheSame() throws IOException {
        Path idx = indexed();
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                CliRunner.run("index", "export", "--index", idx.toString(), "--out", exported.toString())
                        .code());

        Path copy = tmp.resolve("copy");
        CliRunner imp = CliRunner.run(
                "index",
                "import",
                "--from",
                exported.toString(),
                "--index",
                copy.toString(),
                "--model",
                VIT,
                "--format",
                "json");
        assertEquals(0, imp.code(), imp.err());
        JsonNode j = imp.json();
        assertEquals("clip-retrieval", j.get("layout").asText());
        Map<String, float[]> want = vectors(idx), got = vectors(copy);
        assertEquals(want.keySet(), got.keySet());
        for (String p : want.keySet()) assertArrayEquals(want.get(p), got.get(p), p);
        assertEquals(want.size(), j.get("imported").asInt());

        JsonNode a = CliRunner.run("search", "--index", idx.toString(), "--format", "json", "a cat")
                .json()
                .get("results");
        JsonNode b = CliRunner.run("search", "--index", copy.toString(), "--format", "json", "a cat")
                .json()
                .get("results");
        assertEquals(a.toString(), b.toString());

        // the files exist here, so their size and mtime were kept: a later index run of the folder embeds nothing
        CliRunner again = CliRunner.run(
                "index",
                "--index",
                copy.toString(),
                "--format",
                "json",
                tmp.resolve("pics").toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(want.size(), again.json().get("unchanged").asInt(), again.out());
    }

    @Test
    void float16EmbeddingsAreStoredAtUnitLength() throws IOException {
        Path idx = indexed();
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                CliRunner.run("index", "export", "--index", idx.toString(), "--out", exported.toString())
                        .code());
        // as clip-retrieval writes them: float16
        Path npy = exported.resolve("img_emb/img_emb_0.npy");
        NpyMatrix m = NpyMatrix.read(npy);
        byte[] h = NpyFiles.header("<f2", m.rows(), m.cols());
        ByteBuffer b = ByteBuffer.allocate(h.length + 2 * m.data().length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(h);
        for (float v : m.data()) b.putShort(Float.floatToFloat16(v));
        Files.write(npy, b.array());

        Path copy = tmp.resolve("copy");
        CliRunner imp = CliRunner.run(
                "index", "import", "--from", exported.toString(), "--index", copy.toString(), "--model", VIT);
        assertEquals(0, imp.code(), imp.err());
        Map<String, float[]> want = vectors(idx);
        for (Map.Entry<String, float[]> e : vectors(copy).entrySet()) {
            float[] v = e.getValue(), w = want.get(e.getKey());
            double n = 0, dot = 0;
            for (int i = 0; i < v.length; i++) {
                n += (double) v[i] * v[i];
                dot += (double) v[i] * w[i];
            }
            assertEquals(1, n, 1e-5, e.getKey());
            assertTrue(dot > 0.999, e.getKey() + ": cosine with the float32 vector " + dot);
        }
    }

    @Test
    void embeddingsOfAnotherModelAreRefused() throws IOException {
        Path idx = indexed();
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                CliRunner.run("index", "export", "--index", idx.toString(), "--out", exported.toString())
                        .code());
        // a _clip4j-model.json naming the ResNet, imported into the ViT's index
        Path rnIdx = tmp.resolve("rn-idx");
        Files.createDirectories(tmp.resolve("one"));
        Files.copy(TestCheckpoints.resource("image/coffee.png"), tmp.resolve("one/coffee.png"));
        assertEquals(
                0,
                CliRunner.run(
                                "index",
                                "--model",
                                RN,
                                "--index",
                                rnIdx.toString(),
                                tmp.resolve("one").toString())
                        .code());
        try (VectorStore rn = VectorStore.openForReading(rnIdx)) {
            Files.writeString(
                    exported.resolve(EmbeddingImport.MODEL_FILE),
                    new ObjectMapper().writeValueAsString(rn.meta().model().toMap()));
        }
        CliRunner r = CliRunner.run("index", "import", "--from", exported.toString(), "--index", idx.toString());
        r.assertOneLineError(idx.toString());
        assertTrue(r.err().contains("another model"), r.err());
        assertEquals(3, vectors(idx).size(), "nothing imported");
    }

    @Test
    void missingModelAndBrokenShardsAreOneLine() throws IOException {
        Path idx = indexed();
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                CliRunner.run("index", "export", "--index", idx.toString(), "--out", exported.toString())
                        .code());
        CliRunner.run(
                        "index",
                        "import",
                        "--from",
                        exported.toString(),
                        "--index",
                        tmp.resolve("new").toString())
                .assertUsageError("--model");

        Path npy = exported.resolve("img_emb/img_emb_0.npy");
        byte[] all = Files.readAllBytes(npy);
        Files.write(npy, Arrays.copyOf(all, all.length - 7));
        CliRunner cut = CliRunner.run("index", "import", "--from", exported.toString(), "--index", idx.toString());
        cut.assertOneLineError(npy.toString());

        // more rows of metadata than embeddings
        List<float[]> one = new ArrayList<>(
                List.of(new float[vectors(idx).values().iterator().next().length]));
        one.get(0)[0] = 1;
        NpyFiles.writeFloat32(npy, one, one.get(0).length);
        CliRunner rows = CliRunner.run("index", "import", "--from", exported.toString(), "--index", idx.toString());
        rows.assertOneLineError("metadata_0.parquet");

        CliRunner.run("index", "import", "--from", tmp.resolve("pics").toString(), "--index", idx.toString())
                .assertOneLineError(tmp.resolve("pics").toString());
        assertEquals(3, vectors(idx).size(), "the index is intact");
    }
}
