package io.clip4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The word splitter of OpenAI's SimpleTokenizer, written as a scanner instead of a regex (no backtracking,
 * linear time). It reproduces {@code regex.findall} of
 * <pre>{@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}</pre>
 * compiled with {@code regex.IGNORECASE}: at each position the first alternative that matches wins, and
 * positions where none matches (whitespace) are skipped.
 *
 * <p>IGNORECASE matters only through simple case folding of the literal letters: U+017F LATIN SMALL LETTER
 * LONG S folds to 's' and U+212A KELVIN SIGN to 'k', so "'ſ" is a contraction token like "'s". Upper-case
 * letters are also accepted although the tokenizer lower-cases its input first.
 */
final class PreTokenizer {
    private static final String[] SPECIALS = {"<|startoftext|>", "<|endoftext|>"};
    private static final String[] CONTRACTIONS = {"s", "t", "re", "ve", "m", "ll", "d"};

    private PreTokenizer() {}

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = matchAt(text, i);
            if (end < 0) {
                i += Character.charCount(text.codePointAt(i));
            } else {
                words.add(text.substring(i, end));
                i = end;
            }
        }
        return words;
    }

    /** End of the token starting at {@code i}, or -1 when no alternative matches there. */
    private static int matchAt(String text, int i) {
        int n = text.length();
        char c = text.charAt(i);
        if (c == '<') {
            for (String special : SPECIALS) {
                int end = matchLiteralIgnoreCase(text, i, special);
                if (end >= 0) {
                    return end;
                }
            }
        } else if (c == '\'') {
            for (String contraction : CONTRACTIONS) {
                int end = matchLiteralIgnoreCase(text, i + 1, contraction);
                if (end >= 0) {
                    return end;
                }
            }
        }
        int cp = text.codePointAt(i);
        int kind = kind(cp);
        if (kind == LETTER) {
            int e = i + Character.charCount(cp);
            while (e < n) {
                int next = text.codePointAt(e);
                if (kind(next) != LETTER) {
                    break;
                }
                e += Character.charCount(next);
            }
            return e;
        }
        if (kind == NUMBER) {
            return i + Character.charCount(cp);
        }
        if (kind == SPACE) {
            return -1;
        }
        int e = i + Character.charCount(cp);
        while (e < n) {
            int next = text.codePointAt(e);
            if (kind(next) != OTHER) {
                break;
            }
            e += Character.charCount(next);
        }
        return e;
    }

    private static final int LETTER = 0;
    private static final int NUMBER = 1;
    private static final int SPACE = 2;
    private static final int OTHER = 3;

    private static int kind(int cp) {
        if (cp < 0x80) {
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
                return LETTER;
            }
            if (cp >= '0' && cp <= '9') {
                return NUMBER;
            }
            return PythonText.isSpace(cp) ? SPACE : OTHER;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER -> {
                return LETTER;
            }
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> {
                return NUMBER;
            }
            default -> {
                return PythonText.isSpace(cp) ? SPACE : OTHER;
            }
        }
    }

    /** Matches ASCII-lower-case {@code literal} at {@code i} under simple case folding; returns its end or -1. */
    private static int matchLiteralIgnoreCase(String text, int i, String literal) {
        if (i + literal.length() > text.length()) {
            return -1;
        }
        for (int k = 0; k < literal.length(); k++) {
            char want = literal.charAt(k);
            char got = text.charAt(i + k);
            if (got != want && !foldsTo(got, want)) {
                return -1;
            }
        }
        return i + literal.length();
    }

    private static boolean foldsTo(char got, char want) {
        if (want >= 'a' && want <= 'z' && got == want - 32) {
            return true;
        }
        return (want == 's' && got == '\u017F') || (want == 'k' && got == '\u212A');
    }
}
