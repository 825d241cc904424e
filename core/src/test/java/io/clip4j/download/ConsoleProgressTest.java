package io.clip4j.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void terminalRedrawsOneLineWithRateAndEta() {
        StringWriter text = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, clock::get);

        progress.start("model.safetensors", 100_000_000, 0);
        clock.set(2_000_000_000L);
        progress.update(25_000_000); // 12.5 MB/s, 75 MB left -> 6 s
        clock.set(4_000_000_000L);
        progress.update(100_000_000);
        progress.finish();

        String s = text.toString();
        String[] frames = s.split("\r", -1);
        assertEquals("model.safetensors [######------------------] 25.0/100.0 MB 12.5 MB/s ETA 0:06", frames[2]);
        assertEquals(
                "model.safetensors [########################] 100.0/100.0 MB 25.0 MB/s" + System.lineSeparator(),
                frames[4]);
    }

    @Test
    void etasOfAnHourOrMoreReadAsHoursMinutesSeconds() {
        StringWriter text = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, clock::get);
        progress.start("model.safetensors", 3_701_000_000L, 0);
        clock.set(1_000_000_000L);
        progress.update(1_000_000); // 1 MB/s, 3700 MB left -> 3700 s, the same clock format as the index progress bar
        assertTrue(text.toString().endsWith("ETA 1:01:40"), text.toString());
    }

    @Test
    void nonTerminalPrintsOccasionalPlainLines() {
        StringWriter text = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), false, clock::get);

        progress.start("w.bin", 10_000_000, 4_000_000);
        for (int i = 1; i <= 60; i++) {
            clock.set(i * 100_000_000L); // every 0.1 s for 6 s
            progress.update(4_000_000 + i * 100_000L);
        }
        progress.finish();

        String nl = System.lineSeparator();
        assertEquals(
                "w.bin: resuming at 4.0 of 10.0 MB" + nl
                        + "w.bin [#####################---] 9.0/10.0 MB 1.0 MB/s ETA 0:01" + nl
                        + "w.bin [########################] 10.0/10.0 MB 1.0 MB/s" + nl,
                text.toString());
    }
}
