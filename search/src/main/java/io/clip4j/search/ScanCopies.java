package io.clip4j.search;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;

/**
 * The int8 scan copies of a store's segments, made on a segment's second exact scan: a one-shot {@code clip4j
 * search} scans once and pays nothing for a copy it would not reuse, while a server builds each copy once (about
 * the cost of two float scans) and then scans a quarter of the bytes. A segment's vectors never change (deletions
 * are live-docs bits, checked at scan time), so a copy lives as long as its segment core and is dropped when
 * Lucene closes it.
 */
final class ScanCopies {
    private static final class Slot {
        final AtomicInteger scans = new AtomicInteger();
        volatile Int8ScanCopy copy;
    }

    private final String field;
    private final ConcurrentHashMap<IndexReader.CacheKey, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;

    ScanCopies(String field) {
        this.field = field;
    }

    /** For tests and benchmarks: scan the float vectors always. */
    void setEnabled(boolean enabled) {
        this.enabled = enabled;
        if (!enabled) slots.clear();
    }

    /** The copy of this segment if one exists or this is its second scan; null = scan the float vectors. */
    Int8ScanCopy forScan(LeafReader leaf, FloatVectorValues fv) throws IOException {
        IndexReader.CacheHelper helper = leaf.getCoreCacheHelper();
        if (!enabled || helper == null || !Int8ScanCopy.fits(fv.size(), fv.dimension())) return null;
        IndexReader.CacheKey key = helper.getKey();
        Slot slot = slots.computeIfAbsent(key, k -> {
            helper.addClosedListener(slots::remove);
            return new Slot();
        });
        if (slot.copy == null && slot.scans.incrementAndGet() < 2) return null;
        synchronized (slot) {
            if (slot.copy == null) slot.copy = Int8ScanCopy.of(leaf.getFloatVectorValues(field));
            return slot.copy;
        }
    }

    /** Heap bytes held by the copies. */
    long bytes() {
        long b = 0;
        for (Slot s : slots.values()) {
            Int8ScanCopy c = s.copy;
            if (c != null) b += c.bytes();
        }
        return b;
    }
}
