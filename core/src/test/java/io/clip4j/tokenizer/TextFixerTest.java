package io.clip4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ftfy 6 behaviour, using the examples from ftfy's own documentation where there is one. */
class TextFixerTest {
    @Test
    void uncurlsQuotes() {
        assertEquals("\"here's a test\"", TextFixer.fixText("\u201chere\u2019s a test\u201d"));
        assertEquals("'a' \"b\" 'c'", TextFixer.fixText("\u2018a\u201b \u201eb\u201f \u02bcc\u2019"));
    }

    @Test
    void splitsLatinLigatures() {
        assertEquals("fluffiest", TextFixer.fixText("\ufb02u\ufb03e\ufb06"));
        assertEquals("IJssel \u017ft", TextFixer.fixText("\u0132ssel \ufb05"));
        assertEquals("\u00e6", TextFixer.fixText("\u00e6"), "æ is a letter, not a ligature to split");
    }

    @Test
    void normalizesCharacterWidth() {
        assertEquals(
                "LOUD NOISES", TextFixer.fixText("\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33"));
        assertEquals("U\u30bf\u30fc\u30f3", TextFixer.fixText("\uff35\uff80\uff70\uff9d"));
    }

    @Test
    void removesTerminalEscapesAndControlCharacters() {
        assertEquals(
                "I'm blue, da ba dee da ba doo...",
                TextFixer.fixText("\u001b[36;44mI'm blue, da ba dee da ba doo...\u001b[0m"));
        assertEquals("abcdef\tg\nh\fi", TextFixer.fixText("a\u0000b\u0007c\u000bd\u001ce\u007ff\tg\nh\fi"));
        assertEquals("Party like it's 1999!", TextFixer.fixText("\ufeffParty like it&rsquo;s 1999!"));
        assertEquals("ab", TextFixer.fixText("a\u206a\ufffcb"));
        assertEquals("a\u200db\u200fc", TextFixer.fixText("a\u200db\u200fc"), "joiners and bidi marks stay");
    }

    @Test
    void fixesLineBreaks() {
        assertEquals("a\nb\nc\nd\ne\n", TextFixer.fixText("a\r\nb\rc\u2028d\u2029e\r\n"));
    }

    @Test
    void c1ControlsBecomeWindows1252() {
        assertEquals(
                "This text was never UTF-8 at all\u2026", TextFixer.fixText("This text was never UTF-8 at all\u0085"));
        assertEquals("\u20ac 5 \u2122", TextFixer.fixText("\u0080 5 \u0099"));
    }

    @Test
    void normalizesToNfc() {
        assertEquals("na\u00efve caf\u00e9", TextFixer.fixText("nai\u0308ve cafe\u0301"));
        assertEquals("\u304c", TextFixer.fixText("\u304b\u3099"));
    }

    @Test
    void replacesLoneSurrogates() {
        assertEquals("a\ufffdb\ud83d\ude00", TextFixer.fixText("a\udca9b\ud83d\ude00"));
    }

    @Test
    void unescapesEntitiesUnlessTheLineLooksLikeHtml() {
        assertEquals("HTML entities <3", TextFixer.fixText("HTML entities &lt;3"));
        assertEquals("<em>HTML entities &lt;3</em>", TextFixer.fixText("<em>HTML entities &lt;3</em>"));
        assertEquals("\u00f1 \u00d1 \u00d1 &nTILDE;", TextFixer.unescapeHtml("&ntilde; &Ntilde; &NTILDE; &nTILDE;"));
        assertEquals("BUNDESSTRASSE", TextFixer.unescapeHtml("BUNDESSTRA&SZLIG;E"));
        assertEquals("\ud835\udca5ohn \u210bancock", TextFixer.unescapeHtml("&Jscr;ohn &HilbertSpace;ancock"));
        assertEquals("this&not that", TextFixer.fixText("this&not that"), "ftfy needs the ';'");
        assertEquals("&#ABC; &#x41", TextFixer.fixText("&#ABC; &#x41"));
        // once a line has '<', later lines keep their entities too
        assertEquals("<b> &lt;\n&amp;", TextFixer.fixText("<b> &lt;\n&amp;"));
        assertEquals("a < b\n<b> &amp;", TextFixer.fixText("a &lt; b\n<b> &amp;"));
    }

    @Test
    void fixesUtf8ReadAsLatin1OrWindows1252() {
        assertEquals("caf\u00e9", TextFixer.fixText("caf\u00c3\u00a9"));
        assertEquals("s\u00f3", TextFixer.fixText("s\u00c3\u00b3"));
        assertEquals("sch\u00f6n", TextFixer.fixText("sch\u00c3\u00b6n"));
        assertEquals(
                "This \u2014 should be an em dash", TextFixer.fixText("This \u00e2\u20ac\u201d should be an em dash"));
        assertEquals("\u2714 No problems", TextFixer.fixText("\u00e2\u0153\u201d No problems"));
        assertEquals("voil\u00e0 le travail", TextFixer.fixText("voil\u00c3 le travail"));
        assertEquals("The more you know \ud83c\udf20", TextFixer.fixText("The more you know \u00f0\u0178\u0152 "));
        assertEquals("\u00af\\_(\u30c4)_/\u00af", TextFixer.fixText("&macr;\\_(\u00e3\u0083\u0084)_/&macr;"));
        // it's -> it’s mojibake -> uncurled
        assertEquals("it's", TextFixer.fixText("it\u00e2\u20ac\u2122s"));
        // mojibake inside text that does not re-decode as a whole
        assertEquals("na\u00efve \u00bd caf\u00e9", TextFixer.fixText("na\u00efve \u00bd caf\u00c3\u00a9"));
        // lossy mojibake: a lost byte became U+FFFD
        assertEquals("\"like this \ufffd", TextFixer.fixText("\u00e2\u20ac\u0153like this \u00e2\u20ac\ufffd"));
        // double mojibake
        assertEquals("caf\u00e9", TextFixer.fixText("caf\u00c3\u0083\u00c2\u00a9"));
    }

    @Test
    void leavesPlausibleTextAlone() {
        for (String s : new String[] {
            "This text is fine already :\u00fe",
            "not such a fan of Charlotte Bront\u00eb\u2026\u201d",
            "na\u00efve r\u00e9sum\u00e9 \u00fcber Stra\u00dfe",
            "\u00c5 \u00e5 \u00c6",
            "10\u00b0C \u00b1 2"
        }) {
            assertFalse(
                    MojibakeDetector.isBad(s) && !MojibakeFixer.fixEncoding(s).equals(s), s);
        }
        assertEquals(
                "not such a fan of Charlotte Bront\u00eb...\"".replace("...", "\u2026"),
                TextFixer.fixText("not such a fan of Charlotte Bront\u00eb\u2026\u201d"));
        assertTrue(MojibakeDetector.isBad("caf\u00c3\u00a9"));
        assertEquals("&ATILDE;&SUP3;", MojibakeFixer.fixEncoding("&ATILDE;&SUP3;"));
    }

    @Test
    void isIdempotentAndLeavesAsciiUntouched() {
        String ascii = "A plain caption, with punctuation! (and 123)";
        assertEquals(ascii, TextFixer.fixText(ascii));
        String messy = "\ufb01ne \u201cquotes\u201d caf\u00c3\u00a9 \uff21\r\n";
        String once = TextFixer.fixText(messy);
        assertEquals("fine \"quotes\" caf\u00e9 A\n", once);
        assertEquals(once, TextFixer.fixText(once));
    }
}
