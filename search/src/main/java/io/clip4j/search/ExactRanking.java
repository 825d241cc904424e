package io.clip4j.search;

import io.clip4j.search.ImageStore.Scored;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The ranking half of a store: keeps the best {@code k} of the candidates offered, scored exactly (the dot product
 * of unit vectors in double precision, free of float summation order), and returns them best first with equal
 * scores ordered by path, so that the order depends neither on segment or shard layout nor on the candidate
 * source. Not thread-safe: one per query.
 *
 * @param <R> what identifies a candidate to its store until the result is built (a Lucene doc, a Solr document)
 */
public final class ExactRanking<R> {
    private record Candidate<R>(R ref, String path, double score) {}

    private final int k;
    private final PriorityQueue<Candidate<R>> heap;
    private final Comparator<Candidate<R>> worstFirst;

    public ExactRanking(int k) {
        this.k = k;
        // worst first: the lowest score, and among equal scores the greatest path (the last in the final order)
        this.worstFirst = Comparator.<Candidate<R>>comparingDouble(Candidate::score)
                .thenComparing(Candidate::path, Comparator.reverseOrder());
        this.heap = new PriorityQueue<>(worstFirst);
    }

    /** Exact cosine of two unit vectors, in double precision. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dims");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Offers a candidate with its stored vector; it is kept if it is among the best {@code k} so far. */
    public void offer(R ref, String path, float[] query, float[] stored) {
        offerScored(ref, path, cosine(query, stored));
    }

    /** Offers a candidate whose exact score is already known. */
    public void offerScored(R ref, String path, double score) {
        if (k <= 0) return;
        Candidate<R> c = new Candidate<>(ref, path, score);
        if (heap.size() < k) heap.add(c);
        else if (worstFirst.compare(c, heap.peek()) > 0) {
            heap.poll();
            heap.add(c);
        }
    }

    /** What one kept candidate becomes in the result. */
    public interface Result<R> {
        Scored of(R ref, String path, float score);
    }

    /** The kept candidates, best first, ties by path. */
    public List<Scored> best(Result<R> result) {
        List<Candidate<R>> kept = new ArrayList<>(heap);
        kept.sort(worstFirst.reversed());
        List<Scored> out = new ArrayList<>(kept.size());
        for (Candidate<R> c : kept) out.add(result.of(c.ref(), c.path(), (float) c.score()));
        return out;
    }
}
