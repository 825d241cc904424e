package io.clip4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Python string semantics against vectors generated once with CPython 3.11 (python_text.json). */
class PythonSemanticsTest {
    private static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PythonSemanticsTest.class.getResourceAsStream("/tokenizer/python_text.json")) {
            vectors = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void htmlUnescapeMatchesCpython() {
        assertTrue(vectors.get("unescape").size() > 40);
        for (JsonNode pair : vectors.get("unescape")) {
            String in = pair.get(0).asText();
            assertEquals(pair.get(1).asText(), HtmlUnescaper.unescape(in), () -> "html.unescape(" + in + ")");
        }
    }

    @Test
    void doubleUnescapeAsTheTokenizerDoes() {
        assertEquals("&", HtmlUnescaper.unescape(HtmlUnescaper.unescape("&amp;amp;")));
        assertEquals("<b>", HtmlUnescaper.unescape(HtmlUnescaper.unescape("&amp;lt;b&amp;gt;")));
        assertEquals("&amp;", HtmlUnescaper.unescape(HtmlUnescaper.unescape("&amp;amp;amp;")));
    }

    @Test
    void lowerMatchesCpython() {
        for (JsonNode pair : vectors.get("lower")) {
            String in = pair.get(0).asText();
            assertEquals(pair.get(1).asText(), PythonText.lower(in), () -> "lower(" + in + ")");
        }
    }

    @Test
    void isSpaceMatchesCpythonOnEveryCodePoint() {
        Set<Integer> expected = new HashSet<>();
        vectors.get("isspace").forEach(n -> expected.add(n.asInt()));
        assertTrue(expected.contains(0x1C) && expected.contains(0x85) && expected.contains(0x3000));
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            assertEquals(expected.contains(cp), PythonText.isSpace(cp), "isspace U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void whitespaceCleanMatchesCpython() {
        for (JsonNode pair : vectors.get("whitespace")) {
            String in = pair.get(0).asText();
            assertEquals(
                    pair.get(1).asText(),
                    PythonText.collapseWhitespace(PythonText.strip(in)),
                    () -> "clean(" + in + ")");
        }
    }
}
