package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.search.SearchService;
import io.clip4j.server.SearchServer;
import io.clip4j.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j serve}: the search web page and JSON API over an index folder. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves an image index over HTTP: a search page at /, and the JSON API",
                "GET /api/search?q=TEXT|like=ID[&k=N][&textness=T], POST /api/search (an image),",
                "GET /api/image/ID (thumbnail), GET /healthz, GET /metrics (Prometheus).",
                "Stops gracefully on Ctrl-C / SIGTERM."})
public final class ServeCommand implements Callable<Integer> {
    /**
     * Opens an index folder as a SearchService. A hook rather than a direct call so that the server can be built
     * and tested before (and independently of) the index implementation; tests replace it with a fake.
     */
    public static volatile Function<Path, SearchService> opener = ServeCommand::openIndex;

    @Spec CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
    Path index;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    /** The index folder's own model and textness direction (textness.json in the folder, if any). */
    static SearchService openIndex(Path dir) {
        return io.clip4j.search.ClipSearchService.open(dir, null, null, io.clip4j.api.Clip.Options.defaults());
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port);
        if (!Files.isDirectory(index)) throw new Clip4jException(index + ": no such index folder (--index)");
        SearchService service = opener.apply(index);
        SearchServer server;
        try {
            server = new SearchServer(service, config).start();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            server.close();        // stops accepting, lets searches in flight finish
            service.close();
            out.println("clip4j: stopped");
            out.flush();
        }, "clip4j-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("clip4j: serving %d images from %s at %s (Ctrl-C to stop)%n", service.size(), index, server.uri());
        out.flush();
        server.join();
        return 0;
    }
}
