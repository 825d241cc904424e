package io.clip4j.solr;

import static io.clip4j.solr.SolrSchema.F_HASH;
import static io.clip4j.solr.SolrSchema.F_KIND;
import static io.clip4j.solr.SolrSchema.F_META;
import static io.clip4j.solr.SolrSchema.F_MTIME;
import static io.clip4j.solr.SolrSchema.F_PATH;
import static io.clip4j.solr.SolrSchema.F_SIZE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import io.clip4j.search.ExactRanking;
import io.clip4j.search.ImageStore;
import io.clip4j.search.VectorStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CommonParams;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * A clip4j index in a SolrCloud collection: one document per image file (its path, size, mtime, content hash and
 * unit embedding in an HNSW dense-vector field, dot product) and one metadata document (the model that made the
 * vectors, their dimension, the folders indexed). The collection may have any number of shards and replicas.
 *
 * <p>Search has every shard score all its vectors (up to 200,000 images, as the embedded index) or propose its
 * nearest candidates ({@code {!knn}}, beyond), distributed by Solr, then re-scores the best exactly from the
 * stored vectors ({@link ExactRanking}): scores are exact cosines and ties go by path, as in the embedded index. Writes are buffered and sent in batches; {@link #commit} sends what is left, the
 * metadata, and a hard commit. Requests that fail because a node went away are retried while the cluster
 * recovers ({@link SolrCalls}).
 *
 * <p>Reading is thread-safe; writing is single-threaded (the indexer).
 */
public final class SolrImageStore implements ImageStore {
    static final String FORMAT = "clip4j-solr-1";
    static final String META_ID = "clip4j-meta", KIND_IMAGE = "image", KIND_META = "meta";
    /** Documents buffered before they are sent (about 2 kB each at 512 dims). */
    static final int SEND_EVERY = 500;
    /** Candidates beyond k that are re-scored exactly, as float scores may order near-ties wrongly. */
    static final int EXACT_MARGIN = 32;
    /** Page size of full scans (entries, exports). */
    static final int PAGE = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SolrTarget target;
    private final SolrClient client;
    private final SolrCalls calls;
    private final Meta meta;
    private final String vectorField;
    private final boolean writable;
    private volatile List<Path> roots, excludes;
    private boolean metaDirty;
    private volatile int minCandidates = 200;
    private volatile int exactLimit = VectorStore.EXACT_LIMIT;

    /** Writes not yet sent, by id: an add (with its vector) or a delete (null), the last one for each id. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private record Pending(Entry entry, float[] vector) {}

    private SolrImageStore(
            SolrTarget target,
            SolrClient client,
            SolrCalls calls,
            Meta meta,
            List<Path> roots,
            List<Path> excludes,
            boolean writable) {
        this.target = target;
        this.client = client;
        this.calls = calls;
        this.meta = meta;
        this.vectorField = SolrSchema.vectorField(meta.dim());
        this.roots = roots;
        this.excludes = excludes;
        this.writable = writable;
    }

    // ---- opening ----

    /**
     * Opens the collection for adding vectors of {@code model}, adding clip4j's fields to its schema if needed. A
     * collection indexed with another model is refused; so is int8 quantisation (the collection keeps float
     * vectors).
     */
    public static SolrImageStore openForWriting(SolrTarget target, ModelIdentity model, Quantization quantization) {
        if (quantization == Quantization.int8) {
            throw new Clip4jException(
                    "--quantize int8 is for the embedded index; a Solr collection keeps float vectors");
        }
        SolrClient client = connect(target);
        try {
            SolrCalls calls = new SolrCalls(target.toString(), SolrCalls.DEFAULT_RETRY_MS);
            requireCollection(client, calls, target);
            calls.retrying("cannot add clip4j's fields to the schema", () -> {
                SolrSchema.ensure(client, target.collection(), model.embedDim());
                return null;
            });
            Optional<SolrDocument> metaDoc = metaDocument(client, calls, target);
            SolrImageStore store;
            if (metaDoc.isPresent()) {
                store = fromMeta(target, client, calls, metaDoc.get(), true);
                ImageStore.checkModel(store.meta, model, target.toString());
            } else {
                store = new SolrImageStore(
                        target,
                        client,
                        calls,
                        new Meta(model, model.embedDim(), Quantization.none),
                        List.of(),
                        List.of(),
                        true);
                store.metaDirty = true;
                store.commit();
            }
            return store;
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    /** Opens a collection that clip4j indexed, for searching. */
    public static SolrImageStore openForReading(SolrTarget target) {
        SolrClient client = connect(target);
        try {
            SolrCalls calls = new SolrCalls(target.toString(), SolrCalls.DEFAULT_RETRY_MS);
            requireCollection(client, calls, target);
            SolrDocument doc = metaDocument(client, calls, target)
                    .orElseThrow(
                            () -> new Clip4jException(
                                    target
                                            + ": not a clip4j index yet (no clip4j metadata): index images into it with clip4j index --solr"));
            return fromMeta(target, client, calls, doc, false);
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    /** Whether the collection exists and holds clip4j's metadata (an index, possibly empty). */
    public static boolean isIndex(SolrTarget target) {
        SolrClient client = connect(target);
        try {
            SolrCalls calls = new SolrCalls(target.toString(), SolrCalls.DEFAULT_RETRY_MS);
            return collectionExists(client, calls, target)
                    && metaDocument(client, calls, target).isPresent();
        } finally {
            closeQuietly(client);
        }
    }

    /** Whether the collection exists (an index or not). */
    public static boolean collectionExists(SolrTarget target) {
        SolrClient client = connect(target);
        try {
            return collectionExists(client, new SolrCalls(target.toString(), SolrCalls.DEFAULT_RETRY_MS), target);
        } finally {
            closeQuietly(client);
        }
    }

    /** The first request of a store: not retried, so that a wrong or unreachable address fails at once. */
    private static boolean collectionExists(SolrClient client, SolrCalls calls, SolrTarget target) {
        return calls.once("cannot list collections", () -> CollectionAdminRequest.listCollections(client))
                .contains(target.collection());
    }

    /**
     * Creates the collection with {@code shards} shards of {@code replicas} replicas each from the configset
     * {@code configSet}, which must already be in the cluster (clip4j's, see the module's README, or {@code _default}).
     */
    public static void createCollection(SolrTarget target, String configSet, int shards, int replicas) {
        SolrClient client = connect(target);
        try {
            SolrCalls calls = new SolrCalls(target.toString(), SolrCalls.DEFAULT_RETRY_MS);
            calls.once("cannot create the collection", () -> {
                CollectionAdminRequest.Create create =
                        CollectionAdminRequest.createCollection(target.collection(), configSet, shards, replicas);
                create.setWaitForFinalState(true);
                create.process(client);
                return null;
            });
        } finally {
            closeQuietly(client);
        }
    }

    private static SolrClient connect(SolrTarget target) {
        try {
            return JdkCloudSolrClient.connect(target.urls());
        } catch (Exception e) {
            throw new Clip4jException(String.join(",", target.urls()) + ": " + SolrCalls.describe(e));
        }
    }

    private static void requireCollection(SolrClient client, SolrCalls calls, SolrTarget target) {
        if (!collectionExists(client, calls, target)) {
            throw new Clip4jException(
                    target + ": no such collection (create it first, or let clip4j index --shards N create it)");
        }
    }

    private static Optional<SolrDocument> metaDocument(SolrClient client, SolrCalls calls, SolrTarget target) {
        return Optional.ofNullable(
                calls.retrying("cannot read clip4j's metadata", () -> client.getById(target.collection(), META_ID)));
    }

    private static SolrImageStore fromMeta(
            SolrTarget target, SolrClient client, SolrCalls calls, SolrDocument doc, boolean writable) {
        String where = target.toString();
        try {
            JsonNode m = JSON.readTree(String.valueOf(doc.getFirstValue(F_META)));
            if (!FORMAT.equals(m.path("format").asText())) {
                throw new Clip4jException(where + ": unsupported clip4j metadata format '"
                        + m.path("format").asText() + "'");
            }
            ModelIdentity model = ModelIdentity.fromNode(m.get("model"), where);
            Meta meta = new Meta(
                    model,
                    m.get("dim").asInt(),
                    Quantization.valueOf(m.get("quantization").asText()));
            return new SolrImageStore(
                    target, client, calls, meta, paths(m.get("roots")), paths(m.get("excludes")), writable);
        } catch (IOException | RuntimeException e) {
            if (e instanceof Clip4jException c) throw c;
            throw new Clip4jException(where + ": corrupt clip4j metadata (" + SolrCalls.oneLine(e.getMessage()) + ")");
        }
    }

    private static List<Path> paths(JsonNode array) {
        List<Path> out = new ArrayList<>();
        if (array != null) for (JsonNode n : array) out.add(Path.of(n.asText()));
        return List.copyOf(out);
    }

    // ---- what the store records ----

    @Override
    public Meta meta() {
        return meta;
    }

    @Override
    public String location() {
        return target.toString();
    }

    public SolrTarget target() {
        return target;
    }

    @Override
    public List<Path> roots() {
        return roots;
    }

    @Override
    public List<Path> excludes() {
        return excludes;
    }

    @Override
    public void recordSources(List<Path> roots, List<Path> excludes) {
        requireWritable();
        this.roots = normalized(roots);
        this.excludes = normalized(excludes);
        metaDirty = true;
    }

    private static List<Path> normalized(List<Path> paths) {
        return paths.stream()
                .map(p -> p.toAbsolutePath().normalize())
                .distinct()
                .sorted()
                .toList();
    }

    /** For benchmarks: the fewest knn candidates asked of each shard per query (default 200). */
    public void setMinCandidates(int n) {
        this.minCandidates = n;
    }

    // ---- writing ----

    private void requireWritable() {
        if (!writable) throw new IllegalStateException("store opened for reading");
    }

    @Override
    public void put(Entry e, float[] unitVector) {
        requireWritable();
        if (unitVector.length != meta.dim()) {
            throw new IllegalArgumentException("vector has " + unitVector.length + " dims, index has " + meta.dim());
        }
        pending.remove(e.id()); // re-inserted last: the order of sending follows the order of writing
        pending.put(e.id(), new Pending(e, unitVector.clone()));
        if (pending.size() >= SEND_EVERY) send();
    }

    @Override
    public void delete(String path) {
        requireWritable();
        String id = ImageStore.idOf(path);
        pending.remove(id);
        pending.put(id, new Pending(null, null));
        if (pending.size() >= SEND_EVERY) send();
    }

    /** Sends the buffered writes (one request; an id appears once, so adds and deletes need no order). */
    private void send() {
        if (pending.isEmpty()) return;
        UpdateRequest req = new UpdateRequest();
        List<String> deletes = new ArrayList<>();
        for (Map.Entry<String, Pending> p : pending.entrySet()) {
            if (p.getValue().entry() == null) deletes.add(p.getKey());
            else req.add(document(p.getValue().entry(), p.getValue().vector()));
        }
        if (!deletes.isEmpty()) req.deleteById(deletes);
        calls.retrying("cannot send " + pending.size() + " updates", () -> req.process(client, target.collection()));
        pending.clear();
    }

    private SolrInputDocument document(Entry e, float[] v) {
        SolrInputDocument d = new SolrInputDocument();
        d.setField("id", e.id());
        d.setField(F_KIND, KIND_IMAGE);
        d.setField(F_PATH, e.path());
        d.setField(F_HASH, e.hash());
        d.setField(F_SIZE, e.size());
        d.setField(F_MTIME, e.mtime());
        List<Float> values = new ArrayList<>(v.length);
        for (float x : v) values.add(x);
        d.setField(vectorField, values);
        return d;
    }

    private SolrInputDocument metaDocument() {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        try {
            m.set("model", JSON.readTree(meta.model().toJson()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        m.put("dim", meta.dim());
        m.put("quantization", meta.quantization().name());
        ArrayNode r = m.putArray("roots"), x = m.putArray("excludes");
        roots.forEach(p -> r.add(p.toString()));
        excludes.forEach(p -> x.add(p.toString()));
        SolrInputDocument d = new SolrInputDocument();
        d.setField("id", META_ID);
        d.setField(F_KIND, KIND_META);
        d.setField(F_META, m.toString());
        return d;
    }

    /** Sends what is buffered and the metadata, then commits: durable on every replica and visible to searches. */
    @Override
    public void commit() {
        requireWritable();
        send();
        if (metaDirty) {
            SolrInputDocument m = metaDocument();
            calls.retrying("cannot write clip4j's metadata", () -> client.add(target.collection(), m));
            metaDirty = false;
        }
        calls.retrying("cannot commit", () -> client.commit(target.collection(), true, true));
    }

    // ---- reading ----

    @Override
    public int size() {
        SolrQuery q = new SolrQuery(F_KIND + ":" + KIND_IMAGE).setRows(0);
        return (int) query("cannot count images", q).getResults().getNumFound();
    }

    @Override
    public Map<String, Entry> entries() {
        Map<String, Entry> out = new HashMap<>();
        scan(false, (e, v) -> out.put(e.path(), e));
        return out;
    }

    @Override
    public void forEachVector(BiConsumer<Entry, float[]> action) {
        scan(true, action);
    }

    /** Every image document, sorted by path, in pages (a cursor: consistent while writes go on). */
    private void scan(boolean withVectors, BiConsumer<Entry, float[]> action) {
        String mark = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            SolrQuery q = new SolrQuery(F_KIND + ":" + KIND_IMAGE)
                    .setRows(PAGE)
                    .setSort(F_PATH, SolrQuery.ORDER.asc)
                    .addSort("id", SolrQuery.ORDER.asc);
            q.setFields(
                    withVectors
                            ? new String[] {"id", F_PATH, F_SIZE, F_MTIME, F_HASH, vectorField}
                            : new String[] {"id", F_PATH, F_SIZE, F_MTIME, F_HASH});
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, mark);
            QueryResponse r = query("cannot list images", q);
            for (SolrDocument d : r.getResults()) action.accept(entry(d), withVectors ? vector(d) : null);
            String next = r.getNextCursorMark();
            if (next == null || next.equals(mark)) return;
            mark = next;
        }
    }

    private QueryResponse query(String what, SolrQuery q) {
        // POST: a query vector is some kilobytes of text, more than some proxies take in a URL
        QueryRequest req = new QueryRequest(q, SolrRequest.METHOD.POST);
        return calls.retrying(what, () -> req.process(client, target.collection()));
    }

    private static Entry entry(SolrDocument d) {
        return new Entry(
                (String) d.getFirstValue("id"),
                (String) d.getFirstValue(F_PATH),
                ((Number) d.getFirstValue(F_SIZE)).longValue(),
                ((Number) d.getFirstValue(F_MTIME)).longValue(),
                (String) d.getFirstValue(F_HASH));
    }

    private float[] vector(SolrDocument d) {
        Collection<Object> values = d.getFieldValues(vectorField);
        if (values == null || values.size() != meta.dim()) {
            throw new Clip4jException(target + ": document " + d.getFirstValue("id") + " has no stored " + meta.dim()
                    + "-dim vector (field " + vectorField + " must be stored)");
        }
        float[] v = new float[values.size()];
        int i = 0;
        for (Object o : values) v[i++] = ((Number) o).floatValue();
        return v;
    }

    @Override
    public Optional<Entry> byId(String id) {
        return located(id).map(Located::entry);
    }

    @Override
    public Optional<float[]> vectorOfId(String id) {
        return located(id).map(Located::vector);
    }

    @Override
    public Optional<float[]> vectorOfPath(String path) {
        return located(ImageStore.idOf(path))
                .filter(l -> l.entry().path().equals(path))
                .map(Located::vector);
    }

    private record Located(Entry entry, float[] vector) {}

    /** A document by id, with its vector: what is buffered first, else a real-time get (sees the latest writes). */
    private Optional<Located> located(String id) {
        Pending p = writable ? pending.get(id) : null;
        if (p != null)
            return p.entry() == null
                    ? Optional.empty()
                    : Optional.of(new Located(p.entry(), p.vector().clone()));
        if (META_ID.equals(id)) return Optional.empty();
        ModifiableSolrParams fl = new ModifiableSolrParams();
        fl.set(
                CommonParams.FL,
                "id," + F_KIND + "," + F_PATH + "," + F_SIZE + "," + F_MTIME + "," + F_HASH + "," + vectorField);
        SolrDocument d =
                calls.retrying("cannot read document " + id, () -> client.getById(target.collection(), id, fl));
        if (d == null || !KIND_IMAGE.equals(d.getFirstValue(F_KIND))) return Optional.empty();
        return Optional.of(new Located(entry(d), vector(d)));
    }

    /**
     * The k best by exact cosine, best first, ties by path. Up to {@link #setExactLimit the exact limit} (as in the
     * embedded index, 200,000 images), every shard scores every one of its vectors ({@code vectorSimilarity}, a
     * function query: a brute-force scan inside Solr); beyond it, every shard proposes its nearest candidates from
     * its HNSW graph (oversampled well beyond k). Either way Solr merges the shards' answers by their float scores
     * and the best k + {@link #EXACT_MARGIN} come back with their stored vectors to be re-scored exactly: only those
     * few vectors travel, and a true top-k vector could only be left out if float rounding (~1e-7) moved it past
     * 32 others.
     */
    @Override
    public List<Scored> search(float[] unitQuery, int k, String excludeId) {
        if (unitQuery.length != meta.dim()) {
            throw new IllegalArgumentException("query has " + unitQuery.length + " dims, index has " + meta.dim());
        }
        int wanted = excludeId == null ? k : k + 1;
        SolrQuery q;
        if (knownSize() <= exactLimit) {
            // the two-argument vectorSimilarity: the field's own similarity (dot product) against a constant vector
            q = new SolrQuery("{!func}vectorSimilarity(" + vectorField + "," + vectorText(unitQuery) + ")");
            q.addFilterQuery(F_KIND + ":" + KIND_IMAGE);
            q.setRows(wanted + EXACT_MARGIN);
        } else {
            int n = candidatesFor(wanted);
            q = new SolrQuery("{!knn f=" + vectorField + " topK=" + n + "}" + vectorText(unitQuery));
            q.setRows(Math.min(n, wanted + EXACT_MARGIN));
        }
        q.setFields("id", F_PATH, vectorField);
        ExactRanking<String> ranking = new ExactRanking<>(k);
        for (SolrDocument d : query("cannot search", q).getResults()) {
            String id = (String) d.getFirstValue("id");
            if (id.equals(excludeId)) continue;
            ranking.offer(id, (String) d.getFirstValue(F_PATH), unitQuery, vector(d));
        }
        return ranking.best(Scored::new);
    }

    /**
     * The number of images, counted again when the last count is older than {@link #SIZE_TTL_NANOS}: which of the
     * two search paths a query takes follows the collection's size without a count per query.
     */
    private int knownSize() {
        long now = System.nanoTime();
        SizeReading r = sizeReading;
        if (r == null || now - r.at() > SIZE_TTL_NANOS) sizeReading = r = new SizeReading(size(), now);
        return r.size();
    }

    private record SizeReading(int size, long at) {}

    private static final long SIZE_TTL_NANOS = 10_000_000_000L;

    private volatile SizeReading sizeReading;

    /** For tests and benchmarks: the number of images up to which search scans every vector (default 200,000). */
    public void setExactLimit(int limit) {
        this.exactLimit = limit;
    }

    /** Candidates asked of each shard: oversampled beyond k, as graph search is approximate and re-scoring cheap. */
    int candidatesFor(int k) {
        return Math.max(minCandidates, 8 * k);
    }

    /** A vector as knn's query text; Float.toString round-trips exactly and ignores the locale. */
    static String vectorText(float[] v) {
        StringBuilder sb = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(Float.toString(v[i]));
        }
        return sb.append(']').toString();
    }

    /**
     * Drops the writes not yet sent and disconnects. (Solr cannot roll back: writes sent without a commit become
     * visible with the next commit. The indexer commits after each batch, so that is at most one batch.)
     */
    @Override
    public void close() {
        pending.clear();
        closeQuietly(client);
    }

    private static void closeQuietly(SolrClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException ignored) {
            // disconnecting cannot fail in a way the caller could act on
        }
    }
}
