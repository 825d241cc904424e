package io.clip4j.search;

import io.clip4j.kernels.Kernels;
import io.clip4j.search.ImageStore.Scored;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * The ranking half of {@link VectorStore}: over one searcher's snapshot of the index, the exact top k (a scan of
 * every stored vector, from the segments' int8 copies where there are any) and the approximate one (HNSW
 * candidates), both re-scored exactly from the stored float vectors (ties by path, {@link ExactRanking}).
 * Queries are unit vectors of the index's dimension (the store checks).
 */
final class LuceneRanking {
    /** Int8 blocks scored per kernel call in the exact scan: 128 vectors' scores per query, a few KB that stay in L1. */
    private static final int SCAN_BLOCKS = 8;

    private static final Set<String> ID_AND_PATH = Set.of(VectorStore.F_ID, VectorStore.F_PATH);

    private final int dim;
    private final ScanCopies scanCopies;
    /** The index folder, for error messages. */
    private final String where;

    LuceneRanking(int dim, ScanCopies scanCopies, String where) {
        this.dim = dim;
        this.scanCopies = scanCopies;
        this.where = where;
    }

    /** HNSW candidate count: oversampled well beyond k, as graph search is approximate and re-scoring is cheap. */
    static int candidatesFor(int k) {
        return Math.max(200, 8 * k);
    }

    List<Scored> exact(IndexSearcher s, float[] q, int k, String excludeId) throws IOException {
        int excludeDoc = excludeId == null ? -1 : docOf(s, new Term(VectorStore.F_ID, excludeId));
        return exactAll(s, List.of(q), k, excludeDoc).get(0);
    }

    /**
     * Every stored vector scored against every query, each vector read from memory once (then from L1 for the
     * other queries): from the segment's int8 copy when it has one ({@link ScanCopies}), else the float vectors
     * (Lucene's Panama-backed VectorUtil). Each score is known within a bound (the int8 residual, or float
     * rounding); {@link BoundedTopK} keeps every vector that could be in the exact top k, and those are re-scored
     * exactly: the ranking is the exact one. {@code excludeDoc} (-1 for none) is left out of every ranking.
     */
    List<List<Scored>> exactAll(IndexSearcher s, List<float[]> queries, int k, int excludeDoc) throws IOException {
        int m = queries.size();
        float[][] qs = queries.toArray(new float[0][]);
        float[] norms = new float[m];
        BoundedTopK[] tops = new BoundedTopK[m];
        for (int i = 0; i < m; i++) {
            norms[i] = Math.nextUp((float) Math.sqrt(VectorUtil.dotProduct(qs[i], qs[i])) * (1 + 0x1p-20f));
            tops[i] = new BoundedTopK(k);
        }
        float floatRounding = dim * 0x1p-23f;
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
            FloatVectorValues fv = ctx.reader().getFloatVectorValues(VectorStore.F_VEC);
            if (fv == null) continue;
            Bits live = ctx.reader().getLiveDocs();
            Int8ScanCopy copy = scanCopies.forScan(ctx.reader(), fv);
            if (copy != null) {
                float[] approx = new float[m * SCAN_BLOCKS * Kernels.INT8_BLOCK];
                for (int b = 0; b < copy.blocks(); b += SCAN_BLOCKS) {
                    int count = Math.min(SCAN_BLOCKS, copy.blocks() - b), first = b * Kernels.INT8_BLOCK;
                    int end = Math.min(copy.size(), first + count * Kernels.INT8_BLOCK),
                            stride = count * Kernels.INT8_BLOCK;
                    copy.approximate(qs, b, count, approx);
                    for (int o = first; o < end; o++) {
                        int doc = copy.doc(o);
                        if (live != null && !live.get(doc) || ctx.docBase + doc == excludeDoc) continue;
                        float bound = copy.bound(o);
                        for (int i = 0; i < m; i++)
                            tops[i].offer(ctx.docBase + doc, approx[i * stride + o - first], bound * norms[i]);
                    }
                }
                continue;
            }
            KnnVectorValues.DocIndexIterator it = fv.iterator();
            for (int doc = it.nextDoc(); doc != KnnVectorValues.DocIndexIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live != null && !live.get(doc) || ctx.docBase + doc == excludeDoc) continue;
                float[] v = fv.vectorValue(it.index());
                for (int i = 0; i < m; i++)
                    tops[i].offer(ctx.docBase + doc, VectorUtil.dotProduct(qs[i], v), floatRounding * norms[i]);
            }
        }
        List<List<Scored>> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int[] docs = tops[i].candidates();
            out.add(rescore(s, qs[i], k, docs, docs.length));
        }
        return out;
    }

    List<Scored> approximate(IndexSearcher s, float[] q, int k, int candidates, String excludeId) throws IOException {
        int excludeDoc = excludeId == null ? -1 : docOf(s, new Term(VectorStore.F_ID, excludeId));
        int n = Math.max(candidates, k + 1);
        TopDocs td = s.search(new KnnFloatVectorQuery(VectorStore.F_VEC, q, n), n);
        int[] docs = new int[td.scoreDocs.length];
        int m = 0;
        for (ScoreDoc sd : td.scoreDocs) if (sd.doc != excludeDoc) docs[m++] = sd.doc;
        Arrays.sort(docs, 0, m);
        return rescore(s, q, k, docs, m);
    }

    /** The first {@code m} of {@code docs} (ascending) scored exactly from their stored vectors; the best k. */
    private List<Scored> rescore(IndexSearcher s, float[] q, int k, int[] docs, int m) throws IOException {
        ExactRanking<String> best = new ExactRanking<>(k);
        StoredFields sf = s.storedFields();
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        int leafIdx = -1;
        FloatVectorValues fv = null;
        KnnVectorValues.DocIndexIterator it = null;
        for (int i = 0; i < m; i++) {
            int doc = docs[i];
            int li = ReaderUtil.subIndex(doc, leaves);
            if (li != leafIdx) {
                leafIdx = li;
                fv = leaves.get(li).reader().getFloatVectorValues(VectorStore.F_VEC);
                it = fv.iterator();
            }
            int local = doc - leaves.get(li).docBase;
            if (it.advance(local) != local) throw new CorruptIndexException("document without vector", where);
            Document d = sf.document(doc, ID_AND_PATH);
            best.offer(d.get(VectorStore.F_ID), d.get(VectorStore.F_PATH), q, fv.vectorValue(it.index()));
        }
        return best.best(Scored::new);
    }

    private static int docOf(IndexSearcher s, Term t) throws IOException {
        TopDocs td = s.search(new TermQuery(t), 1);
        return td.scoreDocs.length == 0 ? -1 : td.scoreDocs[0].doc;
    }
}
