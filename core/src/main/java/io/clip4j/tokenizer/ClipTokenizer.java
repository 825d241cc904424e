package io.clip4j.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's text tokenizer, identical to OpenAI's {@code SimpleTokenizer} and {@code clip.tokenize}: ftfy-style
 * text fixing, double HTML unescaping, Python whitespace collapsing and lower-casing, the reference word
 * splitter, then byte-level BPE. Thread-safe.
 */
public final class ClipTokenizer {
    public static final String START_OF_TEXT = "<|startoftext|>";
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** {@code merges[1:49152-256-2+1]}: the number of merges the reference reads from its file. */
    static final int OPENAI_MERGE_COUNT = 49152 - 256 - 2;

    private static final String BUNDLED_MERGES = "bpe_simple_vocab_16e6.txt.gz";

    private static volatile ClipTokenizer openai;

    private final BytePairEncoder bpe;
    private final int sot;
    private final int eot;

    private ClipTokenizer(BytePairEncoder bpe, int sot, int eot) {
        this.bpe = bpe;
        this.sot = sot;
        this.eot = eot;
    }

    /** The tokenizer of OpenAI's CLIP with its bundled merges file (49,408 ids); built once and shared. */
    public static ClipTokenizer openai() {
        ClipTokenizer t = openai;
        if (t == null) {
            synchronized (ClipTokenizer.class) {
                t = openai;
                if (t == null) {
                    t = loadOpenai();
                    openai = t;
                }
            }
        }
        return t;
    }

    private static ClipTokenizer loadOpenai() {
        List<String[]> merges = bundledMerges();
        List<String> vocab = openaiVocabulary(merges);
        Map<String, Integer> encoder = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            encoder.put(vocab.get(i), i);
        }
        return build(encoder, merges, BUNDLED_MERGES);
    }

    /**
     * Writes the bundled OpenAI vocabulary as a Hugging Face folder's {@code vocab.json} (token -> id, in id order)
     * and {@code merges.txt} ("#version: 0.2", then one "left right" merge a line, in rank order).
     */
    public static void writeOpenAiFiles(Path vocabJson, Path mergesTxt) {
        List<String[]> merges = bundledMerges();
        List<String> vocab = openaiVocabulary(merges);
        Map<String, Integer> encoder = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) encoder.put(vocab.get(i), i);
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String[] pair : merges)
            m.append(pair[0]).append(' ').append(pair[1]).append('\n');
        try {
            Files.writeString(vocabJson, new ObjectMapper().writeValueAsString(encoder), StandardCharsets.UTF_8);
            Files.writeString(mergesTxt, m, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(vocabJson.getParent() + ": cannot write the vocabulary (" + e.getMessage() + ")");
        }
    }

    private static List<String[]> bundledMerges() {
        String text;
        try (InputStream in = ClipTokenizer.class.getResourceAsStream(BUNDLED_MERGES)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled resource " + BUNDLED_MERGES);
            }
            text = new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = Arrays.asList(text.split("\n", -1));
        return BytePairEncoder.parsePairs(lines.subList(1, 1 + OPENAI_MERGE_COUNT), BUNDLED_MERGES, 2);
    }

    private static List<String> openaiVocabulary(List<String[]> merges) {
        // vocab = byte symbols, the same with </w>, one per merge, then the two specials; dict() keeps the
        // last id of a repeated string.
        List<String> vocab = new ArrayList<>(2 * 256 + merges.size() + 2);
        for (int b : ByteSymbols.ORDER) {
            vocab.add(String.valueOf(ByteSymbols.CHAR_OF_BYTE[b]));
        }
        for (int i = 0; i < 256; i++) {
            vocab.add(vocab.get(i) + BytePairEncoder.END_OF_WORD);
        }
        for (String[] m : merges) {
            vocab.add(m[0] + m[1]);
        }
        vocab.add(START_OF_TEXT);
        vocab.add(END_OF_TEXT);
        return vocab;
    }

    /**
     * A tokenizer from a Hugging Face CLIP folder's {@code vocab.json} (token -> id) and {@code merges.txt}
     * (optional "#version" header, then one "left right" merge a line in rank order).
     */
    public static ClipTokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab;
        try {
            vocab = new ObjectMapper()
                    .readValue(
                            Files.readString(vocabJson, StandardCharsets.UTF_8),
                            new TypeReference<LinkedHashMap<String, Integer>>() {});
        } catch (NoSuchFileException e) {
            throw new Clip4jException(vocabJson + ": no such file");
        } catch (JsonProcessingException e) {
            throw new Clip4jException(vocabJson + ": not a JSON object of token ids ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        } catch (IOException e) {
            throw new Clip4jException(vocabJson + ": cannot read (" + e.getMessage() + ")");
        }
        if (vocab == null || vocab.isEmpty()) {
            throw new Clip4jException(vocabJson + ": empty vocabulary");
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(mergesTxt, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new Clip4jException(mergesTxt + ": no such file");
        } catch (IOException e) {
            throw new Clip4jException(mergesTxt + ": cannot read as UTF-8 text (" + e.getMessage() + ")");
        }
        int firstLine = 1;
        if (!lines.isEmpty() && lines.get(0).startsWith("#version")) {
            lines.remove(0);
            firstLine = 2;
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        List<String[]> merges = BytePairEncoder.parsePairs(lines, mergesTxt.toString(), firstLine);
        return build(vocab, merges, vocabJson.toString());
    }

    private static ClipTokenizer build(Map<String, Integer> vocab, List<String[]> merges, String source) {
        Integer sot = vocab.get(START_OF_TEXT);
        Integer eot = vocab.get(END_OF_TEXT);
        if (sot == null || eot == null) {
            throw new Clip4jException(source + ": the vocabulary lacks " + (sot == null ? START_OF_TEXT : END_OF_TEXT));
        }
        BytePairEncoder bpe = new BytePairEncoder(vocab, merges, Map.of(START_OF_TEXT, sot, END_OF_TEXT, eot), source);
        return new ClipTokenizer(bpe, sot, eot);
    }

    /**
     * The text as the reference's {@code encode} prepares it:
     * {@code whitespace_clean(basic_clean(text)).lower()}.
     */
    public static String normalize(String text) {
        String fixed = TextFixer.fixText(text);
        String unescaped = HtmlUnescaper.unescape(HtmlUnescaper.unescape(fixed));
        return PythonText.lower(PythonText.collapseWhitespace(PythonText.strip(unescaped)));
    }

    /** BPE token ids of {@code text}, without the start/end tokens ({@code SimpleTokenizer.encode}). */
    public int[] encode(String text) {
        BytePairEncoder.IntList ids = new BytePairEncoder.IntList();
        for (String word : PreTokenizer.split(normalize(text))) {
            bpe.encodeWord(word, ids);
        }
        return ids.toArray();
    }

    /** {@code SimpleTokenizer.decode}: every word ends with a space; invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        return bpe.decode(ids);
    }

    /**
     * One row of {@code clip.tokenize}: start token, BPE ids, end token, zero padding to {@code contextLength}.
     * Too long a text is cut with its last id forced to the end token when {@code truncate} is set, and is an
     * error otherwise.
     */
    public int[] tokenize(String text, int contextLength, boolean truncate) {
        if (contextLength < 1) {
            throw new Clip4jException("context length must be at least 1, got " + contextLength);
        }
        int[] bpeIds = encode(text);
        int total = bpeIds.length + 2;
        if (total > contextLength && !truncate) {
            throw new Clip4jException("text \"" + preview(text) + "\" is " + total
                    + " tokens, longer than the context of " + contextLength + " (use truncation)");
        }
        int[] row = new int[contextLength];
        row[0] = sot;
        int n = Math.min(bpeIds.length, contextLength - 1);
        System.arraycopy(bpeIds, 0, row, 1, n);
        if (total > contextLength) {
            row[contextLength - 1] = eot;
        } else {
            row[1 + bpeIds.length] = eot;
        }
        return row;
    }

    private static String preview(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
    }

    public int sotToken() {
        return sot;
    }

    public int eotToken() {
        return eot;
    }

    public int vocabSize() {
        return bpe.vocabSize();
    }
}
