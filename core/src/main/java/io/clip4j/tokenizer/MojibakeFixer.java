package io.clip4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy 6's {@code fix_encoding}, restricted to the common case: text that was UTF-8, decoded as Latin-1 or
 * Windows-1252 ("cafÃ©" for "café", "â€™" for "’"). As in ftfy, nothing happens unless
 * {@link MojibakeDetector#isBad} flags the text; then the whole text is re-encoded (Latin-1 first, then
 * sloppy Windows-1252) and must decode as UTF-8 (after ftfy's restore-0xA0 and lossy-sequence repairs).
 * Repeated until stable, so double mojibake is undone too.
 *
 * <p>Deliberately left out (the text then stays as it is, where ftfy might still change it): the rarer code
 * pages ftfy also tries (Windows-1250/1251/1253/1254/1257, ISO-8859-2, MacRoman, CP437) and CESU-8 / Java
 * "modified UTF-8" decoding. {@code decode_inconsistent_utf8} (mojibake runs inside otherwise un-decodable
 * text) is done with the Latin-1/Windows-1252 subset of ftfy's clue characters.
 */
final class MojibakeFixer {
    /** ftfy's A_GRAVE_WORD_RE, on bytes seen as Latin-1 characters. */
    private static final Pattern A_GRAVE_WORD = Pattern.compile("\u00C3 (?! |quele|quela|quilo|s )");
    /** ftfy's ALTERED_UTF8_RE: UTF-8 sequences whose 0xA0 byte was turned into a space. */
    private static final Pattern ALTERED_UTF8 = Pattern.compile("[\\xC2\\xC3\\xC5\\xCE\\xD0\\xD9][ ]"
            + "|[\\xE2\\xE3][ ][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF]"
            + "|[\\xE0-\\xE3][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF][ ]"
            + "|[\\xF0][ ][\\x80-\\xBF][\\x80-\\xBF]"
            + "|[\\xF0][\\x80-\\xBF][ ][\\x80-\\xBF]"
            + "|[\\xF0][\\x80-\\xBF][\\x80-\\xBF][ ]");
    /** ftfy's LOSSY_UTF8_RE: UTF-8 sequences with bytes lost to U+FFFD (byte 0x1A) or '?'. */
    private static final Pattern LOSSY_UTF8 = Pattern.compile("[\\xC2-\\xDF][\\x1A]"
            + "|[\\xC2-\\xC3][?]"
            + "|\\xED[\\xA0-\\xAF][\\x1A?]\\xED[\\xB0-\\xBF][\\x1A?\\x80-\\xBF]"
            + "|\\xED[\\xA0-\\xAF][\\x1A?\\x80-\\xBF]\\xED[\\xB0-\\xBF][\\x1A?]"
            + "|[\\xE0-\\xEF][\\x1A?][\\x1A\\x80-\\xBF]"
            + "|[\\xE0-\\xEF][\\x1A\\x80-\\xBF][\\x1A?]"
            + "|[\\xF0-\\xF4][\\x1A?][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF]"
            + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A?][\\x1A\\x80-\\xBF]"
            + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF][\\x1A?]"
            + "|\\x1A");
    // ftfy's UTF8_DETECTOR_RE, limited to clues from Latin-1 and Windows-1252 (ftfy also lists characters of
    // the Windows-1250/1251/1253/1254/1257 pages): a UTF-8 lead character followed by continuation characters.
    private static final String FIRST_OF_2 = "\\x{C2}-\\x{DF}";
    private static final String FIRST_OF_3 = "\\x{E0}-\\x{EF}";
    private static final String FIRST_OF_4 = "\\x{F0}\\x{F3}";
    private static final String CONT_1252_LETTERS =
            "\\x{160}\\x{178}\\x{17D}\\x{152}\\x{192}\\x{161}\\x{17E}\\x{153}\\x{2C6}\\x{2DC}";
    private static final String CONTINUATION = "\\x{80}-\\x{BF} " + CONT_1252_LETTERS
            + "\\x{2013}\\x{2014}\\x{2018}\\x{2019}\\x{201A}\\x{201C}\\x{201D}\\x{201E}\\x{2020}\\x{2021}\\x{2022}"
            + "\\x{2026}\\x{2030}\\x{2039}\\x{203A}\\x{20AC}\\x{2122}";
    /** Continuation characters that rarely stand for themselves next to mojibake (no spaces, dashes, quotes). */
    private static final String CONTINUATION_STRICT = "\\x{80}-\\x{BF}" + CONT_1252_LETTERS
            + "\\x{104}\\x{C6}\\x{13D}\\x{141}\\x{D8}\\x{156}\\x{15A}\\x{15E}\\x{164}\\x{179}\\x{17B}\\x{105}\\x{E6}"
            + "\\x{13E}\\x{142}\\x{F8}\\x{157}\\x{15B}\\x{15F}\\x{165}\\x{17A}\\x{17C}\\x{2C7}\\x{2D8}\\x{2DB}\\x{2DD}"
            + "\\x{384}\\x{385}\\x{386}\\x{388}\\x{389}\\x{38A}\\x{38C}\\x{38E}\\x{38F}\\x{401}-\\x{40F}\\x{451}-\\x{45F}"
            + "\\x{490}\\x{491}";

    private static final Pattern UTF8_DETECTOR = Pattern.compile("(?<![" + CONTINUATION_STRICT + "])(?:["
            + FIRST_OF_2 + "][" + CONTINUATION + "]|[" + FIRST_OF_3 + "][" + CONTINUATION + "]{2}|[" + FIRST_OF_4
            + "][" + CONTINUATION + "]{3})+");
    private static final String REPLACEMENT_BYTES = "\u00EF\u00BF\u00BD"; // UTF-8 of U+FFFD as Latin-1 chars

    private MojibakeFixer() {}

    static String fixEncoding(String text) {
        while (true) {
            String fixed = fixOneStep(text);
            if (fixed.equals(text)) {
                return fixed;
            }
            text = fixed;
        }
    }

    private static String fixOneStep(String text) {
        if (isAscii(text) || !MojibakeDetector.isBad(text)) {
            return text;
        }
        boolean latin1 = true;
        boolean sloppy1252 = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            latin1 &= c <= 0xFF;
            sloppy1252 &= sloppyByte(c) >= 0;
        }
        if (latin1) {
            String fixed = redecode(text, false);
            if (fixed != null) {
                return fixed;
            }
        }
        if (sloppy1252) {
            String fixed = redecode(text, true);
            if (fixed != null) {
                return fixed;
            }
        }
        if (UTF8_DETECTOR.matcher(text).find()) {
            String fixed = decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) {
                return fixed;
            }
        }
        if (latin1) {
            // C1 controls (Latin-1 but not Windows-1252 text): read the bytes as strict Windows-1252.
            boolean allDefined = true;
            StringBuilder sb = new StringBuilder(text.length());
            for (int i = 0; i < text.length() && allDefined; i++) {
                char c = text.charAt(i);
                allDefined = Windows1252.DEFINED[c];
                sb.append(Windows1252.SLOPPY[c]);
            }
            if (allDefined && !sb.toString().equals(text)) {
                return sb.toString();
            }
        }
        return TextFixer.fixC1Controls(text);
    }

    /** Encode as Latin-1 or sloppy Windows-1252, repair, decode as UTF-8; null when that fails. */
    private static String redecode(String text, boolean sloppy) {
        // Bytes are held as a Latin-1 string so the byte-level patterns can run on them.
        StringBuilder encoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            encoded.append((char) (sloppy ? sloppyByte(c) : c));
        }
        String bytes = encoded.toString();
        if (ALTERED_UTF8.matcher(bytes).find()) {
            bytes = restoreByteA0(bytes);
        }
        if (sloppy) {
            bytes = LOSSY_UTF8.matcher(bytes).replaceAll(REPLACEMENT_BYTES);
        }
        return Utf8Decoder.decodeStrict(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** ftfy's decode_inconsistent_utf8: fixes each UTF-8-looking run on its own if that run alone looks bad. */
    private static String decodeInconsistentUtf8(String text) {
        Matcher m = UTF8_DETECTOR.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String run = m.group();
            String fixed = run.length() < text.length() && MojibakeDetector.isBad(run) ? fixEncoding(run) : run;
            m.appendReplacement(out, Matcher.quoteReplacement(fixed));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String restoreByteA0(String bytes) {
        bytes = A_GRAVE_WORD.matcher(bytes).replaceAll("\u00C3\u00A0 ");
        Matcher m = ALTERED_UTF8.matcher(bytes);
        StringBuilder out = new StringBuilder(bytes.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replace(' ', '\u00A0')));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** ftfy's sloppy codecs encode U+FFFD as byte 0x1A (so lossy sequences can be found) and U+001A not at all. */
    private static int sloppyByte(char c) {
        if (c == '\uFFFD') {
            return 0x1A;
        }
        return c == 0x1A ? -1 : Windows1252.encodeSloppy(c);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
