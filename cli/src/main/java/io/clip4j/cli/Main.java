package io.clip4j.cli;

import io.clip4j.ErrorLines;
import io.clip4j.search.VectorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code clip4j} command. User errors end as one line on stderr ({@code clip4j: <message>}) and exit
 * status 1; usage errors exit 2; a bug prints its type and message (the stack trace with CLIP4J_DEBUG=1).
 */
@Command(
        name = "clip4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "CLIP (Contrastive Language-Image Pre-training) for the JVM.",
        subcommands = {
            EmbedCommand.class,
            ClassifyCommand.class,
            TokenizeCommand.class,
            InfoCommand.class,
            DownloadCommand.class,
            BenchCommand.class,
            ProbeCommand.class,
            SynthCommand.class,
            ServeCommand.class,
            IndexCommand.class,
            SearchCommand.class,
            TextnessCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            EvalCommand.class,
            ConvertCommand.class,
            QuickstartCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    private Main(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Bare {@code clip4j}: the usage on stderr and exit status 2, as for any other incomplete command line. */
    @Override
    public Integer call() {
        return usageError(spec);
    }

    /** Prints a command's usage on stderr and returns 2: for commands that need a subcommand. */
    static int usageError(CommandSpec command) {
        command.commandLine().usage(command.commandLine().getErr());
        command.commandLine().getErr().flush();
        return 2;
    }

    /** The environment variables of this run (HF_ENDPOINT, HF_TOKEN, CLIP4J_CACHE, HF_HUB_OFFLINE, ...). */
    static Map<String, String> environment(CommandSpec command) {
        return command.root().userObject() instanceof Main m ? m.environment : System.getenv();
    }

    /** The per-user index folder of this run's environment ($XDG_DATA_HOME/clip4j/index, ~/.local/share/clip4j/index). */
    static Path defaultIndex(CommandSpec command) {
        return VectorStore.defaultLocation(environment(command));
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit status. Used by tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)} with these environment variables instead of the process's. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        CommandLine cl = new CommandLine(new Main(environment));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> ErrorLines.report(ex, err));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("clip4j: " + ErrorLines.oneLine(ex.getMessage()));
            err.println("clip4j: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"clip4j " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
