package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryParserTest {
    @TempDir
    Path tmp;

    static String show(List<QueryTerm> terms) {
        StringBuilder sb = new StringBuilder();
        for (QueryTerm t : terms) {
            sb.append(t.sign() < 0 ? '-' : '+')
                    .append(t.weight())
                    .append(':')
                    .append(t.isImage() ? "img(" + t.image().getFileName() + ")" : t.text())
                    .append(' ');
        }
        return sb.toString().strip();
    }

    List<QueryTerm> parse(String q) {
        return QueryParser.parse(q, tmp);
    }

    @Test
    void weightsSignsAndQuotes() throws Exception {
        Files.write(tmp.resolve("pool.jpg"), new byte[] {1});
        assertEquals(
                "+2.0:golden retriever +1.0:img(pool.jpg) -1.0:fruit",
                show(parse("\"2:golden retriever\" + ./pool.jpg - fruit")));
        assertEquals("+2.0:golden retriever", show(parse("2:\"golden retriever\"")));
        assertEquals("+1.0:a red t-shirt", show(parse("a   red t-shirt")));
        assertEquals("-1.0:fruit +0.5:cat", show(parse("-fruit + .5:cat")));
        assertEquals("+1.0:a + b", show(parse("\"a + b\"")));
        assertEquals("+1.5:dog -3.0:cat", show(parse("1.5:dog -3:cat")));
        assertEquals("+1.0:img(pool.jpg)", show(parse("pool.jpg")));
        assertEquals("+1.0:AC/DC", show(parse("AC/DC")));
        assertEquals(
                "+1.0:golden retriever +1.0:img(pool.jpg)",
                show(QueryParser.parse(
                        List.of("golden retriever", "+", tmp.resolve("pool.jpg").toString()), tmp)));
    }

    @Test
    void untrustedQueriesAreTextOnlyAndNeverLookAtTheDisk() throws Exception {
        Path file = Files.write(tmp.resolve("pool.jpg"), new byte[] {1});
        String abs = file.toAbsolutePath().toString();
        assertEquals(
                "+2.0:golden retriever -1.0:fruit +1.0:AC/DC",
                show(QueryParser.parseUntrusted("\"2:golden retriever\" - fruit + AC/DC")));
        for (String q : List.of(
                abs,
                "\"" + abs + "\"",
                "2:\"" + abs + "\"",
                "\"" + abs.substring(0, 2) + "\"" + abs.substring(2),
                "cat + ~/../" + abs,
                "pool.jpg",
                "./pool.jpg",
                "/etc/passwd",
                "/no/such/file",
                "file:" + abs,
                "~root")) {
            Clip4jException e = assertThrows(Clip4jException.class, () -> QueryParser.parseUntrusted(q), q);
            assertEquals(QueryParser.UNTRUSTED_FILE_TERM, e.getMessage(), q);
        }
    }

    @Test
    void errors() {
        assertMessage("3:", "weight but no term");
        assertMessage("cat + 3:", "weight but no term");
        assertMessage("", "empty");
        assertMessage("cat +", "missing term");
        assertMessage("cat + - dog", "two operators");
        assertMessage("\"cat", "unclosed quote");
        assertMessage("cat + ./missing.jpg", "./missing.jpg: no such image file");
        assertMessage("photos/dog.png", "photos/dog.png: no such image file");
        assertMessage("/no/such/dir/x", "no such image file");
    }

    void assertMessage(String q, String part) {
        Clip4jException e = assertThrows(Clip4jException.class, () -> parse(q), q);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
