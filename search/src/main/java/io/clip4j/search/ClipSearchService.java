package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.image.StoredPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SearchService} over an {@link ImageStore} and the model recorded in it. Safe for concurrent callers;
 * each query first picks up what an indexer has committed meanwhile.
 */
public final class ClipSearchService implements SearchService {
    private final Clip clip;
    private final boolean ownsClip;
    private final ImageStore store;
    private final TextnessDirection textness;
    private final QueryEmbedder embedder;
    private final Path queryBase;
    private final Coalescer<Scan, List<ImageStore.Scored>> scans = new Coalescer<>(this::scanTogether);

    /**
     * @param clip      the index's model (identity checked)
     * @param textness  may be null
     * @param queryBase folder that relative image paths in queries are resolved against
     */
    public ClipSearchService(
            Clip clip, boolean ownsClip, ImageStore store, TextnessDirection textness, Path queryBase) {
        ModelIdentity id = ModelIdentity.of(clip);
        ImageStore.checkModel(store.meta(), id, store.location());
        if (textness != null && !textness.model().sameModel(store.meta().model())) {
            throw new Clip4jException("textness direction was fitted with another model ("
                    + textness.model().path() + ")");
        }
        this.clip = clip;
        this.ownsClip = ownsClip;
        this.store = store;
        this.textness = textness;
        this.embedder = new QueryEmbedder(clip, textness);
        this.queryBase = queryBase;
    }

    /**
     * Opens an index with its recorded model (or {@code model}, which must be the same model) and its textness
     * direction ({@code textnessFile}, else the index folder's textness.json when present).
     */
    public static ClipSearchService open(Path indexDir, Path model, Path textnessFile, Clip.Options options) {
        VectorStore store = VectorStore.openForReading(indexDir);
        try {
            Path modelPath = model != null ? model : store.meta().model().modelPath();
            if (model == null && !Files.exists(modelPath)) {
                throw new Clip4jException(modelPath + ": model recorded in the index is gone; pass --model PATH");
            }
            Path tf = textnessFile != null ? textnessFile : indexDir.resolve(TextnessDirection.FILE_NAME);
            TextnessDirection textness =
                    textnessFile != null || Files.isRegularFile(tf) ? TextnessDirection.load(tf) : null;
            Clip clip = Clip.load(modelPath, options);
            try {
                return new ClipSearchService(
                        clip, true, store, textness, Path.of("").toAbsolutePath());
            } catch (RuntimeException e) {
                clip.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public Clip clip() {
        return clip;
    }

    public ImageStore store() {
        return store;
    }

    public Optional<TextnessDirection> textness() {
        return Optional.ofNullable(textness);
    }

    /** The unit query vector of a query in the CLI syntax. */
    public float[] queryVector(String query, float textnessScale) {
        return embedder.embed(QueryParser.parse(query, queryBase), textnessScale);
    }

    public float[] queryVector(List<QueryTerm> terms, float textnessScale) {
        return embedder.embed(terms, textnessScale);
    }

    public List<Hit> search(float[] unitQuery, int k) {
        store.refresh();
        return hits(scans.run(new Scan(unitQuery, checkK(k))));
    }

    /** One query of a shared scan. */
    private record Scan(float[] unitQuery, int k) {}

    /**
     * Concurrent searches share one pass over the stored vectors, at the largest k asked (a ranking's best k is
     * the prefix of its best k' > k: the order is total, by score then path).
     */
    private List<List<ImageStore.Scored>> scanTogether(List<Scan> scans) {
        int k = 0;
        List<float[]> queries = new ArrayList<>(scans.size());
        for (Scan s : scans) {
            k = Math.max(k, s.k());
            queries.add(s.unitQuery());
        }
        List<List<ImageStore.Scored>> all = store.searchAll(queries, k);
        List<List<ImageStore.Scored>> out = new ArrayList<>(scans.size());
        for (int i = 0; i < scans.size(); i++) {
            List<ImageStore.Scored> r = all.get(i);
            out.add(r.subList(0, Math.min(scans.get(i).k(), r.size())));
        }
        return out;
    }

    @Override
    public List<Hit> search(List<QueryTerm> terms, int k, float textness) {
        return search(queryVector(terms, textness), k);
    }

    @Override
    public List<Hit> searchByImage(byte[] encoded, String name, int k) {
        float[] v = clip.embedPixels(clip.preprocessor().preprocess(encoded, name), 1)[0];
        return search(Clip.normalize(v), k);
    }

    @Override
    public List<Hit> searchById(String id, int k) {
        store.refresh();
        Optional<float[]> v = store.vectorOfId(id);
        if (v.isEmpty()) return List.of();
        return hits(store.search(v.get(), checkK(k), id));
    }

    @Override
    public Optional<Path> pathOf(String id) {
        store.refresh();
        return store.byId(id).map(e -> StoredPaths.toPath(e.path()));
    }

    @Override
    public int size() {
        store.refresh();
        return store.size();
    }

    /** Batch sizes the warm-up runs: those a server under a few to a dozen concurrent clients makes. */
    private static final int[] WARM_BATCHES = {1, 2, 3, 4, 6, 8};

    /**
     * Encodes throw-away texts and scans the stored vectors with them at {@link #WARM_BATCHES} (three rounds, or
     * until {@code budget} is spent): the first batches of several queries otherwise run the encoder's and the
     * scan's multi-query paths before the JIT has compiled them (measured: the first requests of 8 concurrent
     * clients took ~0.5 s instead of ~70 ms), and the second scan builds the int8 scan copies. The query cache is
     * left untouched.
     */
    @Override
    public void warmUp(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        store.refresh();
        boolean scan = store.size() > 0; // asked once: a remote store's count is a request
        for (int round = 0; round < 3; round++) {
            for (int n : WARM_BATCHES) {
                if (System.nanoTime() > deadline) return;
                List<String> texts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) texts.add("a photo of thing " + (round * 10 + i));
                List<float[]> queries = new ArrayList<>(n);
                for (float[] v : clip.embedTexts(texts)) queries.add(Clip.normalize(v));
                if (scan) store.searchAll(queries, 10);
            }
        }
    }

    @Override
    public Map<String, SharedBatches> sharedBatches() {
        return Map.of("text", embedder.textBatches(), "scan", scans.stats());
    }

    @Override
    public boolean hasTextness() {
        return textness != null;
    }

    private static int checkK(int k) {
        if (k < 1) throw new Clip4jException("--top must be at least 1, got " + k);
        return k;
    }

    private static List<Hit> hits(List<ImageStore.Scored> scored) {
        return scored.stream()
                .map(s -> new Hit(s.id(), StoredPaths.toPath(s.path()), s.score()))
                .toList();
    }

    @Override
    public void close() {
        store.close();
        if (ownsClip) clip.close();
    }
}
