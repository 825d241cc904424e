package io.clip4j.download;

import io.clip4j.Durations;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar for stderr: {@code name [#####-----] 12.3/45.6 MB 8.1 MB/s ETA 0:04}. On a terminal the line is
 * redrawn in place with {@code \r} (at most 10 times a second); otherwise (a log file, CI) a plain line is printed
 * every few seconds and at the end, so the log shows progress without thousands of lines.
 */
public final class ConsoleProgress implements DownloadProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_LINE_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    private String name;
    private long total;
    private long startBytes;
    private long done;
    private long startNanos;
    private long lastDrawNanos;
    private int lastWidth;

    public ConsoleProgress(PrintWriter out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ConsoleProgress(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Whether this JVM's stderr/stdout is an interactive terminal (JDK 22+ {@code Console.isTerminal}). */
    public static boolean stderrIsTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void start(String fileName, long total, long already) {
        this.name = fileName;
        this.total = total;
        this.startBytes = already;
        this.done = already;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
        this.lastWidth = 0;
        if (terminal) {
            draw();
        } else {
            out.println(name + ": " + (already > 0 ? "resuming at " + mb(already) + " of " : "downloading ")
                    + (total >= 0 ? mb(total) + " MB" : "unknown size"));
            out.flush();
        }
    }

    @Override
    public void update(long done) {
        this.done = done;
        long now = nanoClock.getAsLong();
        if (now - lastDrawNanos >= (terminal ? REDRAW_NANOS : PLAIN_LINE_NANOS)) {
            lastDrawNanos = now;
            if (terminal) {
                draw();
            } else {
                out.println(line());
                out.flush();
            }
        }
    }

    @Override
    public void finish() {
        if (terminal) {
            draw();
            out.println();
        } else {
            out.println(line());
        }
        out.flush();
    }

    @Override
    public void upToDate(String fileName, long bytes) {
        out.println(fileName + ": up to date (" + mb(bytes) + " MB)");
        out.flush();
    }

    private void draw() {
        String line = line();
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    String line() {
        double seconds = Math.max(1e-9, (nanoClock.getAsLong() - startNanos) / 1e9);
        double rate = (done - startBytes) / seconds;
        StringBuilder s = new StringBuilder(name).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
            s.append('[')
                    .append("#".repeat(filled))
                    .append("-".repeat(BAR_WIDTH - filled))
                    .append("] ");
            s.append(mb(done)).append('/').append(mb(total)).append(" MB");
        } else {
            s.append(mb(done)).append(" MB");
        }
        s.append(String.format(Locale.ROOT, " %.1f MB/s", rate / 1e6));
        if (total > 0 && done < total && rate > 0) {
            s.append(" ETA ").append(Durations.format(Math.ceil((total - done) / rate)));
        }
        return s.toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
