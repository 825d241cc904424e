package io.clip4j.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads for short parallel calls: the caller is member 0, {@code size - 1} daemon workers are
 * the others. A call publishes a job (a body over chunk indices, handed out through one atomic counter) by
 * bumping a generation number; workers spin on it for {@link #SPIN_NANOS} after each job, then park until
 * unparked. Spinning keeps the start of a call at well under a microsecond when calls come back to back (a
 * transformer layer makes five), parking keeps an idle team off the CPU.
 *
 * <p>One job at a time: a call that finds the team busy, or comes from inside a job, runs every chunk itself.
 */
final class ComputeTeam {
    private static final long SPIN_NANOS = Long.getLong("clip4j.spinMicros", 2000) * 1000;
    private static final ThreadLocal<Boolean> IN_JOB = ThreadLocal.withInitial(() -> false);

    private final int size;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final boolean[] parked;
    // the job: written by the caller before the volatile generation bump that publishes it
    private IntConsumer body;
    private int chunks, helpers;
    private boolean dynamic;
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean shutdown;

    ComputeTeam(int size) {
        this.size = size;
        workers = new Thread[size - 1];
        parked = new boolean[size - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            Thread t = new Thread(() -> workerLoop(index), "clip4j-compute-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int size() {
        return size;
    }

    /**
     * Runs body(c) for every c in [0, chunks) on up to {@code members} threads (the caller included). With
     * {@code dynamic} the chunks go to whoever is free; otherwise member m runs chunks m, m + members, ...:
     * waking a parked thread can take longer than a chunk on a VM, and a caller that took the sleeper's chunk
     * would leave it idle for the next call too.
     */
    void run(int members, int chunks, boolean dynamic, IntConsumer body) {
        if (members <= 1 || chunks <= 1 || shutdown || IN_JOB.get() || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) body.accept(c);
            return;
        }
        try {
            this.body = body;
            this.chunks = chunks;
            this.helpers = Math.min(members, size) - 1;
            this.dynamic = dynamic;
            failure = null;
            next.set(0);
            pending.set(helpers);
            generation++;  // publishes the job
            for (int i = 0; i < helpers; i++) {
                if (isParked(i)) LockSupport.unpark(workers[i]);
            }
            IN_JOB.set(true);
            try {
                work(0);
            } finally {
                IN_JOB.set(false);
            }
            while (pending.get() != 0) Thread.onSpinWait();
            Throwable f = failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        } finally {
            this.body = null;
            busy.set(false);
        }
    }

    private void work(int member) {
        IntConsumer b = body;
        int n = chunks;
        try {
            if (dynamic) {
                for (int c; (c = next.getAndIncrement()) < n; ) b.accept(c);
            } else {
                for (int c = member; c < n && next.get() < n; c += helpers + 1) b.accept(c);
            }
        } catch (Throwable t) {
            failure = t;
            next.set(n);  // the others stop taking chunks
        }
    }

    private void workerLoop(int index) {
        IN_JOB.set(true);
        // not the field's current value: a job published before this thread started must still be seen
        long seen = 0;
        while (true) {
            long g = awaitJob(index, seen);
            if (shutdown) return;
            seen = g;
            if (index < helpers) {
                try {
                    work(index + 1);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    /** Spins, then parks, until the generation moves past {@code seen} (or the team shuts down). */
    private long awaitJob(int index, long seen) {
        long start = System.nanoTime();
        long g;
        while ((g = generation) == seen && !shutdown) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            setParked(index, true);
            // re-check after announcing: a caller that bumped the generation before seeing the flag is caught here
            if (generation == seen && !shutdown) LockSupport.park(this);
            setParked(index, false);
        }
        return g;
    }

    private boolean isParked(int i) {
        synchronized (parked) {
            return parked[i];
        }
    }

    private void setParked(int i, boolean v) {
        synchronized (parked) {
            parked[i] = v;
        }
    }

    void shutdown() {
        shutdown = true;
        generation++;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
