package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How embed and classify take their inputs (folders, lists in files) and how embed exports them (.npy). */
class CliInputsTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final Path CAT = TestCheckpoints.resource("image/chelsea.png");
    static final Path COFFEE = TestCheckpoints.resource("image/coffee.png");

    @TempDir
    Path tmp;

    /** photos/a/cat.png, photos/b/coffee.png, photos/.hidden/cat.png, photos/.dot.png, photos/notes.txt */
    Path photos() throws IOException {
        Path dir = tmp.resolve("photos");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(dir.resolve(".hidden"));
        Files.copy(CAT, dir.resolve("a/cat.png"));
        Files.copy(COFFEE, dir.resolve("b/coffee.png"));
        Files.copy(CAT, dir.resolve(".hidden/cat.png"));
        Files.copy(CAT, dir.resolve(".dot.png"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        return dir;
    }

    static List<String> paths(JsonNode arr, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : arr) out.add(n.get(field).asText());
        return out;
    }

    @Test
    void embedTakesImagesPositionallyAndFoldersRecursivelySkippingHiddenFiles() throws IOException {
        Path dir = photos();
        CliRunner r = CliRunner.run("embed", "--model", VIT, "--format", "json", dir.toString(), COFFEE.toString());
        assertEquals(0, r.code(), r.err());
        String abs = dir.toAbsolutePath().normalize().toString();
        assertEquals(
                List.of(abs + "/a/cat.png", abs + "/b/coffee.png", COFFEE.toString()),
                paths(r.json().get("images"), "path"));
        // the folder's coffee and the file given directly are the same image
        assertEquals(
                r.json().get("images").get(1).get("embedding"),
                r.json().get("images").get(2).get("embedding"));
    }

    @Test
    void embedReadsImageAndTextListsFromFiles() throws IOException {
        Path list = Files.writeString(tmp.resolve("files.txt"), COFFEE + "\n\n" + CAT + "\n");
        Path texts = Files.writeString(tmp.resolve("texts.txt"), "a cat\n\na cup of coffee, black\n");
        CliRunner r = CliRunner.run(
                "embed",
                "--model",
                VIT,
                "--format",
                "json",
                "--files-from",
                list.toString(),
                "--texts-from",
                texts.toString(),
                "--text",
                "first");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(COFFEE.toString(), CAT.toString()), paths(r.json().get("images"), "path"));
        assertEquals(
                List.of("first", "a cat", "a cup of coffee, black"),
                paths(r.json().get("texts"), "text"));
        CliRunner.run(
                        "embed",
                        "--model",
                        VIT,
                        "--files-from",
                        tmp.resolve("missing.txt").toString())
                .assertOneLineError("missing.txt");
    }

    @Test
    void classifyTakesFoldersAndFileLists() throws IOException {
        Path dir = photos();
        Path list = Files.writeString(tmp.resolve("files.txt"), CAT + "\n");
        CliRunner r = CliRunner.run(
                "classify",
                "--model",
                VIT,
                "--labels",
                "cat,coffee",
                "--format",
                "json",
                dir.toString(),
                "--files-from",
                list.toString());
        assertEquals(0, r.code(), r.err());
        String abs = dir.toAbsolutePath().normalize().toString();
        assertEquals(List.of(abs + "/a/cat.png", abs + "/b/coffee.png", CAT.toString()), paths(r.json(), "path"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRunner.run("classify", "--model", VIT, "--labels", "a,b", empty.toString())
                .assertOneLineError("empty: no images");
    }

    @Test
    void embedOutWritesANumpyArrayAndASidecarNamingTheRows() throws IOException {
        Path npy = tmp.resolve("out/emb.npy");
        CliRunner r = CliRunner.run(
                "embed",
                "--model",
                VIT,
                "--out",
                npy.toString(),
                CAT.toString(),
                COFFEE.toString(),
                "--text",
                "a cat, \"sitting\"");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("3 x 48 float32"), r.out());
        JsonNode ref = CliRunner.run(
                        "embed",
                        "--model",
                        VIT,
                        "--format",
                        "json",
                        CAT.toString(),
                        COFFEE.toString(),
                        "--text",
                        "a cat, \"sitting\"")
                .json();

        byte[] bytes = Files.readAllBytes(npy);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(bytes, 8));
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "numpy aligns the data to 64 bytes");
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 48), }", header.strip());
        assertEquals(10 + headerLen + 3 * 48 * 4, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLen, 3 * 48 * 4).order(ByteOrder.LITTLE_ENDIAN);
        List<JsonNode> rows = List.of(
                ref.get("images").get(0),
                ref.get("images").get(1),
                ref.get("texts").get(0));
        for (JsonNode row : rows) {
            for (int i = 0; i < 48; i++)
                assertEquals((float) row.get("embedding").get(i).asDouble(), data.getFloat(), 0f);
        }
        assertEquals(
                List.of("kind,input", "image," + CAT, "image," + COFFEE, "text,\"a cat, \"\"sitting\"\"\""),
                Files.readAllLines(tmp.resolve("out/emb.csv")));
    }
}
