package io.clip4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DelimitedReaderTest {
    @Test
    void quotedFieldsHoldSeparatorsQuotesAndLineBreaks() {
        String text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,last\n";
        List<DelimitedReader.Record> recs = DelimitedReader.readAll(text, ',');
        assertEquals(3, recs.size());
        assertEquals(List.of("a", "b", "c"), recs.get(0).fields());
        assertEquals(List.of("x, y", "say \"hi\"", "two\nlines"), recs.get(1).fields());
        assertEquals(List.of("plain", "", "last"), recs.get(2).fields());
        assertEquals(1, recs.get(0).line());
        assertEquals(2, recs.get(1).line());
        assertEquals(4, recs.get(2).line(), "the quoted line break counts as a line");
    }

    @Test
    void tabSeparatorKeepsCommasAndLiteralQuotesInsideFields() {
        List<DelimitedReader.Record> recs = DelimitedReader.readAll("\uFEFFp\tt\nimg.png\ta 5\" disk, red\n", '\t');
        assertEquals(List.of("p", "t"), recs.get(0).fields(), "byte-order mark dropped");
        assertEquals(List.of("img.png", "a 5\" disk, red"), recs.get(1).fields());
    }

    @Test
    void blankLinesAndCrLineEndings() {
        DelimitedReader r = new DelimitedReader("a\r\rb", ',');
        assertEquals(List.of("a"), r.next().fields());
        DelimitedReader.Record blank = r.next();
        assertTrue(blank.blank());
        DelimitedReader.Record b = r.next();
        assertEquals(List.of("b"), b.fields());
        assertEquals(3, b.line());
        assertNull(r.next());
    }

    @Test
    void unterminatedQuoteNamesItsLine() {
        var e = assertThrows(
                DelimitedReader.UnterminatedQuoteException.class,
                () -> DelimitedReader.readAll("h\nok\n\"open\nmore\n", ','));
        assertEquals(3, e.line());
    }

    @Test
    void writerQuotesOnlyWhenNeededAndRoundTrips() {
        assertEquals("plain", DelimitedWriter.field("plain", '\t'));
        assertEquals("\"a\tb\"", DelimitedWriter.field("a\tb", '\t'));
        String row = DelimitedWriter.row(List.of("f.png", "the word \"cat\"", "x\ny"), ',');
        assertEquals(
                List.of("f.png", "the word \"cat\"", "x\ny"),
                DelimitedReader.readAll(row, ',').get(0).fields());
    }
}
