package io.clip4j.cli;

import io.clip4j.download.ConsoleProgress;
import io.clip4j.download.DownloadProgress;
import io.clip4j.download.DownloadResult;
import io.clip4j.download.HubDownloader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j download REPO_ID}: fetches a CLIP model from the Hugging Face hub into the local cache. */
@Command(
        name = "download",
        description = {
            "Download a CLIP model (transformers or open_clip layout) from the Hugging Face hub.",
            "Only the files clip4j needs are fetched (config, one copy of the weights, tokenizer files); "
                    + "interrupted downloads resume, every file is checked against the hub's size and hash.",
            "Prints the model folder on stdout.",
            "Environment: HF_ENDPOINT (hub URL, default https://huggingface.co), HF_TOKEN (for private or gated "
                    + "models), CLIP4J_CACHE (cache folder, default ~/.cache/clip4j/hub)."
        })
public final class DownloadCommand implements Callable<Integer> {
    enum Format {
        text,
        json
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO_ID", description = "Repository id, e.g. openai/clip-vit-base-patch32.")
    String repoId;

    @Option(
            names = "--revision",
            paramLabel = "R",
            description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).",
            defaultValue = HubDownloader.DEFAULT_REVISION)
    String revision;

    @Option(names = "--dir", paramLabel = "D", description = "Also place the finished files in folder D.")
    Path dir;

    @Option(
            names = "--cache",
            paramLabel = "C",
            description = "Cache folder (default: $CLIP4J_CACHE or ~/.cache/clip4j/hub).")
    Path cache;

    @Option(
            names = "--format",
            paramLabel = "F",
            defaultValue = "text",
            description = "Output on stdout: text (the folder path) or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress output on stderr.")
    boolean quiet;

    private final Map<String, String> environment;

    public DownloadCommand() {
        this(System.getenv());
    }

    /** With the environment variables to use instead of the process's (for tests and embedding). */
    public DownloadCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Returns 0; user errors (unknown repository, no access, network, disk) are thrown as {@code Clip4jException}. */
    @Override
    public Integer call() {
        HubDownloader.Builder builder = HubDownloader.fromEnvironment(environment);
        if (cache != null) {
            builder.cacheRoot(cache);
        }
        PrintWriter err = spec.commandLine().getErr();
        DownloadProgress progress =
                quiet ? DownloadProgress.none() : new ConsoleProgress(err, ConsoleProgress.stderrIsTerminal());
        DownloadResult result;
        try (HubDownloader hub = builder.build()) {
            result = hub.download(repoId, revision, dir, progress);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(format == Format.json ? result.toJson() : result.dir().toString());
        out.flush();
        return 0;
    }
}
