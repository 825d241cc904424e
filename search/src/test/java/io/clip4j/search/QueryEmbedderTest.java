package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clip4j.api.Clip;
import io.clip4j.checkpoint.TestCheckpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class QueryEmbedderTest {
    @Test
    void repeatedQueriesGiveTheSameVectorsAsTheModel() {
        try (Clip clip = Clip.load(TestCheckpoints.resource("models/vit-tiny"))) {
            QueryEmbedder e = new QueryEmbedder(clip, null);
            Path base = Path.of(".");
            float[] first = e.embed(QueryParser.parse("a cat - a dog", base), 0f);
            first[0] += 100f; // a caller scribbling on its result must not poison later queries
            float[] again = e.embed(QueryParser.parse("a cat - a dog", base), 0f);
            float[] fresh = new QueryEmbedder(clip, null).embed(QueryParser.parse("a cat - a dog", base), 0f);
            assertArrayEquals(fresh, again, 0f);
            float[] cat = clip.embedText("a cat"), dog = clip.embedText("a dog");
            float[] diff = new float[cat.length];
            for (int i = 0; i < diff.length; i++) diff[i] = cat[i] - dog[i];
            assertArrayEquals(Clip.normalize(diff), again, 1e-5f);
            assertEquals(1.0, norm(again), 1e-5);
        }
    }

    @Test
    void concurrentQueriesSharingBatchesGetTheirOwnAnswers() throws Exception {
        try (Clip clip = Clip.load(TestCheckpoints.resource("models/vit-tiny"))) {
            QueryEmbedder e = new QueryEmbedder(clip, null);
            String[] queries = new String[24];
            for (int i = 0; i < queries.length; i++)
                queries[i] = "query number " + i + (i % 3 == 0 ? " with more words in it" : "");
            var pool = Executors.newFixedThreadPool(8);
            try {
                var futures = new ArrayList<Future<float[]>>();
                for (String q : queries)
                    futures.add(pool.submit(() -> e.embed(QueryParser.parse(q, Path.of(".")), 0f)));
                for (int i = 0; i < queries.length; i++) {
                    assertArrayEquals(clip.embedText(queries[i]), futures.get(i).get(), 1e-5f, queries[i]);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return Math.sqrt(s);
    }
}
