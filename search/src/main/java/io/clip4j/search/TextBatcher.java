package io.clip4j.search;

import io.clip4j.api.Clip;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Encodes texts from concurrent callers in shared forward passes. A short query barely uses the CPU but reads
 * every weight of the text tower; when several arrive together (a server under load), the first caller runs one
 * batch for everybody waiting, so the weights are streamed once per batch instead of once per query.
 */
final class TextBatcher {
    private record Request(List<String> texts, CompletableFuture<float[][]> done) {}

    private final Clip clip;
    private final List<Request> waiting = new ArrayList<>();
    private boolean running;

    TextBatcher(Clip clip) {
        this.clip = clip;
    }

    float[][] embed(List<String> texts) {
        Request mine = new Request(texts, new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = !running;
            if (lead) running = true;
        }
        if (lead) {
            // run batches until nobody is waiting; later arrivals join the next batch
            while (true) {
                List<Request> batch;
                synchronized (this) {
                    if (waiting.isEmpty()) {
                        running = false;
                        break;
                    }
                    batch = new ArrayList<>(waiting);
                    waiting.clear();
                }
                run(batch);
            }
        }
        try {
            return mine.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding a query", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run(List<Request> batch) {
        List<String> all = new ArrayList<>();
        for (Request r : batch) all.addAll(r.texts());
        float[][] vecs;
        try {
            vecs = clip.embedTexts(all);
        } catch (RuntimeException e) {
            // one bad text must not fail the others: fall back to one call each
            for (Request r : batch) {
                try {
                    r.done().complete(clip.embedTexts(r.texts()));
                } catch (RuntimeException e2) {
                    r.done().completeExceptionally(e2);
                }
            }
            return;
        }
        int i = 0;
        for (Request r : batch) {
            float[][] mine = new float[r.texts().size()][];
            for (int j = 0; j < mine.length; j++) mine[j] = vecs[i++];
            r.done().complete(mine);
        }
    }
}
