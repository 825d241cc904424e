package io.clip4j.server;

import io.clip4j.api.Clip;
import io.clip4j.testing.Fixtures;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Load generator for {@code clip4j serve} (measures, asserts nothing): an in-process server over an in-memory
 * index of N random unit vectors (exact search) with the real vit-tiny text encoder, and C concurrent clients
 * sending text queries over HTTP on 127.0.0.1 (keep-alive, one HttpClient each). Bounded: a fixed number of
 * requests per client and a time cap. Run with scripts/bench-serve [N] [CLIENTS] [REQUESTS_PER_CLIENT].
 */
public final class ServeLoadGenerator {
    static final List<String> QUERIES = List.of(
            "a photo of a cat",
            "a dog on the beach",
            "sunset over the sea",
            "a red car",
            "people at a wedding",
            "a bowl of soup",
            "mountains with snow",
            "a city at night",
            "a child playing football",
            "a screenshot of a spreadsheet",
            "a cup of coffee",
            "a rocket launch",
            "an astronaut",
            "a black and white portrait",
            "fireworks",
            "a bicycle leaning on a wall");

    private ServeLoadGenerator() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        Path model = args.length > 3 ? Path.of(args[3]) : Fixtures.resource("models/vit-tiny");
        Clip clip = Clip.load(model);
        InMemorySearchService service = InMemorySearchService.random(clip, n, 42);
        try (SearchServer server =
                new SearchServer(service, ServerConfig.defaults().withPort(0)).start()) {
            URI base = server.uri();
            System.out.printf(
                    Locale.ROOT,
                    "index: %d random %d-d vectors (exact search), text encoder %s, %d cores%n",
                    n,
                    clip.embedDim(),
                    model,
                    Runtime.getRuntime().availableProcessors());
            ServeLoadClient.run(
                    base, clients, Math.max(20, perClient / 5), 20, ServeLoadGenerator::fixedQuery, "warm-up");
            ServeLoadClient.run(base, 1, perClient, 20, ServeLoadGenerator::fixedQuery, "1 client");
            ServeLoadClient.run(base, clients, perClient, 20, ServeLoadGenerator::fixedQuery, clients + " clients");
        } finally {
            clip.close();
        }
    }

    /** Client c's i-th query: the 16 fixed queries in turn (this tool's service has no query cache). */
    static String fixedQuery(int client, int i) {
        return QUERIES.get((client * 7 + i) % QUERIES.size());
    }
}
