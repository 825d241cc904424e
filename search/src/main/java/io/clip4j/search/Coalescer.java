package io.clip4j.search;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Runs requests from concurrent callers in shared batches: the first caller runs one batch for everybody waiting,
 * and keeps running batches until nobody waits; later arrivals join the next batch. Nothing waits for a batch to
 * fill, so a lone caller pays no latency. Worth it where a batch costs little more than one request: the text
 * tower (its weights are streamed once per batch) and the exact vector scan (the stored vectors are read once per
 * batch and scored against every query in it).
 *
 * <p>If the batch function fails, each request of the batch is retried alone, so that one bad request fails only
 * its own caller.
 *
 * @param <I> a request
 * @param <O> its answer
 */
final class Coalescer<I, O> {
    private record Request<I, O>(I input, CompletableFuture<O> done) {}

    private final Function<List<I>, List<O>> batch;
    private final List<Request<I, O>> waiting = new ArrayList<>();
    private boolean running;

    /** {@code batch} answers a list of requests in order. */
    Coalescer(Function<List<I>, List<O>> batch) {
        this.batch = batch;
    }

    O run(I input) {
        Request<I, O> mine = new Request<>(input, new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = !running;
            if (lead) running = true;
        }
        if (lead) {
            while (true) {
                List<Request<I, O>> next;
                synchronized (this) {
                    if (waiting.isEmpty()) {
                        running = false;
                        break;
                    }
                    next = new ArrayList<>(waiting);
                    waiting.clear();
                }
                answer(next);
            }
        }
        try {
            return mine.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a shared batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void answer(List<Request<I, O>> requests) {
        List<I> inputs = new ArrayList<>(requests.size());
        for (Request<I, O> r : requests) inputs.add(r.input());
        List<O> out;
        try {
            out = batch.apply(inputs);
        } catch (RuntimeException | Error e) {
            if (requests.size() == 1) {
                requests.get(0).done().completeExceptionally(e);
                return;
            }
            for (Request<I, O> r : requests) {
                try {
                    r.done().complete(batch.apply(List.of(r.input())).get(0));
                } catch (RuntimeException | Error e2) {
                    r.done().completeExceptionally(e2);
                }
            }
            return;
        }
        for (int i = 0; i < requests.size(); i++) requests.get(i).done().complete(out.get(i));
    }
}
