package io.clip4j.tokenizer;

import java.util.regex.Pattern;

/**
 * ftfy 6's {@code is_bad}: does the text contain a character sequence that is far likelier to be mojibake
 * than real text? The character classes and the alternatives are ftfy's {@code MOJIBAKE_CATEGORIES} and
 * {@code BADNESS_RE} (characters that show up when UTF-8 is decoded as a single-byte code page), written as
 * a Java regex. Python's {@code \s} and {@code \w} are spelled out since Java's differ.
 */
final class MojibakeDetector {
    private static final String COMMON = "\\x{A0}\\x{AD}\\x{B7}\\x{B4}\\x{2013}\\x{2014}\\x{2015}\\x{2026}\\x{2019}";
    private static final String C1 = "\\x{80}-\\x{9F}";
    private static final String BAD =
            "\\x{A6}\\x{A4}\\x{A8}\\x{AC}\\x{AF}\\x{B6}\\x{A7}\\x{B8}\\x{192}\\x{2C6}\\x{2C7}\\x{2D8}\\x{2DB}\\x{2DC}\\x{2020}\\x{2021}\\x{2030}\\x{2310}\\x{25CA}\\x{FFFD}\\x{AA}\\x{BA}";
    private static final String CURRENCY = "\\x{A2}\\x{A3}\\x{A5}\\x{20A7}\\x{20AC}";
    private static final String START_PUNCTUATION =
            "\\x{A1}\\x{AB}\\x{BF}\\x{A9}\\x{384}\\x{385}\\x{2018}\\x{201A}\\x{201C}\\x{201E}\\x{2022}\\x{2039}\\x{F8FF}";
    private static final String END_PUNCTUATION = "\\x{AE}\\x{BB}\\x{2DD}\\x{201D}\\x{203A}\\x{2122}";
    private static final String NUMERIC =
            "\\x{B2}\\x{B3}\\x{B9}\\x{B1}\\x{BC}\\x{BD}\\x{BE}\\x{D7}\\x{B5}\\x{F7}\\x{2044}\\x{2202}\\x{2206}\\x{220F}\\x{2211}\\x{221A}\\x{221E}\\x{2229}\\x{222B}\\x{2248}\\x{2260}\\x{2261}\\x{2264}\\x{2265}\\x{2116}";
    private static final String KAOMOJI = "\\x{D2}-\\x{D6}\\x{D9}-\\x{DC}\\x{F2}-\\x{F6}\\x{F8}-\\x{FC}\\x{150}\\x{B0}";
    private static final String UPPER_ACCENTED =
            "\\x{C0}-\\x{D1}\\x{D8}\\x{DC}\\x{DD}\\x{102}\\x{104}\\x{106}\\x{10C}\\x{10E}\\x{110}\\x{118}\\x{11A}\\x{11E}\\x{130}\\x{139}\\x{13D}\\x{141}\\x{143}\\x{147}\\x{152}\\x{158}\\x{15A}\\x{15E}\\x{160}\\x{162}\\x{164}\\x{16E}\\x{170}\\x{178}\\x{179}\\x{17B}\\x{17D}\\x{490}";
    private static final String LOWER_ACCENTED =
            "\\x{DF}\\x{E0}-\\x{F1}\\x{103}\\x{105}\\x{107}\\x{10D}\\x{10F}\\x{111}\\x{119}\\x{11B}\\x{11F}\\x{13A}\\x{13E}\\x{142}\\x{153}\\x{155}\\x{15B}\\x{15F}\\x{161}\\x{165}\\x{FC}\\x{17A}\\x{17C}\\x{17E}\\x{491}\\x{FB01}\\x{FB02}";
    private static final String UPPER_COMMON =
            "\\x{DE}\\x{391}-\\x{3A9}\\x{386}\\x{388}\\x{389}\\x{38A}\\x{38C}\\x{38E}\\x{38F}\\x{3AA}\\x{3AB}\\x{401}-\\x{42F}";
    private static final String LOWER_COMMON =
            "\\x{3B1}-\\x{3C9}\\x{3AC}\\x{3AD}\\x{3AE}\\x{3AF}\\x{3B0}\\x{430}-\\x{45F}";
    private static final String BOX =
            "\\x{2502}\\x{250C}\\x{2510}\\x{2518}\\x{251C}\\x{2524}\\x{252C}\\x{253C}\\x{2550}-\\x{256C}\\x{2580}\\x{2584}\\x{2588}\\x{258C}\\x{2590}\\x{2591}\\x{2592}\\x{2593}";
    private static final String PY_SPACE =
            "\\t\\n\\x{0B}\\x{0C}\\r\\x{1C}-\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}"
                    + "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
    private static final String PY_WORD = "\\p{L}\\p{N}_";

    private static final Pattern BADNESS = Pattern.compile(String.join(
            "|",
            "[" + C1 + "]",
            "[" + BAD + LOWER_ACCENTED + UPPER_ACCENTED + BOX + START_PUNCTUATION + END_PUNCTUATION + CURRENCY + NUMERIC
                    + "][" + BAD + "]",
            "[a-zA-Z][" + LOWER_COMMON + UPPER_COMMON + "][" + BAD + "]",
            "[" + BAD + "][" + LOWER_ACCENTED + UPPER_ACCENTED + BOX + START_PUNCTUATION + END_PUNCTUATION + CURRENCY
                    + NUMERIC + "]",
            "[" + LOWER_ACCENTED + LOWER_COMMON + BOX + END_PUNCTUATION + CURRENCY + NUMERIC + "][" + UPPER_ACCENTED
                    + "]",
            "[" + BOX + END_PUNCTUATION + CURRENCY + NUMERIC + "][" + LOWER_ACCENTED + "]",
            "[" + LOWER_ACCENTED + BOX + END_PUNCTUATION + "][" + CURRENCY + "]",
            "[" + PY_SPACE + "][" + UPPER_ACCENTED + "][" + CURRENCY + "]",
            "[" + UPPER_ACCENTED + BOX + "][" + NUMERIC + "]",
            "[" + LOWER_ACCENTED + UPPER_ACCENTED + BOX + CURRENCY + END_PUNCTUATION + "][" + START_PUNCTUATION + "]["
                    + NUMERIC + "]",
            "[" + LOWER_ACCENTED + UPPER_ACCENTED + CURRENCY + NUMERIC + BOX + "][" + END_PUNCTUATION + "]["
                    + START_PUNCTUATION + "]",
            "[" + CURRENCY + NUMERIC + BOX + "][" + START_PUNCTUATION + "]",
            "[a-z][" + UPPER_ACCENTED + "][" + START_PUNCTUATION + CURRENCY + "]",
            "[" + BOX + "][" + KAOMOJI + "]",
            "[" + LOWER_ACCENTED + UPPER_ACCENTED + CURRENCY + NUMERIC + START_PUNCTUATION + END_PUNCTUATION + "]["
                    + BOX + "]",
            "[" + BOX + "][" + END_PUNCTUATION + "]",
            "[" + LOWER_ACCENTED + UPPER_ACCENTED + "][" + END_PUNCTUATION + "][" + PY_WORD + "]",
            // the ligature œ when not followed by an unaccented Latin letter
            "[\\x{152}\\x{153}][^A-Za-z]",
            // common Windows-1252 two-character mojibake not covered above
            "[ÂÃÎÐ][€Šš¢£Ÿž\\x{A0}\\x{AD}®©°·»" + START_PUNCTUATION + END_PUNCTUATION + "–—´]",
            "×[²³]",
            // Windows-1252 mojibake of Arabic: needs four characters
            "[ØÙ][" + COMMON + CURRENCY + BAD + NUMERIC + START_PUNCTUATION + "ŸŠ®°µ»][ØÙ][" + COMMON + CURRENCY + BAD
                    + NUMERIC + START_PUNCTUATION + "ŸŠ®°µ»]",
            "à[²µ¹¼½¾]",
            // MacRoman mojibake
            "√[±∂†≠®™´≤≥¥µø]",
            "≈[°¢]",
            "‚Ä[ìîïòôúùû†°¢π]",
            "‚[âó][àä°ê]",
            // Windows-1251 mojibake
            "вЂ",
            "[ВГРС][" + C1 + BAD + START_PUNCTUATION + END_PUNCTUATION + CURRENCY + "°µ][ВГРС]",
            "ГўВЂВ[^\\n][A-Za-z ]",
            // Windows-1252 encodings of 'à' and 'á', and of U+A0 itself
            "Ã[\\x{A0}¡]",
            "[a-z][" + PY_SPACE + "]?[ÃÂ] ",
            "^[ÃÂ] ",
            "[a-z.,?!" + END_PUNCTUATION + "]Â[ " + START_PUNCTUATION + END_PUNCTUATION + "]",
            // Windows-1253 mojibake
            "β€[™\\x{A0}Ά\\x{AD}®°]",
            "[ΒΓΞΟ][" + C1 + BAD + START_PUNCTUATION + END_PUNCTUATION + CURRENCY + "°][ΒΓΞΟ]"));

    private MojibakeDetector() {}

    static boolean isBad(String text) {
        return BADNESS.matcher(text).find();
    }
}
