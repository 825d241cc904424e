package io.clip4j.spark;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clip4j spark embed ...}: the embedding job on a Spark of its own (local by default) with no Spark
 * installation; the root {@code clip4j} script runs this class with Spark's jars on the classpath. As the rest
 * of the clip4j command, an error is one line on stderr ({@code clip4j: <message>}): exit status 1 for bad input
 * or images that could not be embedded, 2 for a bad command line, 3 for a bug.
 */
public final class SparkMain {
    private SparkMain() {}

    /** Who runs the job: the exit status for images that failed differs (see {@link #runJob}). */
    enum Caller {
        CLI,
        SPARK_SUBMIT
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0 || !args[0].equals("embed")) {
            if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
                out.println("Usage: clip4j spark embed [OPTIONS] (see clip4j spark embed --help)");
                return 0;
            }
            err.println("clip4j: " + (args.length == 0 ? "missing subcommand" : "unknown subcommand '" + args[0] + "'")
                    + ": clip4j spark embed [OPTIONS]");
            err.println("clip4j: see 'clip4j spark embed --help'");
            return 2;
        }
        return runJob(Arrays.copyOfRange(args, 1, args.length), Caller.CLI, out, err);
    }

    /** spark-submit's entry ({@link EmbedJob#main}): the same options, on the master spark-submit set. */
    static int runJob(String[] args, PrintWriter out) {
        return runJob(args, Caller.SPARK_SUBMIT, out, new PrintWriter(System.err, true));
    }

    /**
     * Parses, runs and reports the job. Images that could not be embedded are rows with an error either way;
     * the command line then exits 1 (as {@code clip4j index} does), a spark-submit application 0 (its cluster
     * manager would otherwise count the application as failed, and may run it again).
     */
    static int runJob(String[] args, Caller caller, PrintWriter out, PrintWriter err) {
        JobArguments parsed;
        try {
            parsed = JobArguments.parse(args);
        } catch (JobArguments.UsageException e) {
            err.println("clip4j: " + ErrorLines.oneLine(e.getMessage()));
            err.println("clip4j: see 'clip4j spark embed --help'");
            return 2;
        } catch (Clip4jException e) {
            err.println("clip4j: " + ErrorLines.oneLine(e.getMessage()));
            return 2;
        }
        if (parsed.help()) {
            out.println(JobArguments.USAGE);
            return 0;
        }
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = null;
        try {
            spark = session(parsed, caller);
            JobReport r = EmbedJob.run(spark, parsed.options());
            report(r, parsed.options(), out, err);
            return r.failed() > 0 && caller == Caller.CLI ? 1 : 0;
        } catch (RuntimeException e) {
            return ErrorLines.report(e, err);
        } finally {
            if (ownSession && spark != null) spark.stop();
            out.flush();
            err.flush();
        }
    }

    private static SparkSession session(JobArguments parsed, Caller caller) {
        SparkSession.Builder b = SparkSession.builder().appName("clip4j embed");
        // spark-submit passes its master as a system property; the command line runs locally unless told otherwise
        if (parsed.master() != null) b.master(parsed.master());
        else if (caller == Caller.CLI && System.getProperty("spark.master") == null) b.master("local[*]");
        if (caller == Caller.CLI) {
            // a terminal shows Spark's progress bar (stage, tasks done / all); the web UI is not needed for one job
            b.config("spark.ui.showConsoleProgress", System.console() != null);
            b.config("spark.ui.enabled", false);
        }
        String master = parsed.master() != null
                ? parsed.master()
                : System.getProperty("spark.master", caller == Caller.CLI ? "local[*]" : "");
        int cores = localCores(master);
        // clip4j spreads each forward pass over all the cores already: one task at a time per local JVM, not one per
        // core each fighting for the same cores (measured: two concurrent tasks ran 15-20 % slower than one)
        if (cores > 1 && !parsed.conf().containsKey("spark.task.cpus")) b.config("spark.task.cpus", cores);
        for (Map.Entry<String, String> c : parsed.conf().entrySet()) b.config(c.getKey(), c.getValue());
        return b.getOrCreate();
    }

    /** The task slots of a local master ({@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}); 0 for others. */
    static int localCores(String master) {
        Matcher m = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?").matcher(master.strip());
        if (!m.matches()) return 0;
        if (m.group(1) == null) return 1;
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    private static void report(JobReport r, JobOptions o, PrintWriter out, PrintWriter err) {
        for (String e : r.errors()) err.println("clip4j: " + ErrorLines.oneLine(e));
        if (r.failed() > r.errors().size()) {
            err.println(String.format(
                    Locale.ROOT,
                    "clip4j: ... and %d more: see the error column of %s",
                    r.failed() - r.errors().size(),
                    o.output()));
        }
        String rate =
                r.embedded() > 0 ? String.format(Locale.ROOT, " (%.1f images/s)", r.embedded() / r.seconds()) : "";
        out.println(String.format(
                Locale.ROOT,
                "%s: %d images in %d shards: %d shards written, %d already done; %d embedded, %d failed in %.1f s%s",
                o.output(),
                r.images(),
                r.shards(),
                r.shardsWritten(),
                r.shardsSkipped(),
                r.embedded(),
                r.failed(),
                r.seconds(),
                rate));
    }
}
