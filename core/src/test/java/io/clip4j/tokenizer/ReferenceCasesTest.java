package io.clip4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parity with OpenAI's SimpleTokenizer / clip.tokenize on the reference cases (cases.jsonl). */
class ReferenceCasesTest {
    record Case(String text, int[] bpe, int[] ids77, String decoded) {}

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = ReferenceCasesTest.class.getResourceAsStream("/tokenizer/cases.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                out.add(new Case(
                        n.get("text").asText(),
                        ints(n.get("bpe")),
                        ints(n.get("ids77")),
                        n.get("decoded").asText()));
            }
        }
        assertTrue(out.size() >= 20, "cases file should hold the reference cases");
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = array.get(i).asInt();
        }
        return a;
    }

    @Test
    void bundledVocabularyMatchesEveryReferenceCase() throws IOException {
        ClipTokenizer tok = ClipTokenizer.openai();
        assertEquals(49408, tok.vocabSize());
        assertEquals(49406, tok.sotToken());
        assertEquals(49407, tok.eotToken());
        for (Case c : cases()) {
            assertArrayEquals(c.bpe(), tok.encode(c.text()), () -> "bpe of " + c.text());
            assertArrayEquals(c.ids77(), tok.tokenize(c.text(), 77, true), () -> "ids77 of " + c.text());
            assertEquals(c.decoded(), tok.decode(c.bpe()), () -> "decode of " + c.text());
        }
    }

    @Test
    void huggingFaceFilesGiveTheSameIds(@TempDir Path dir) throws IOException {
        Path vocab = gunzip("/tokenizer/hf_vocab.json.gz", dir.resolve("vocab.json"));
        Path merges = gunzip("/tokenizer/hf_merges.txt.gz", dir.resolve("merges.txt"));
        ClipTokenizer hf = ClipTokenizer.fromFiles(vocab, merges);
        ClipTokenizer openai = ClipTokenizer.openai();
        assertEquals(openai.vocabSize(), hf.vocabSize());
        assertEquals(openai.sotToken(), hf.sotToken());
        assertEquals(openai.eotToken(), hf.eotToken());
        for (Case c : cases()) {
            assertArrayEquals(c.bpe(), hf.encode(c.text()), () -> "bpe of " + c.text());
            assertArrayEquals(c.ids77(), hf.tokenize(c.text(), 77, true), () -> "ids77 of " + c.text());
            assertEquals(c.decoded(), hf.decode(c.bpe()), () -> "decode of " + c.text());
        }
    }

    static Path gunzip(String resource, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(ReferenceCasesTest.class.getResourceAsStream(resource))) {
            Files.write(target, in.readAllBytes());
        }
        return target;
    }
}
