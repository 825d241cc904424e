package io.clip4j.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Runs requests from concurrent callers in shared batches. A caller that finds no batch running leads one: it
 * takes everybody waiting (itself included), runs them as one batch, hands the lead to the oldest caller that
 * arrived meanwhile, and returns with its own answer. Nothing waits for a batch to fill, so a lone caller pays no
 * latency; and no caller runs batches for others after its own is answered, so under a steady stream of
 * requests each waits for at most the batch running when it arrived and its own (a leader that kept running
 * batches until nobody waited made its own caller wait for the whole stream: the 0.5 s p99 tail at 8 clients).
 * Worth it where a batch costs little more than one request: the text tower (its weights are streamed once per
 * batch) and the exact vector scan (the stored vectors are read once per batch and scored against every query).
 *
 * <p>If the batch function fails, each request of the batch is retried alone, so that one bad request fails only
 * its own caller.
 *
 * @param <I> a request
 * @param <O> its answer
 */
final class Coalescer<I, O> {
    /** One caller's request: waits until it is answered, or until it is handed the lead. */
    private static final class Request<I, O> {
        final I input;
        private boolean done, lead;
        private O answer;
        private Throwable failure;

        Request(I input) {
            this.input = input;
        }

        synchronized void complete(O answer) {
            this.answer = answer;
            done = true;
            notifyAll();
        }

        synchronized void fail(Throwable failure) {
            this.failure = failure;
            done = true;
            notifyAll();
        }

        synchronized void failIfPending() {
            if (!done) fail(new IllegalStateException("a shared batch ended without answering this request"));
        }

        synchronized void promote() {
            lead = true;
            notifyAll();
        }

        /** Waits until answered (true) or promoted to lead the next batch (false). */
        synchronized boolean awaitAnswerOrLead() throws InterruptedException {
            while (!done && !lead) wait();
            if (done) return true;
            lead = false;
            return false;
        }

        O answer() {
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error err) throw err;
            if (failure != null) throw new IllegalStateException(failure);
            return answer;
        }
    }

    private final Function<List<I>, List<O>> batch;
    private final ArrayDeque<Request<I, O>> waiting = new ArrayDeque<>();
    private boolean running;
    private final LongAdder batches = new LongAdder(), requests = new LongAdder();

    /** {@code batch} answers a list of requests in order. */
    Coalescer(Function<List<I>, List<O>> batch) {
        this.batch = batch;
    }

    O run(I input) {
        Request<I, O> mine = new Request<>(input);
        boolean lead;
        synchronized (this) {
            waiting.add(mine);
            lead = !running;
            if (lead) running = true;
        }
        boolean interrupted = false;
        // a thread leads at most one batch (its own request is always in it), so this loop ends with mine answered
        while (!lead) {
            try {
                if (mine.awaitAnswerOrLead()) break;
                lead = true;
            } catch (InterruptedException e) {
                interrupted = true; // the batch holding this request will answer it: keep waiting, re-flag after
            }
        }
        if (lead) leadOneBatch();
        if (interrupted) Thread.currentThread().interrupt();
        return mine.answer();
    }

    /** Answers everybody waiting, then hands the lead to the oldest later arrival (or stops running). */
    private void leadOneBatch() {
        List<Request<I, O>> next;
        synchronized (this) {
            next = new ArrayList<>(waiting);
            waiting.clear();
        }
        try {
            answer(next);
        } finally {
            for (Request<I, O> r : next) r.failIfPending(); // a batch that broke off: no caller waits forever
            synchronized (this) {
                Request<I, O> heir = waiting.peekFirst();
                if (heir == null) running = false;
                else heir.promote();
            }
        }
    }

    /** Batches run and requests answered so far. */
    SharedBatches stats() {
        return new SharedBatches(batches.sum(), requests.sum());
    }

    private void answer(List<Request<I, O>> requests) {
        this.batches.increment();
        this.requests.add(requests.size());
        List<I> inputs = new ArrayList<>(requests.size());
        for (Request<I, O> r : requests) inputs.add(r.input);
        List<O> out;
        try {
            out = batch.apply(inputs);
        } catch (RuntimeException | Error e) {
            if (requests.size() == 1) {
                requests.get(0).fail(e);
                return;
            }
            for (Request<I, O> r : requests) {
                try {
                    r.complete(batch.apply(List.of(r.input)).get(0));
                } catch (RuntimeException | Error e2) {
                    r.fail(e2);
                }
            }
            return;
        }
        for (int i = 0; i < requests.size(); i++) requests.get(i).complete(out.get(i));
    }
}
