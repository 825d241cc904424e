package io.clip4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
    private static final ClipTokenizer TOK = ClipTokenizer.openai();
    // From the reference cases: SimpleTokenizer.encode("a photo of a cat") and the contraction sentence.
    private static final int[] A_PHOTO_OF_A_CAT = {320, 1125, 539, 320, 2368};
    private static final int[] CONTRACTIONS = {
        585, 568, 320, 1628, 267, 2923, 713, 585, 286, 649, 1342, 862, 282, 889, 1896, 1200
    };

    @Test
    void openaiIsASharedSingleton() {
        assertSame(TOK, ClipTokenizer.openai());
    }

    @Test
    void textFixesReachTheTokens() {
        assertArrayEquals(
                A_PHOTO_OF_A_CAT,
                TOK.encode("\uff41 \uff50\uff48\uff4f\uff54\uff4f \uff4f\uff46 \uff41 \uff43\uff41\uff54"));
        assertArrayEquals(A_PHOTO_OF_A_CAT, TOK.encode("A\u00a0PHOTO\u3000of\u2003a\u2028cat\u001c"));
        assertArrayEquals(TOK.encode("<a photo of a cat"), TOK.encode("&amp;lt;a photo of a cat"), "double unescape");
        assertArrayEquals(
                CONTRACTIONS, TOK.encode("it\u2019s a test, isn\u2019t it? we\u2019ll see; they\u2019d\u2019ve"));
        assertArrayEquals(
                CONTRACTIONS, TOK.encode("it&#x27;s a test, isn&rsquo;t it? we&apos;ll see; they&#39;d&#39;ve"));
        int[] naive = TOK.encode("na\u00efve caf\u00e9 r\u00e9sum\u00e9");
        assertArrayEquals(naive, TOK.encode("nai\u0308ve cafe\u0301 re\u0301sume\u0301"), "NFC");
        assertArrayEquals(
                naive, TOK.encode("na\u00c3\u00afve caf\u00c3\u00a9 r\u00c3\u00a9sum\u00c3\u00a9"), "mojibake");
        assertArrayEquals(TOK.encode("fine flowers"), TOK.encode("\ufb01ne \ufb02owers"), "ligatures");
    }

    @Test
    void leadingAmpersandLtIsNotACatPhoto() {
        // guard against the assertion above passing by accident: "<a photo..." must differ from "a photo..."
        assertFalse(Arrays.equals(A_PHOTO_OF_A_CAT, TOK.encode("<a photo of a cat")));
    }

    @Test
    void specialTokensWrittenInTheTextMapToTheirIds() {
        assertArrayEquals(new int[] {49406, 320, 49407}, TOK.encode("<|startoftext|>a<|endoftext|>"));
        assertArrayEquals(new int[] {49407}, TOK.encode("<|ENDOFTEXT|>"), "matched after lower-casing");
        assertEquals("<|startoftext|>a <|endoftext|>", TOK.decode(new int[] {49406, 320, 49407}));
    }

    @Test
    void longSIsAContractionUnderIgnoreCase() {
        // regex.IGNORECASE: 'ſ folds to 's, so the apostrophe and the long s form one word
        assertEquals(List.of("it", "'\u017f", "t"), PreTokenizer.split("it'\u017ft"));
        assertEquals(List.of("it", "'", "xt"), PreTokenizer.split("it'xt"));
        assertEquals(
                List.of("a", "!<|", "endoftext", "|>", "<|endoftext|>", "1", "2", "'ll"),
                PreTokenizer.split("a !<|endoftext|> <|endoftext|>12'll"));
    }

    @Test
    void tokenizePadsAndAddsSpecialTokens() {
        int[] row = TOK.tokenize("a photo of a cat", 77, false);
        assertEquals(77, row.length);
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407, 0}, Arrays.copyOf(row, 8));
        assertEquals(0, row[76]);
        assertArrayEquals(new int[] {49406, 49407, 0}, TOK.tokenize("", 3, false));
    }

    @Test
    void truncationForcesTheEndToken() {
        String text = "word ".repeat(80);
        int[] row = TOK.tokenize(text, 77, true);
        assertEquals(49406, row[0]);
        assertEquals(49407, row[76]);
        int[] bpe = TOK.encode(text);
        assertEquals(80, bpe.length);
        assertArrayEquals(Arrays.copyOf(bpe, 75), Arrays.copyOfRange(row, 1, 76));
        assertArrayEquals(new int[] {49407}, TOK.tokenize(text, 1, true));
        // exactly full: no truncation needed
        assertEquals(49407, TOK.tokenize("word ".repeat(75), 77, false)[76]);
    }

    @Test
    void tooLongWithoutTruncationIsAOneLineError() {
        Clip4jException e =
                assertThrows(Clip4jException.class, () -> TOK.tokenize("a photo of\n" + "word ".repeat(78), 77, false));
        assertTrue(e.getMessage().contains("is 83 tokens, longer than the context of 77"), e.getMessage());
        assertTrue(e.getMessage().startsWith("text \"a photo of word"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(Clip4jException.class, () -> TOK.tokenize("x", 0, true));
    }

    @Test
    void decodeRoundTripsNormalizedText() {
        for (String s :
                new String[] {"a photo of a cat", "東京の猫 😺 emoji", "Ελληνικά και русский текст", "3.14 - e=mc²"}) {
            String normalized = ClipTokenizer.normalize(s);
            assertEquals(
                    normalized.replaceAll(" ", ""), TOK.decode(TOK.encode(s)).replaceAll(" ", ""), s);
        }
        assertEquals("a photo of a cat ", TOK.decode(A_PHOTO_OF_A_CAT));
    }

    @Test
    void decodeReplacesBrokenUtf8LikePython() {
        // the vocabulary starts with the 256 byte symbols in bytes_to_unicode order; byte 0xE2 alone is a
        // truncated UTF-8 sequence, 0xE2 0x82 0xAC is the euro sign
        int e2 = indexOfByte(0xE2);
        int x82 = indexOfByte(0x82);
        int xac = indexOfByte(0xAC);
        assertEquals("\ufffd", TOK.decode(new int[] {e2}));
        assertEquals("\u20ac", TOK.decode(new int[] {e2, x82, xac}));
        assertEquals(
                "\ufffda ",
                TOK.decode(new int[] {e2, x82, 256 + indexOfByte('a')}),
                "maximal subpart E2 82 -> one U+FFFD");
        assertEquals(
                "a\ufffd\ufffdb",
                Utf8Decoder.decodeReplace(new byte[] {'a', (byte) 0xE2, (byte) 0x82, (byte) 0xFF, 'b'}, 5));
        assertEquals(
                "\ufffd\ufffd\ufffd",
                Utf8Decoder.decodeReplace(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 3),
                "surrogate encodings: each byte separately, as CPython");
        assertThrows(Clip4jException.class, () -> TOK.decode(new int[] {49408}));
    }

    private static int indexOfByte(int b) {
        for (int i = 0; i < 256; i++) {
            if (ByteSymbols.ORDER[i] == b) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void longInputsStayLinear() {
        String longWord = "a".repeat(200_000);
        String longPunct = "!?".repeat(100_000);
        long t0 = System.nanoTime();
        assertTrue(TOK.encode(longWord).length > 0);
        assertTrue(TOK.encode(longPunct + " " + "x ".repeat(50_000)).length > 0);
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
    }

    @Test
    void tokenizesTenThousandCaptionsQuickly() {
        List<String> captions = new ArrayList<>();
        String[] words = {
            "a", "photo", "of", "the", "dog", "cat", "running", "on", "beach", "red", "car", "in", "city", "street",
            "at", "night", "with", "two", "people", "smiling"
        };
        Random rnd = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 8 + rnd.nextInt(8); w++) {
                sb.append(words[rnd.nextInt(words.length)]).append(w % 5 == 4 ? ", " : " ");
            }
            captions.add(sb.toString() + i);
        }
        for (String c : captions) {
            TOK.tokenize(c, 77, true); // warm-up
        }
        long t0 = System.nanoTime();
        for (String c : captions) {
            TOK.tokenize(c, 77, true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 1.0, "10k captions took " + seconds + " s");
    }

    @Test
    void isThreadSafe() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            texts.add("caption number " + i + " with word" + (i % 97) + " and thing" + (i * 31 % 1013));
        }
        List<int[]> expected = new ArrayList<>();
        ClipTokenizer fresh = ClipTokenizer.fromFiles(
                ReferenceCasesTest.gunzip("/tokenizer/hf_vocab.json.gz", Files.createTempFile("vocab", ".json")),
                ReferenceCasesTest.gunzip("/tokenizer/hf_merges.txt.gz", Files.createTempFile("merges", ".txt")));
        for (String t : texts) {
            expected.add(fresh.encode(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < texts.size(); i++) {
                        if (!Arrays.equals(expected.get(i), TOK.encode(texts.get(i)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badHuggingFaceFilesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path vocab = ReferenceCasesTest.gunzip("/tokenizer/hf_vocab.json.gz", dir.resolve("vocab.json"));
        Path merges = ReferenceCasesTest.gunzip("/tokenizer/hf_merges.txt.gz", dir.resolve("merges.txt"));
        Path missing = dir.resolve("nope.json");
        Clip4jException e = assertThrows(Clip4jException.class, () -> ClipTokenizer.fromFiles(missing, merges));
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());

        Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"a\": 1,");
        e = assertThrows(Clip4jException.class, () -> ClipTokenizer.fromFiles(notJson, merges));
        assertTrue(e.getMessage().startsWith(notJson.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        Path badMerges = Files.writeString(dir.resolve("bad_merges.txt"), "#version: 0.2\ni n\nthree parts here\n");
        e = assertThrows(Clip4jException.class, () -> ClipTokenizer.fromFiles(vocab, badMerges));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());

        Path noSpecials = Files.writeString(dir.resolve("small.json"), "{\"a\": 0}");
        e = assertThrows(Clip4jException.class, () -> ClipTokenizer.fromFiles(noSpecials, merges));
        assertTrue(e.getMessage().contains("<|startoftext|>"), e.getMessage());
    }
}
