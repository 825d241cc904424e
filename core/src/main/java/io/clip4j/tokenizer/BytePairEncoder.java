package io.clip4j.tokenizer;

import io.clip4j.Clip4jException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE over a fixed vocabulary. Symbols are handled as vocabulary ids: every symbol BPE can form
 * (a byte, a byte with the end-of-word marker {@code </w>}, or the concatenation a merge produces) has exactly
 * one id, so comparing ids is the same as comparing the strings of the reference implementation.
 * Immutable after construction apart from the word cache, which is concurrent.
 */
final class BytePairEncoder {
    static final String END_OF_WORD = "</w>";
    private static final int CACHE_LIMIT = 200_000;

    private final String[] symbolOf; // id -> vocabulary string
    private final Map<String, Integer> idOf; // vocabulary string -> id
    private final int[] byteId = new int[256];
    private final int[] byteEndId = new int[256];
    /** (left id, right id) -> rank << 32 | merged id. */
    private final Map<Long, Long> merges;

    private final Map<String, Integer> specials;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab     string -> id (as in vocab.json, or as built from the merges for OpenAI's file)
     * @param mergeList merges in rank order, each {left, right}
     * @param specials  words that map straight to one id, e.g. "&lt;|endoftext|&gt;"
     * @param source    names the vocabulary in error messages
     */
    BytePairEncoder(
            Map<String, Integer> vocab, List<String[]> mergeList, Map<String, Integer> specials, String source) {
        int maxId = -1;
        for (int id : vocab.values()) {
            if (id < 0) {
                throw new Clip4jException(source + ": negative token id " + id);
            }
            maxId = Math.max(maxId, id);
        }
        this.symbolOf = new String[maxId + 1];
        vocab.forEach((s, id) -> symbolOf[id] = s);
        this.idOf = Map.copyOf(vocab);
        for (int b = 0; b < 256; b++) {
            String c = String.valueOf(ByteSymbols.CHAR_OF_BYTE[b]);
            byteId[b] = requireId(c, source);
            byteEndId[b] = requireId(c + END_OF_WORD, source);
        }
        Map<Long, Long> m = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] pair = mergeList.get(rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            if (left == null || right == null) {
                continue; // a part BPE can never form: the merge can never apply
            }
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (merged == null) {
                throw new Clip4jException(source + ": merge " + (rank + 1) + " (\"" + pair[0] + " " + pair[1]
                        + "\") makes a token that is not in the vocabulary");
            }
            // A repeated pair takes its last rank, as dict(zip(merges, range(len(merges)))) does.
            m.put(pairKey(left, right), ((long) rank << 32) | merged);
        }
        this.merges = m;
        this.specials = Map.copyOf(specials);
    }

    private int requireId(String symbol, String source) {
        Integer id = idOf.get(symbol);
        if (id == null) {
            throw new Clip4jException(source + ": the vocabulary lacks the byte symbol \"" + symbol + "\"");
        }
        return id;
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    int vocabSize() {
        return idOf.size();
    }

    Integer idOf(String symbol) {
        return idOf.get(symbol);
    }

    /** Appends the ids of one pre-tokenized word to {@code out}. */
    void encodeWord(String word, IntList out) {
        Integer special = specials.get(word);
        if (special != null) {
            out.add(special);
            return;
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = bpe(word.getBytes(StandardCharsets.UTF_8));
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear(); // bounded memory for endless streams of distinct words
            }
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        int[] word = new int[n];
        for (int i = 0; i < n - 1; i++) {
            word[i] = byteId[bytes[i] & 0xFF];
        }
        word[n - 1] = byteEndId[bytes[n - 1] & 0xFF];
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int bestLeft = 0;
            int bestRight = 0;
            for (int i = 0; i < n - 1; i++) {
                Long merge = merges.get(pairKey(word[i], word[i + 1]));
                if (merge != null && merge < best) {
                    best = merge;
                    bestLeft = word[i];
                    bestRight = word[i + 1];
                }
            }
            if (best == Long.MAX_VALUE) {
                break;
            }
            int merged = (int) best;
            int w = 0;
            for (int i = 0; i < n; ) {
                if (i < n - 1 && word[i] == bestLeft && word[i + 1] == bestRight) {
                    word[w++] = merged;
                    i += 2;
                } else {
                    word[w++] = word[i++];
                }
            }
            n = w;
        }
        return Arrays.copyOf(word, n);
    }

    /** The reference's decode: symbols to bytes, UTF-8 with replacement, then "&lt;/w&gt;" to a space. */
    String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            String symbol = id >= 0 && id < symbolOf.length ? symbolOf[id] : null;
            if (symbol == null) {
                throw new Clip4jException("token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
            }
            for (int i = 0; i < symbol.length(); i++) {
                char c = symbol.charAt(i);
                int b = ByteSymbols.byteOf(c);
                if (b >= 0) {
                    bytes.write(b);
                } else {
                    // Not a byte symbol (only possible in a foreign vocab.json): keep the character itself.
                    bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        byte[] all = bytes.toByteArray();
        return Utf8Decoder.decodeReplace(all, all.length).replace(END_OF_WORD, " ");
    }

    /** A growable int array, to avoid boxing while encoding. */
    static final class IntList {
        private int[] data = new int[32];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] vs) {
            if (size + vs.length > data.length) {
                data = Arrays.copyOf(data, Math.max(size * 2, size + vs.length));
            }
            System.arraycopy(vs, 0, data, size, vs.length);
            size += vs.length;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    static List<String[]> parsePairs(List<String> lines, String source, int firstLineNumber) {
        List<String[]> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                throw new Clip4jException(
                        source + " line " + (firstLineNumber + i) + ": expected two symbols, got \"" + line + "\"");
            }
            out.add(parts);
        }
        return out;
    }
}
