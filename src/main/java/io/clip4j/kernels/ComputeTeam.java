package io.clip4j.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads for short parallel calls: the caller is member 0, {@code size - 1} daemon workers are
 * the others. A call publishes a {@link Job} (a body over chunk indices, handed out through one atomic counter);
 * workers spin on the job reference for {@link #SPIN_NANOS} after each job, then park until unparked. Spinning
 * keeps the start of a call at well under a microsecond when calls come back to back (a transformer layer
 * makes five), parking keeps an idle team off the CPU.
 *
 * <p>The caller waits for the job's chunks, not for the workers: waking a parked thread can take longer than the
 * whole call on a VM, and then the caller simply runs every chunk itself; a worker that arrives late finds
 * nothing left to take.
 *
 * <p>One job at a time: a call that finds the team busy, or comes from inside a job, runs every chunk itself.
 */
final class ComputeTeam {
    private static final long SPIN_NANOS = Long.getLong("clip4j.spinMicros", 2000) * 1000;
    private static final ThreadLocal<Boolean> IN_JOB = ThreadLocal.withInitial(() -> false);

    /** One call's work; its counters are its own, so a late worker can never touch the next call's chunks. */
    private static final class Job {
        final IntConsumer body;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int chunks) {
            this.body = body;
            this.chunks = chunks;
        }

        /** Takes and runs chunks until none is left. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) body.accept(c);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final int size;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final boolean[] parked;
    private volatile Job job;
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

    /** Runs body(c) for every c in [0, chunks), each chunk on whichever thread of the team (the caller included) is free. */
    void run(int chunks, IntConsumer body) {
        if (size <= 1 || chunks <= 1 || shutdown || IN_JOB.get() || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) body.accept(c);
            return;
        }
        try {
            Job j = new Job(body, chunks);
            job = j;  // publishes it
            int helpers = Math.min(size - 1, chunks - 1);  // no use waking more workers than there are chunks
            for (int i = 0; i < helpers; i++) {
                if (isParked(i)) LockSupport.unpark(workers[i]);
            }
            IN_JOB.set(true);
            try {
                j.work();
            } finally {
                IN_JOB.set(false);
            }
            while (j.done.get() < chunks) Thread.onSpinWait();
            Throwable f = j.failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        } finally {
            job = null;  // drops the body and the arrays it holds
            busy.set(false);
        }
    }

    private void workerLoop(int index) {
        IN_JOB.set(true);
        Job seen = null;
        while (true) {
            Job j = awaitJob(index, seen);
            if (shutdown) return;
            seen = j;
            j.work();
        }
    }

    /** Spins, then parks, until a job other than {@code seen} is published (or the team shuts down). */
    private Job awaitJob(int index, Job seen) {
        long start = System.nanoTime();
        Job j;
        while (((j = job) == seen || j == null) && !shutdown) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            setParked(index, true);
            // re-check after announcing: a caller that published before seeing the flag is caught here
            Job now = job;
            if ((now == seen || now == null) && !shutdown) LockSupport.park(this);
            setParked(index, false);
        }
        return j;
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
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
