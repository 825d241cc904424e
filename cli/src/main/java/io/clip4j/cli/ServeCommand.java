package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.search.ClipSearchService;
import io.clip4j.search.SearchService;
import io.clip4j.server.SearchServer;
import io.clip4j.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j serve}: the search web page and JSON API over an index folder. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve an image index over HTTP: a search page and a JSON API.",
            "The page is at /; the API is "
                    + "GET /api/search?q=TEXT|like=ID[&k=N][&textness=T], POST /api/search (an image), "
                    + "GET /api/image/ID (thumbnail), GET /healthz and GET /metrics (Prometheus).",
            "It stops gracefully on Ctrl-C or SIGTERM.",
            "JSON: one line {\"url\",\"images\",\"index\"} once it listens (and nothing more on stdout)."
        })
public final class ServeCommand implements Callable<Integer> {
    /**
     * Opens an index folder as a SearchService. A hook rather than a direct call so that the server can be built
     * and tested before (and independently of) the index implementation; tests replace it with a fake.
     */
    public static volatile Function<Path, SearchService> opener = ServeCommand::openIndex;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--index",
            paramLabel = "DIR",
            description = "Index folder (default: the per-user index, as for index and search).")
    Path index;

    @Mixin
    SolrOptions solr;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "PATH|REPO_ID",
            description = "Model to use (default: the one recorded in the index; must be the same model, e.g. the "
                    + "text half of the model whose image half built the index).")
    String model;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(
            names = "--textness-file",
            paramLabel = "F",
            description = "Textness direction (default: textness.json in the index folder; a Solr collection has none "
                    + "unless given here).")
    Path textnessFile;

    @Option(
            names = "--half",
            description =
                    "Keep the text tower's weights as fp16 (half the memory and of the bytes each query streams; fp32 arithmetic).")
    boolean half;

    /** How long serve may spend warming the encoder and the scan before it listens. */
    static final Duration WARM_UP_BUDGET = Duration.ofSeconds(5);

    /** The index folder's own model and textness direction (textness.json in the folder, if any). */
    static SearchService openIndex(Path dir) {
        return ClipSearchService.open(dir, null, null, Clip.Options.defaults());
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Usage.require(port >= 0 && port <= 65535, spec, "--port: " + port + " is not a TCP port (0..65535)");
        IndexLocation where = solr.location(spec, this.index);
        String index = where.name();
        ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port);
        SearchService service;
        Clip.Options options = Clip.Options.defaults().withHalfWeights(half);
        if (where instanceof IndexLocation.Folder folder && !Files.isDirectory(folder.dir())) {
            throw new Clip4jException(index + ": no such index folder (--index)");
        }
        if (where instanceof IndexLocation.Folder folder && model == null && !half && textnessFile == null) {
            service = opener.apply(folder.dir());
        } else
            service = where.openService(model == null ? null : ModelRefs.resolve(spec, model), textnessFile, options);
        SearchServer server;
        try {
            service.warmUp(WARM_UP_BUDGET); // before the port opens: a health check passes only once warm
            server = new SearchServer(service, config).start();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        Thread hook = new Thread(
                () -> {
                    server.close(); // stops accepting, lets searches in flight finish
                    service.close();
                    PrintWriter status = output.json() ? err : out;
                    status.println("clip4j: stopped");
                    status.flush();
                },
                "clip4j-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("url", server.uri().toString());
            doc.put("images", service.size());
            doc.put("index", index.toString());
            OutputOptions.printJson(out, doc);
        } else {
            out.printf(
                    Locale.ROOT,
                    "clip4j: serving %d images from %s at %s (Ctrl-C to stop)%n",
                    service.size(),
                    index,
                    server.uri());
        }
        out.flush();
        server.join();
        return 0;
    }
}
