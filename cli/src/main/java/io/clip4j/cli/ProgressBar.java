package io.clip4j.cli;

import io.clip4j.Durations;
import io.clip4j.ErrorLines;
import io.clip4j.search.IndexProgress;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Indexing progress on stderr: {@code [#####.....] 120/300  45.2 images/s  ETA 0:04}. On a terminal the line is
 * redrawn in place; otherwise (forced with --progress) one line per update. Failures print as their own lines.
 */
final class ProgressBar implements IndexProgress {
    private final PrintWriter err;
    private final boolean show;
    private final boolean inPlace;
    private long start = -1;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean show, boolean inPlace) {
        this.err = err;
        this.show = show;
        this.inPlace = inPlace;
    }

    static boolean stderrIsTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public synchronized void update(int done, int total) {
        if (start < 0) start = System.nanoTime();
        if (!show || total == 0) return;
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        String eta = rate > 0 ? Durations.format((total - done) / rate) : "-:--";
        int width = 24, filled = (int) ((long) width * done / total);
        String line = String.format(
                Locale.ROOT,
                "[%s%s] %d/%d  %.1f images/s  ETA %s",
                "#".repeat(filled),
                ".".repeat(width - filled),
                done,
                total,
                rate,
                eta);
        if (inPlace) {
            err.print("\r" + line + "\u001b[K");
            drawn = done < total;
            if (!drawn) err.println();
        } else err.println(line);
        err.flush();
    }

    @Override
    public synchronized void failed(String message) {
        if (drawn) {
            err.print("\r\u001b[K");
            drawn = false;
        }
        err.println("clip4j: " + ErrorLines.oneLine(message));
        err.flush();
    }

    synchronized void finish() {
        if (drawn) {
            err.println();
            drawn = false;
        }
        err.flush();
    }
}
