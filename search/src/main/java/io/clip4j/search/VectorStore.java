package io.clip4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * The Lucene index behind {@code clip4j index/search}: one document per image file with its unit embedding in
 * an HNSW graph (dot product = cosine on unit vectors), plus the file's size, mtime and content hash for
 * incremental updates. The model identity, dimension and quantisation live in the commit's user data, so they
 * change atomically with the vectors.
 *
 * <p>Search returns exact cosine scores computed from the stored float vectors: small collections are scanned
 * exhaustively (so the ranking is the exact one), large ones take an oversampled HNSW candidate set that is then
 * re-scored exactly. Reading is thread-safe; writing is single-threaded (the indexer).
 */
public final class VectorStore implements ImageStore {

    static final String F_PATH = "path",
            F_ID = "id",
            F_HASH = "hash",
            F_SIZE = "size",
            F_MTIME = "mtime",
            F_VEC = "vec";
    static final String K_FORMAT = "clip4j.format",
            K_MODEL = "clip4j.model",
            K_DIM = "clip4j.dim",
            K_QUANT = "clip4j.quantization";
    /** The folders indexed into the store and those left out (JSON arrays of absolute paths), for a bare re-index. */
    static final String K_ROOTS = "clip4j.roots", K_EXCLUDES = "clip4j.excludes";

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String FORMAT = "clip4j-index-1";

    /** Lucene logs its SIMD choice at INFO on first use; the CLI keeps stderr for progress and errors. Held
     *  strongly, as java.util.logging forgets configured loggers that nothing references. */
    private static final Logger LUCENE_VECTORIZATION_LOG = quiet("org.apache.lucene.internal.vectorization");

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.WARNING);
        return l;
    }

    /**
     * Up to this many images every query is scored against every vector, so rankings are exact; beyond it HNSW
     * proposes candidates. The scan streams a segment's int8 copy (a quarter of the float bytes; 100k x 512 in
     * ~11 ms on one core of a 5 GB/s machine, against ~40 ms for the floats) and re-scores exactly only the
     * vectors whose error bound could still reach the top k (see {@link BoundedTopK}).
     */
    public static final int EXACT_LIMIT = 200_000;
    /** HNSW graph parameters: generous, as recall matters more than index size here. */
    static final int HNSW_M = 16, HNSW_BEAM = 100;

    /** How a folder becomes a Lucene Directory; the disk-full test wraps it in one that runs out of space. */
    static volatile DirectoryOpener opener = FSDirectory::open;

    interface DirectoryOpener {
        Directory open(Path dir) throws IOException;
    }

    private final Path dir;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Meta meta;
    /** The user data of the commit opened (reading) or of the next commit (writing). */
    private final Map<String, String> commitData;

    private volatile int exactLimit = EXACT_LIMIT;
    private final ScanCopies scanCopies = new ScanCopies(F_VEC);
    private final LuceneRanking ranking;

    private VectorStore(
            Path dir,
            Directory directory,
            IndexWriter writer,
            SearcherManager searchers,
            Meta meta,
            Map<String, String> commitData) {
        this.commitData = new LinkedHashMap<>(commitData);
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.meta = meta;
        this.ranking = new LuceneRanking(meta.dim(), scanCopies, dir.toString());
    }

    /** The per-user default index folder: $XDG_DATA_HOME/clip4j/index or ~/.local/share/clip4j/index. */
    public static Path defaultLocation() {
        return defaultLocation(System.getenv());
    }

    /** As {@link #defaultLocation()} with these environment variables. */
    public static Path defaultLocation(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("clip4j").resolve("index");
    }

    // ---- opening ----

    /**
     * Opens (or creates) a store for adding vectors of {@code model}. A store made by another model is refused.
     *
     * @param quantization null = as recorded (new stores: none); otherwise must agree with an existing store
     */
    public static VectorStore openForWriting(Path dir, ModelIdentity model, Quantization quantization) {
        String where = dir.toString();
        try {
            Files.createDirectories(dir);
            Directory d = opener.open(dir);
            try {
                boolean exists = DirectoryReader.indexExists(d);
                if (!exists) requireOnlyLuceneFiles(dir);
                Map<String, String> data = new LinkedHashMap<>(exists ? userData(d) : Map.of());
                Meta meta;
                if (exists) {
                    meta = readMeta(d, where);
                    ImageStore.checkModel(meta, model, where);
                    if (quantization != null && quantization != meta.quantization()) {
                        throw new Clip4jException(where + ": index was created with --quantize " + meta.quantization()
                                + "; cannot switch to " + quantization + " (use a new --index folder)");
                    }
                } else {
                    meta = new Meta(model, model.embedDim(), quantization == null ? Quantization.none : quantization);
                }
                IndexWriterConfig cfg = new IndexWriterConfig()
                        .setCodec(codec(meta.quantization()))
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                        .setRAMBufferSizeMB(64)
                        .setCommitOnClose(false)
                        .setMergeScheduler(new QuietMergeScheduler());
                IndexWriter w = new IndexWriter(d, cfg);
                data.put(K_FORMAT, FORMAT);
                data.put(K_MODEL, meta.model().toJson());
                data.put(K_DIM, Integer.toString(meta.dim()));
                data.put(K_QUANT, meta.quantization().name());
                w.setLiveCommitData(data.entrySet());
                if (!exists) w.commit();
                return new VectorStore(dir, d, w, new SearcherManager(w, null), meta, data);
            } catch (RuntimeException | IOException e) {
                d.close();
                throw e;
            }
        } catch (IOException e) {
            throw translate(e, where);
        }
    }

    /** Opens an existing store for searching; it sees what other processes commit after {@link #refresh}. */
    public static VectorStore openForReading(Path dir) {
        String where = dir.toString();
        if (!Files.isDirectory(dir)) throw new Clip4jException(where + ": no index here (create it with clip4j index)");
        try {
            Directory d = FSDirectory.open(dir);
            try {
                if (!DirectoryReader.indexExists(d))
                    throw new Clip4jException(where + ": not a clip4j index (no index files)");
                Meta meta = readMeta(d, where);
                return new VectorStore(dir, d, null, new SearcherManager(d, null), meta, userData(d));
            } catch (RuntimeException | IOException e) {
                d.close();
                throw e;
            }
        } catch (IOException e) {
            throw translate(e, where);
        }
    }

    private static void requireOnlyLuceneFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> foreign = files.filter(p -> {
                        String n = p.getFileName().toString();
                        return !(n.equals("write.lock")
                                || n.startsWith("_")
                                || n.startsWith("pending_segments")
                                || n.equals(TextnessDirection.FILE_NAME));
                    })
                    .findFirst();
            if (foreign.isPresent()) {
                throw new Clip4jException(dir + ": not a clip4j index (folder holds other files, e.g. "
                        + foreign.get().getFileName() + ")");
            }
        }
    }

    private static Map<String, String> userData(Directory d) throws IOException {
        try (DirectoryReader r = DirectoryReader.open(d)) {
            return r.getIndexCommit().getUserData();
        }
    }

    private static Meta readMeta(Directory d, String where) throws IOException {
        Map<String, String> data = userData(d);
        if (!FORMAT.equals(data.get(K_FORMAT)))
            throw new Clip4jException(where + ": not a clip4j index (Lucene index of another program)");
        ModelIdentity model = ModelIdentity.fromJson(data.get(K_MODEL), where);
        try {
            return new Meta(model, Integer.parseInt(data.get(K_DIM)), Quantization.valueOf(data.get(K_QUANT)));
        } catch (RuntimeException e) {
            throw new Clip4jException(where + ": corrupt index metadata");
        }
    }

    static Clip4jException translate(IOException e, String where) {
        if (DiskFull.causedBy(e)) return DiskFull.error(where);
        if (e instanceof LockObtainFailedException)
            return new Clip4jException(where + ": index is being written by another process");
        if (e instanceof CorruptIndexException
                || e instanceof EOFException
                || e instanceof NoSuchFileException
                || e instanceof FileSystemException && !(e instanceof AccessDeniedException)) {
            return new Clip4jException(where + ": corrupt index (" + oneLine(e.getMessage()) + ")");
        }
        if (e instanceof IndexFormatTooNewException || e instanceof IndexFormatTooOldException) {
            return new Clip4jException(where + ": unsupported index format (" + oneLine(e.getMessage()) + ")");
        }
        return new Clip4jException(where + ": cannot use index: " + oneLine(e.getMessage()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }

    private static Lucene103Codec codec(Quantization q) {
        KnnVectorsFormat format = q == Quantization.int8
                ? new Lucene99HnswScalarQuantizedVectorsFormat(HNSW_M, HNSW_BEAM)
                : new Lucene99HnswVectorsFormat(HNSW_M, HNSW_BEAM);
        return new Lucene103Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    public Meta meta() {
        return meta;
    }

    /** The folders (or files) indexed into this store so far, absolute; empty for a store that never recorded them. */
    public List<Path> roots() {
        return paths(K_ROOTS);
    }

    /** The folders left out of indexing ({@code clip4j index --exclude}), absolute. */
    public List<Path> excludes() {
        return paths(K_EXCLUDES);
    }

    /** Records the indexed folders and exclusions with the next {@link #commit}. */
    public void recordSources(List<Path> roots, List<Path> excludes) {
        commitData.put(K_ROOTS, pathsJson(roots));
        commitData.put(K_EXCLUDES, pathsJson(excludes));
        writer().setLiveCommitData(commitData.entrySet());
    }

    private List<Path> paths(String key) {
        String json = commitData.get(key);
        if (json == null) return List.of();
        try {
            List<Path> out = new ArrayList<>();
            for (var n : JSON.readTree(json)) out.add(Path.of(n.asText()));
            return out;
        } catch (IOException | RuntimeException e) {
            throw new Clip4jException(dir + ": corrupt index metadata (" + key + ")");
        }
    }

    private static String pathsJson(List<Path> paths) {
        try {
            return JSON.writeValueAsString(paths.stream()
                    .map(p -> p.toAbsolutePath().normalize().toString())
                    .distinct()
                    .sorted()
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    /**
     * Memory for documents not yet flushed (default 64 MB, what an indexer that commits every batch needs). A bulk
     * load (an import of a million vectors) gives more: each flush makes a segment with its own HNSW graph, and
     * fewer, larger segments mean fewer graph merges (the graph of the largest segment is kept and the others
     * are inserted into it).
     */
    public void setRamBufferMB(double mb) {
        writer().getConfig().setRAMBufferSizeMB(mb);
    }

    /** For tests and benchmarks: the size up to which queries are answered by an exact scan. */
    public void setExactLimit(int limit) {
        this.exactLimit = limit;
    }

    /** For tests and benchmarks: whether exact scans may use int8 copies of the vectors (default yes). */
    public void setScanCopies(boolean enabled) {
        scanCopies.setEnabled(enabled);
    }

    /** Heap bytes held by the int8 scan copies (made on a segment's second exact scan). */
    public long scanCopyBytes() {
        return scanCopies.bytes();
    }

    // ---- writing ----

    private IndexWriter writer() {
        if (writer == null) throw new IllegalStateException("store opened for reading");
        return writer;
    }

    /** Adds or replaces the document of {@code e.path()}. */
    public void put(Entry e, float[] unitVector) {
        if (unitVector.length != meta.dim()) {
            throw new IllegalArgumentException("vector has " + unitVector.length + " dims, index has " + meta.dim());
        }
        Document doc = new Document();
        doc.add(new StringField(F_PATH, e.path(), Field.Store.YES));
        doc.add(new StringField(F_ID, e.id(), Field.Store.YES));
        doc.add(new StoredField(F_HASH, e.hash()));
        doc.add(new StoredField(F_SIZE, e.size()));
        doc.add(new StoredField(F_MTIME, e.mtime()));
        doc.add(new KnnFloatVectorField(F_VEC, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer().updateDocument(new Term(F_PATH, e.path()), doc);
        } catch (IOException ex) {
            throw translate(ex, dir.toString());
        } catch (RuntimeException ex) {
            throw DiskFull.orRethrow(ex, dir.toString());
        }
    }

    public void delete(String path) {
        try {
            writer().deleteDocuments(new Term(F_PATH, path));
        } catch (IOException ex) {
            throw translate(ex, dir.toString());
        } catch (RuntimeException ex) {
            throw DiskFull.orRethrow(ex, dir.toString());
        }
    }

    /** Makes everything so far durable and visible (atomically), then refreshes this store's view. */
    public void commit() {
        try {
            writer().commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException ex) {
            throw translate(ex, dir.toString());
        } catch (RuntimeException ex) {
            // a writer that hit a full disk (in a merge, say) is closed: later calls throw AlreadyClosedException
            throw DiskFull.orRethrow(ex, dir.toString());
        }
    }

    /** Sees the latest commit (reading) or the latest writes (writing). Cheap when nothing changed. */
    @Override
    public void refresh() {
        try {
            if (writer != null) searchers.maybeRefreshBlocking();
            else searchers.maybeRefresh();
        } catch (IOException ex) {
            throw translate(ex, dir.toString());
        }
    }

    // ---- reading ----

    private interface SearcherWork<T> {
        T apply(IndexSearcher s) throws IOException;
    }

    private <T> T withSearcher(SearcherWork<T> work) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return work.apply(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException ex) {
            throw translate(ex, dir.toString());
        }
    }

    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    /** Every indexed file by path. */
    public Map<String, Entry> entries() {
        return withSearcher(s -> {
            Map<String, Entry> out = new HashMap<>();
            for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
                LeafReader leaf = ctx.reader();
                Bits live = leaf.getLiveDocs();
                StoredFields sf = leaf.storedFields();
                for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) continue;
                    Entry e = entry(sf.document(doc));
                    out.put(e.path(), e);
                }
            }
            return out;
        });
    }

    /** Every indexed file with (a copy of) its vector, sorted by path: for exports. */
    public void forEachVector(BiConsumer<Entry, float[]> action) {
        List<Map.Entry<Entry, float[]>> all = withSearcher(s -> {
            List<Map.Entry<Entry, float[]>> out = new ArrayList<>();
            for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
                LeafReader leaf = ctx.reader();
                Bits live = leaf.getLiveDocs();
                StoredFields sf = leaf.storedFields();
                FloatVectorValues fv = leaf.getFloatVectorValues(F_VEC);
                if (fv == null) continue;
                KnnVectorValues.DocIndexIterator it = fv.iterator();
                for (int doc = it.nextDoc(); doc != KnnVectorValues.DocIndexIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    out.add(Map.entry(
                            entry(sf.document(doc)), fv.vectorValue(it.index()).clone()));
                }
            }
            return out;
        });
        all.sort(Comparator.comparing(e -> e.getKey().path()));
        for (Map.Entry<Entry, float[]> e : all) action.accept(e.getKey(), e.getValue());
    }

    private static Entry entry(Document d) {
        return new Entry(
                d.get(F_ID),
                d.get(F_PATH),
                d.getField(F_SIZE).numericValue().longValue(),
                d.getField(F_MTIME).numericValue().longValue(),
                d.get(F_HASH));
    }

    public Optional<Entry> byId(String id) {
        return findOne(new Term(F_ID, id)).map(Located::entry);
    }

    public Optional<Entry> byPath(String path) {
        return findOne(new Term(F_PATH, path)).map(Located::entry);
    }

    /** The stored vector of an indexed path (a copy), or empty. */
    public Optional<float[]> vectorOfPath(String path) {
        return findOne(new Term(F_PATH, path)).map(Located::vector);
    }

    public Optional<float[]> vectorOfId(String id) {
        return findOne(new Term(F_ID, id)).map(Located::vector);
    }

    private record Located(Entry entry, float[] vector) {}

    private Optional<Located> findOne(Term t) {
        return withSearcher(s -> {
            TopDocs td = s.search(new TermQuery(t), 1);
            if (td.scoreDocs.length == 0) return Optional.empty();
            int doc = td.scoreDocs[0].doc;
            List<LeafReaderContext> leaves = s.getIndexReader().leaves();
            LeafReaderContext ctx = leaves.get(ReaderUtil.subIndex(doc, leaves));
            int local = doc - ctx.docBase;
            Entry e = entry(ctx.reader().storedFields().document(local));
            FloatVectorValues fv = ctx.reader().getFloatVectorValues(F_VEC);
            KnnVectorValues.DocIndexIterator it = fv.iterator();
            if (it.advance(local) != local) throw new CorruptIndexException("document without vector", dir.toString());
            return Optional.of(new Located(e, fv.vectorValue(it.index()).clone()));
        });
    }

    /**
     * The k best by cosine, best first (ties by path), leaving out {@code excludeId} unless null: an exact scan for
     * small stores, HNSW candidates re-scored exactly otherwise.
     */
    @Override
    public List<Scored> search(float[] unitQuery, int k, String excludeId) {
        int wanted = excludeId == null ? k : k + 1;
        return withSearcher(s -> {
            int n = s.getIndexReader().numDocs();
            checkDim(unitQuery);
            if (n <= exactLimit || wanted * 4L >= n) return ranking.exact(s, unitQuery, k, excludeId);
            return ranking.approximate(s, unitQuery, k, LuceneRanking.candidatesFor(wanted), excludeId);
        });
    }

    /**
     * Several queries in one pass: up to the exact limit, the stored vectors are read once and scored against every
     * query (a scan is bound by memory traffic, so a batch of queries costs little more than one).
     */
    @Override
    public List<List<Scored>> searchAll(List<float[]> unitQueries, int k) {
        return withSearcher(s -> {
            int n = s.getIndexReader().numDocs();
            List<List<Scored>> out = new ArrayList<>(unitQueries.size());
            unitQueries.forEach(this::checkDim);
            if (n <= exactLimit || k * 4L >= n) return ranking.exactAll(s, unitQueries, k, -1);
            for (float[] q : unitQueries) out.add(ranking.approximate(s, q, k, LuceneRanking.candidatesFor(k), null));
            return out;
        });
    }

    /** Exhaustive scan (the reference ranking). {@code excludeId} may be null. */
    public List<Scored> exactSearch(float[] unitQuery, int k, String excludeId) {
        checkDim(unitQuery);
        return withSearcher(s -> ranking.exact(s, unitQuery, k, excludeId));
    }

    /** HNSW with {@code candidates} nearest candidates re-scored exactly. {@code excludeId} may be null. */
    public List<Scored> approximateSearch(float[] unitQuery, int k, int candidates, String excludeId) {
        checkDim(unitQuery);
        return withSearcher(s -> ranking.approximate(s, unitQuery, k, candidates, excludeId));
    }

    private void checkDim(float[] q) {
        if (q.length != meta.dim())
            throw new IllegalArgumentException("query has " + q.length + " dims, index has " + meta.dim());
    }

    @Override
    public void close() {
        try {
            searchers.close();
            if (writer != null) writer.rollback(); // uncommitted work is dropped, as after a crash
            directory.close();
        } catch (IOException e) {
            throw translate(e, dir.toString());
        } catch (RuntimeException e) {
            throw DiskFull.orRethrow(e, dir.toString());
        }
    }
}
