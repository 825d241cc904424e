package io.clip4j.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A partition's rows mapped a chunk at a time, lazily: only one chunk of input rows (with their image bytes) is
 * held at once, however large the partition.
 */
final class Chunks {
    private Chunks() {}

    static <T, R> Iterator<R> map(Iterator<T> in, int chunkSize, Function<List<T>, List<R>> f) {
        return new Iterator<>() {
            private Iterator<R> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && in.hasNext()) {
                    List<T> chunk = new ArrayList<>(chunkSize);
                    while (chunk.size() < chunkSize && in.hasNext()) chunk.add(in.next());
                    current = f.apply(chunk).iterator();
                }
                return current.hasNext();
            }

            @Override
            public R next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
    }
}
