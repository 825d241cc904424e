package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import io.clip4j.cli.ServeCommandAccess;
import io.clip4j.image.StoredPaths;
import io.clip4j.search.ImageStore;
import io.clip4j.search.SearchService;
import io.clip4j.search.VectorStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux file names are bytes: names that are not UTF-8 (issue 14) are indexed under a path that turns back into
 * the same file, so their thumbnails are served; two such names that print alike stay two entries.
 */
class NonUtf8NamesTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();

    /** A file in {@code dir} whose name is {@code prefix}, the raw byte {@code b}, then ".png". */
    static Path rawName(Path dir, String prefix, int b) {
        return Path.of(
                URI.create(dir.toAbsolutePath().toUri() + prefix + String.format(Locale.ROOT, "%%%02X", b) + ".png"));
    }

    @Test
    void filesWithNonUtf8NamesAreIndexedAndServed(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("photos"));
        Path ff = rawName(images, "caf", 0xFF), fe = rawName(images, "caf", 0xFE);
        try {
            Files.copy(TestCheckpoints.resource("image/chelsea.png"), ff);
            Files.copy(TestCheckpoints.resource("image/coffee.png"), fe);
        } catch (IOException | RuntimeException e) {
            assumeTrue(false, "this file system does not take non-UTF-8 names: " + e);
        }
        Files.copy(TestCheckpoints.resource("image/rocket.jpg"), images.resolve("rocket.jpg"));
        // the JVM prints both names alike: a stored toString() would neither round-trip nor keep them apart
        assertEquals(ff.toString(), fe.toString());
        assertNotEquals(ff, Path.of(ff.toString()));
        assertEquals(ff, StoredPaths.toPath(StoredPaths.of(ff)));
        assertEquals(
                images.resolve("rocket.jpg").toAbsolutePath().toString(), StoredPaths.of(images.resolve("rocket.jpg")));

        Path index = tmp.resolve("index");
        CliRunner built = CliRunner.run(
                "index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString());
        assertEquals(0, built.code(), built.err());
        assertEquals(3, built.json().get("added").asInt(), built.out());
        try (VectorStore store = VectorStore.openForReading(index)) {
            Map<String, VectorStore.Entry> entries = store.entries();
            assertEquals(3, entries.size(), entries.keySet().toString());
            assertTrue(
                    entries.containsKey(StoredPaths.of(ff)) && entries.containsKey(StoredPaths.of(fe)),
                    entries.keySet().toString());
        }
        // a second run finds nothing changed: the stored paths name the files found again
        CliRunner again = CliRunner.run(
                "index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString());
        assertEquals(3, again.json().get("unchanged").asInt(), again.out());

        try (SearchService service = ServeCommandAccess.open(index);
                SearchServer server =
                        new SearchServer(service, ServerConfig.defaults().withPort(0)).start()) {
            Http http = new Http(server.uri());
            for (Path f : new Path[] {ff, fe}) {
                String id = ImageStore.idOf(StoredPaths.of(f));
                assertEquals(f, service.pathOf(id).orElseThrow());
                HttpResponse<byte[]> thumb = http.get("api/image/" + id);
                assertEquals(200, thumb.statusCode(), () -> Http.text(thumb));
                assertEquals(
                        "image/jpeg", thumb.headers().firstValue("content-type").orElse(""));
            }
        }
    }
}
