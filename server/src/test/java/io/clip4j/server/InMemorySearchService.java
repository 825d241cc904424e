package io.clip4j.server;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.search.QueryTerm;
import io.clip4j.search.SearchService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the real index in tests: unit vectors in memory, exact cosine search, queries embedded with a
 * real {@link Clip} model (the text terms joined into one text: weights and signs are the real service's business).
 * Records what the server asked of it.
 */
final class InMemorySearchService implements SearchService {
    private final Clip clip;
    private final List<String> ids;
    private final List<Path> paths;
    private final float[][] vectors;
    private final Map<String, Integer> byId = new HashMap<>();
    private final float[] textDirection; // null: no textness
    volatile Hook beforeSearch = q -> {};
    final ConcurrentLinkedQueue<String> pathOfCalls = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Float> textnessSeen = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<List<QueryTerm>> termsSeen = new ConcurrentLinkedQueue<>();
    final AtomicInteger closed = new AtomicInteger();

    interface Hook {
        void run(String query) throws InterruptedException;
    }

    InMemorySearchService(Clip clip, List<String> ids, List<Path> paths, float[][] vectors, float[] textDirection) {
        this.clip = clip;
        this.ids = List.copyOf(ids);
        this.paths = List.copyOf(paths);
        this.vectors = vectors;
        this.textDirection = textDirection;
        for (int i = 0; i < ids.size(); i++) byId.put(ids.get(i), i);
    }

    /** Indexes image files with ids img-0, img-1...; textness along the embedding of the word "text". */
    static InMemorySearchService ofImages(Clip clip, List<Path> files, boolean withTextness) {
        float[][] v = clip.embedImages(files);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) ids.add("img-" + i);
        return new InMemorySearchService(clip, ids, files, v, withTextness ? clip.embedText("text") : null);
    }

    /** n random unit vectors (seeded) under made-up paths: the load test's index. */
    static InMemorySearchService random(Clip clip, int n, long seed) {
        Random rnd = new Random(seed);
        int d = clip.embedDim();
        float[][] v = new float[n][d];
        List<String> ids = new ArrayList<>(n);
        List<Path> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) v[i][j] = (float) rnd.nextGaussian();
            v[i] = Clip.normalize(v[i]);
            ids.add(Integer.toHexString(0x100000 + i));
            paths.add(Path.of("/photos/" + i + ".jpg"));
        }
        return new InMemorySearchService(clip, ids, paths, v, clip.embedText("text"));
    }

    float[] vector(String id) {
        return vectors[byId.get(id)];
    }

    @Override
    public List<Hit> search(List<QueryTerm> terms, int k, float textness) {
        if (terms.stream().anyMatch(QueryTerm::isImage))
            throw new IllegalStateException("image term reached the service: " + terms);
        termsSeen.add(terms);
        String query = String.join(" ", terms.stream().map(QueryTerm::text).toList());
        try {
            beforeSearch.run(query);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (textness != 0 && textDirection == null) throw new Clip4jException("textness: no textness direction");
        textnessSeen.add(textness);
        float[] q = clip.embedText(query);
        if (textness != 0) {
            float[] t = q.clone();
            for (int i = 0; i < t.length; i++) t[i] += textness * textDirection[i];
            q = Clip.normalize(t);
        }
        return top(q, k);
    }

    @Override
    public List<Hit> searchByImage(byte[] encoded, String name, int k) {
        float[] pixels = clip.preprocessor().preprocess(encoded, name); // throws Clip4jException for non-images
        return top(clip.embedPixels(pixels, 1)[0], k);
    }

    @Override
    public List<Hit> searchById(String id, int k) {
        Integer i = byId.get(id);
        return i == null ? List.of() : top(vectors[i], k);
    }

    @Override
    public Optional<Path> pathOf(String id) {
        pathOfCalls.add(id);
        Integer i = byId.get(id);
        return i == null ? Optional.empty() : Optional.of(paths.get(i));
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public boolean hasTextness() {
        return textDirection != null;
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }

    /** Exact top-k by cosine (vectors are unit length), best first; ties by index for determinism. */
    List<Hit> top(float[] q, int k) {
        record Scored(int index, float score) {}
        PriorityQueue<Scored> heap = new PriorityQueue<>(
                k + 1,
                (a, b) -> a.score != b.score ? Float.compare(a.score, b.score) : Integer.compare(b.index, a.index));
        for (int i = 0; i < vectors.length; i++) {
            float[] v = vectors[i];
            float s = 0;
            for (int j = 0; j < v.length; j++) s += v[j] * q[j];
            if (heap.size() < k) heap.add(new Scored(i, s));
            else if (s > heap.peek().score) {
                heap.poll();
                heap.add(new Scored(i, s));
            }
        }
        List<Hit> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            Scored s = heap.poll();
            out.add(new Hit(ids.get(s.index), paths.get(s.index), s.score));
        }
        Collections.reverse(out);
        return out;
    }
}
