package io.clip4j.search;

import static io.clip4j.search.SearchCliTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.cli.CliRunner;
import io.clip4j.solr.SolrTestCluster;
import io.clip4j.testing.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * index, search and serve on a SolrCloud collection (a real 2-node cluster, 2 shards x 2 replicas), checked
 * against the same commands on an index folder: the same counts, incremental rules and results.
 */
class SolrCliTest {
    static final String VIT = SearchCliTest.VIT;

    @TempDir
    static Path tmp;

    static SolrTestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SolrTestCluster.start(2, tmp.resolve("cluster"), "1g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    static String[] onSolr(String collection, String... args) {
        String[] out = new String[args.length + 4];
        System.arraycopy(args, 0, out, 0, args.length);
        // options after the subcommand's own words; picocli takes them anywhere before "--"
        out[args.length] = "--solr";
        out[args.length + 1] = cluster.solrUrls();
        out[args.length + 2] = "--collection";
        out[args.length + 3] = collection;
        return out;
    }

    @Test
    void indexAndSearchOnSolrAgreeWithTheIndexFolder() throws Exception {
        Path images = tmp.resolve("images"), folder = tmp.resolve("index");
        List<Path> files = TestImages.shapeFolder(images, 8, 7, 40);

        JsonNode first = ok(onSolr(
                        "photos",
                        "index",
                        "--model",
                        VIT,
                        "--shards",
                        "2",
                        "--replicas",
                        "2",
                        "--configset",
                        SolrTestCluster.CONFIGSET,
                        "--format",
                        "json",
                        images.toString()))
                .json();
        SearchCliTest.assertCounts(first, 8, 0, 0, 0, 0);
        assertEquals(
                first,
                ok("index", "--model", VIT, "--index", folder.toString(), "--format", "json", images.toString())
                        .json());
        assertSameResults("photos", "a red circle");

        // a move, a copy and a deletion, then a bare re-index of the recorded folders
        Path moved = images.resolve("deeper/moved.png");
        Files.createDirectories(moved.getParent());
        Files.move(files.get(0), moved);
        Files.copy(files.get(1), images.resolve("copy.png"));
        Files.delete(files.get(2));
        JsonNode again = ok(onSolr("photos", "index", "--format", "json")).json();
        SearchCliTest.assertCounts(again, 1, 0, 1, 7, 0); // the moved file counts as unchanged
        assertEquals(
                again,
                ok("index", "--index", folder.toString(), "--format", "json").json());
        assertSameResults("photos", "a blue square");
        String text = ok(onSolr("photos", "index")).out();
        assertTrue(text.startsWith("collection photos at http://127.0.0.1:"), text);
        assertTrue(text.contains("nothing to embed") && text.strip().endsWith("8 images indexed"), text);

        // the export is the folder index's, row for row
        ok(onSolr(
                "photos", "index", "export", "--out", tmp.resolve("export-solr").toString()));
        ok(
                "index",
                "export",
                "--index",
                folder.toString(),
                "--out",
                tmp.resolve("export-folder").toString());
        for (String f : List.of("metadata/metadata_0.csv", "img_emb/img_emb_0.npy")) {
            assertEquals(
                    -1L,
                    Files.mismatch(
                            tmp.resolve("export-solr").resolve(f),
                            tmp.resolve("export-folder").resolve(f)),
                    f);
        }

        // the export imported into a new collection (index import --solr): the folder's results, score for score
        JsonNode imported = ok(onSolr(
                        "imported",
                        "index",
                        "import",
                        "--from",
                        tmp.resolve("export-folder").toString(),
                        "--model",
                        VIT,
                        "--shards",
                        "2",
                        "--configset",
                        SolrTestCluster.CONFIGSET,
                        "--format",
                        "json"))
                .json();
        assertEquals("clip-retrieval", imported.get("layout").asText());
        assertEquals(8, imported.get("imported").asInt());
        assertEquals(8, imported.get("images").asInt());
        assertTrue(imported.get("index").asText().startsWith("collection imported at "), imported.toString());
        assertSameResults("imported", "a blue square");
        assertSameResults("imported", "a red circle");

        // the image itself comes first for a query by image, with the exact cosine 1
        JsonNode byImage = ok(onSolr("photos", "search", "--format", "json", "--top", "1", moved.toString()))
                .json()
                .get("results");
        assertEquals(moved.toString(), byImage.get(0).get("path").asText());
        assertEquals(1.0, byImage.get(0).get("score").asDouble(), 1e-5);
    }

    private static void assertSameResults(String collection, String query) {
        JsonNode solr = ok(onSolr(collection, "search", "--format", "json", "--top", "8", query))
                .json();
        JsonNode lucene = ok(
                        "search", "--index", tmp.resolve("index").toString(), "--format", "json", "--top", "8", query)
                .json();
        assertEquals(lucene.get("results").size(), solr.get("results").size());
        for (int i = 0; i < solr.get("results").size(); i++) {
            JsonNode s = solr.get("results").get(i), l = lucene.get("results").get(i);
            int rank = i + 1;
            assertEquals(
                    l.get("path"),
                    s.get("path"),
                    () -> "rank " + rank + " for '" + query + "':\n" + solr + "\n" + lucene);
            assertEquals(l.get("score").asDouble(), s.get("score").asDouble(), 1e-6);
        }
    }

    @Test
    void errorsAreOneLine() throws Exception {
        Path images = tmp.resolve("few");
        TestImages.shapeFolder(images, 2, 9, 32);
        CliRunner missing = CliRunner.run(onSolr("nosuch", "search", "cat"));
        assertEquals(1, missing.code(), missing.err());
        assertTrue(
                missing.err().contains("collection nosuch at ") && missing.err().contains("no such collection"),
                missing.err());
        assertEquals(1, missing.err().strip().split("\n").length, missing.err());

        CliRunner uncreated = CliRunner.run(onSolr("fresh", "index", "--model", VIT, images.toString()));
        assertEquals(1, uncreated.code(), uncreated.err());
        assertTrue(uncreated.err().contains("--shards"), uncreated.err());

        CliRunner down = CliRunner.run("search", "--solr", "http://127.0.0.1:1/solr", "--collection", "x", "cat");
        assertEquals(1, down.code(), down.err());
        assertEquals(
                "clip4j: collection x at http://127.0.0.1:1/solr: cannot reach Solr (no node answered)",
                down.err().strip());

        CliRunner.run("index", "--shards", "2", images.toString()).assertUsageError("--shards");
        CliRunner.run("search", "--solr", cluster.solrUrls(), "cat").assertUsageError("--collection");
        CliRunner.run("search", "--index", tmp.toString(), "--solr", cluster.solrUrls(), "--collection", "x", "cat")
                .assertUsageError("--index and --solr");
    }

    @Test
    void serveOnSolrAnswersTheSearchApi() throws Exception {
        Path images = tmp.resolve("served");
        TestImages.shapeFolder(images, 5, 11, 40);
        ok(onSolr(
                "served",
                "index",
                "--model",
                VIT,
                "--shards",
                "1",
                "--configset",
                SolrTestCluster.CONFIGSET,
                images.toString()));
        // a collection has no folder for textness.json: the direction is fitted to a file and given to serve
        Path with = tmp.resolve("with-text"),
                without = tmp.resolve("without-text"),
                direction = tmp.resolve("textness.json");
        for (int i = 0; i < 12; i++) {
            TestImages.png(TestImages.words(i, 48), with.resolve("w" + i + ".png"));
            TestImages.png(TestImages.shapes(i, 48), without.resolve("s" + i + ".png"));
        }
        ok(
                "textness",
                "fit",
                "--model",
                VIT,
                "--with-text",
                with.toString(),
                "--without-text",
                without.toString(),
                "--out",
                direction.toString());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = tmp.resolve("serve-stderr.txt");
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.clip4j.cli.Main",
                        "serve",
                        "--solr",
                        cluster.solrUrls(),
                        "--collection",
                        "served",
                        "--port",
                        "0",
                        "--format",
                        "json",
                        "--textness-file",
                        direction.toString())
                .redirectError(stderr.toFile())
                .start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture.runAsync(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (Exception ignored) {
                    // the child ended
                }
            });
            String first = lines.poll(120, TimeUnit.SECONDS);
            assertNotNull(first, () -> "no start-up line; stderr:\n" + read(stderr));
            JsonNode started = Fixtures.JSON.readTree(first);
            assertEquals(5, started.get("images").asInt(), first);
            assertTrue(started.get("index").asText().startsWith("collection served at "), first);

            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create(started.get("url").asText());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve(
                                    "api/search?k=3&q=" + URLEncoder.encode("a red circle", StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode results = Fixtures.JSON.readTree(r.body()).get("results");
            assertEquals(3, results.size(), r.body());
            String id = results.get(0).get("id").asText();
            HttpResponse<String> like = http.send(
                    HttpRequest.newBuilder(base.resolve("api/search?k=10&like=" + id))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, like.statusCode(), like.body());
            assertEquals(
                    4,
                    Fixtures.JSON.readTree(like.body()).get("results").size(),
                    "all but the image itself: " + like.body());
            assertTrue(
                    Fixtures.JSON
                            .readTree(http.send(
                                            HttpRequest.newBuilder(base.resolve("healthz"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .get("textness")
                            .asBoolean(),
                    "the direction is loaded");
            HttpResponse<String> wordy = http.send(
                    HttpRequest.newBuilder(base.resolve("api/search?k=3&textness=2&q="
                                    + URLEncoder.encode("a red circle", StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, wordy.statusCode(), wordy.body());
            assertEquals(3, Fixtures.JSON.readTree(wordy.body()).get("results").size(), wordy.body());
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(base.resolve("api/image/" + id))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            assertFalse(read(stderr).contains("\tat "), "no stack trace: " + read(stderr));
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
