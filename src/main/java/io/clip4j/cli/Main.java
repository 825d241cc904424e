package io.clip4j.cli;

import io.clip4j.Clip4jException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code clip4j} command. User errors end as one line on stderr ({@code clip4j: <message>}) and exit
 * status 1; usage errors exit 2; a bug prints its type and message (the stack trace with CLIP4J_DEBUG=1).
 */
@Command(name = "clip4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "CLIP (Contrastive Language-Image Pre-training) for the JVM.",
        subcommands = {EmbedCommand.class, ClassifyCommand.class, TokenizeCommand.class, InfoCommand.class,
                DownloadCommand.class, BenchCommand.class,
                ProbeCommand.class,
                SynthCommand.class,
                ServeCommand.class,
                IndexCommand.class, SearchCommand.class, TextnessCommand.class,
                TrainCommand.class, DistillCommand.class, EvalCommand.class, ConvertCommand.class, QuickstartCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit status. Used by tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (!(t instanceof Clip4jException) && t.getCause() != null && t != t.getCause()) t = t.getCause();
            if (t instanceof Clip4jException) {
                err.println("clip4j: " + oneLine(t.getMessage()));
                return 1;
            }
            err.println("clip4j: internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(String.valueOf(ex.getMessage())));
            if (System.getenv("CLIP4J_DEBUG") != null) ex.printStackTrace(err);
            else err.println("clip4j: (set CLIP4J_DEBUG=1 for the stack trace; please report it)");
            return 3;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("clip4j: " + oneLine(ex.getMessage()));
            err.println("clip4j: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"clip4j " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
