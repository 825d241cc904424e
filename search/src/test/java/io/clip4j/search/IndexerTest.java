package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.checkpoint.TestCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The indexer and the search service through the Java API. */
class IndexerTest {
    static final Path VIT = TestCheckpoints.resource("models/vit-tiny");

    @TempDir
    Path tmp;

    @Test
    void movedAndCopiedFilesAreNotEmbeddedAgain() throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        List<Path> files = TestImages.shapeFolder(images, 6, 21, 40);
        try (Clip clip = Clip.load(VIT)) {
            ModelIdentity id = ModelIdentity.of(clip);
            float[] before;
            try (VectorStore store = VectorStore.openForWriting(index, id, null)) {
                IndexStats s = new Indexer(clip, store, 4).run(List.of(images), IndexProgress.NONE);
                assertEquals(6, s.added());
                assertEquals(6, s.embedded());
                before = store.vectorOfPath(files.get(0).toString()).orElseThrow();
            }
            Path moved = images.resolve("deeper/moved.png");
            Files.createDirectories(moved.getParent());
            Files.move(files.get(0), moved);
            Files.copy(files.get(1), images.resolve("copy.png"));
            try (VectorStore store = VectorStore.openForWriting(index, id, null)) {
                IndexStats s = new Indexer(clip, store, 4).run(List.of(images), IndexProgress.NONE);
                assertEquals(
                        List.of(1, 0, 0, 6, 0, 0, 1),
                        List.of(
                                s.added(),
                                s.updated(),
                                s.removed(),
                                s.unchanged(),
                                s.failed(),
                                s.embedded(),
                                s.moved()),
                        s.toString());
                assertArrayEquals(before, store.vectorOfPath(moved.toString()).orElseThrow());
                assertTrue(store.vectorOfPath(files.get(0).toString()).isEmpty());
                assertEquals(7, store.size());
            }
        }
    }

    @Test
    void searchServiceAnswersByQueryImageAndId() throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        List<Path> files = TestImages.shapeFolder(images, 5, 22, 40);
        try (Clip clip = Clip.load(VIT)) {
            try (VectorStore store = VectorStore.openForWriting(index, ModelIdentity.of(clip), null)) {
                new Indexer(clip, store, 16).run(List.of(images), IndexProgress.NONE);
            }
        }
        try (ClipSearchService service = ClipSearchService.open(index, null, null, Clip.Options.defaults())) {
            assertEquals(5, service.size());
            assertFalse(service.hasTextness());

            List<SearchService.Hit> byImage = service.searchByImage(Files.readAllBytes(files.get(2)), "upload.png", 3);
            assertEquals(3, byImage.size());
            assertEquals(files.get(2), byImage.get(0).path());
            assertEquals(1.0, byImage.get(0).score(), 1e-5);

            String id = byImage.get(0).id();
            assertEquals(files.get(2), service.pathOf(id).orElseThrow());
            List<SearchService.Hit> similar = service.searchById(id, 10);
            assertEquals(4, similar.size(), "all but the image itself");
            assertTrue(similar.stream().noneMatch(h -> h.id().equals(id)));
            for (int i = 1; i < similar.size(); i++)
                assertTrue(similar.get(i - 1).score() >= similar.get(i).score());
            assertTrue(service.searchById("0123456789abcdef", 3).isEmpty());
            assertTrue(service.pathOf("0123456789abcdef").isEmpty());

            List<SearchService.Hit> text = service.search(QueryParser.parse("a blue square", tmp), 2, 0);
            assertEquals(2, text.size());
        }
    }

    @Test
    void searcherSeesWhatAnIndexerCommitsLater() throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, 2, 23, 32);
        try (Clip clip = Clip.load(VIT)) {
            ModelIdentity id = ModelIdentity.of(clip);
            try (VectorStore store = VectorStore.openForWriting(index, id, null)) {
                new Indexer(clip, store, 16).run(List.of(images), IndexProgress.NONE);
            }
            try (ClipSearchService service =
                    new ClipSearchService(clip, false, VectorStore.openForReading(index), null, tmp)) {
                assertEquals(2, service.size());
                TestImages.png(TestImages.words(3, 32), images.resolve("late.png"));
                try (VectorStore store = VectorStore.openForWriting(index, id, null)) {
                    new Indexer(clip, store, 16).run(List.of(images), IndexProgress.NONE);
                }
                assertEquals(3, service.size());
                assertEquals(
                        3, service.search(QueryParser.parse("late", tmp), 10, 0).size());
            }
        }
    }

    @Test
    void warmUpChangesNoAnswerAndNoCounter() throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, 7, 24, 32);
        try (Clip clip = Clip.load(VIT)) {
            try (VectorStore store = VectorStore.openForWriting(index, ModelIdentity.of(clip), null)) {
                new Indexer(clip, store, 16).run(List.of(images), IndexProgress.NONE);
            }
        }
        List<SearchService.Hit> cold, warm;
        try (ClipSearchService service = ClipSearchService.open(index, null, null, Clip.Options.defaults())) {
            service.warmUp(Duration.ZERO);
            cold = service.search(QueryParser.parse("a green circle", tmp), 5, 0);
        }
        try (ClipSearchService service = ClipSearchService.open(index, null, null, Clip.Options.defaults())) {
            service.warmUp(Duration.ofSeconds(30));
            assertEquals(
                    Map.of("text", new SharedBatches(0, 0), "scan", new SharedBatches(0, 0)),
                    service.sharedBatches(),
                    "warm-up batches bypass the shared-batch counters");
            warm = service.search(QueryParser.parse("a green circle", tmp), 5, 0);
            assertEquals(
                    Map.of("text", new SharedBatches(1, 1), "scan", new SharedBatches(1, 1)), service.sharedBatches());
        }
        assertEquals(5, cold.size());
        assertEquals(cold, warm);
    }
}
