package io.clip4j.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads for short parallel calls: the caller is member 0, {@code size - 1} daemon workers are
 * the others. A call publishes a {@link Job} (a body over an index range, handed out in shrinking pieces through
 * one atomic counter); workers spin on the job reference for {@link #SPIN_NANOS} after each job (yielding the core after
 * {@link #YIELD_AFTER_NANOS}), then park until unparked. Spinning
 * keeps the start of a call at well under a microsecond when calls come back to back (a transformer layer
 * makes five), parking keeps an idle team off the CPU.
 *
 * <p>The caller waits for the job's pieces, not for the workers: waking a parked thread can take longer than the
 * whole call on a VM, and then the caller simply runs every piece itself; a worker that arrives late finds
 * nothing left to take.
 *
 * <p>One job at a time: a call that finds the team busy, or comes from inside a job, runs the whole range itself.
 */
final class ComputeTeam {
    private static final long SPIN_NANOS = Long.getLong("clip4j.spinMicros", 2000) * 1000;
    /**
     * After this long a waiting worker yields its core on every turn of the spin: on a machine with more runnable
     * threads than cores (a server: request threads, the vector scan, the caller itself when descheduled) a pure
     * spin takes a core from the thread that would publish the next job, while a yielding one still sees a job
     * within a scheduler turn when nothing else wants the core.
     */
    private static final long YIELD_AFTER_NANOS = Long.getLong("clip4j.spinYieldMicros", 50) * 1000;

    private static final ThreadLocal<Boolean> IN_JOB = ThreadLocal.withInitial(() -> false);

    /**
     * One call's work over [0, n): a thread takes the next max(grain, left / (2 · size)) indices (guided
     * scheduling: big pieces first, small ones at the end so the threads finish together); the counters are the
     * job's own, so a late worker can never touch the next call's range.
     */
    private static final class Job {
        final Parallel.RangeBody body;
        final int n, grain, divisor;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(Parallel.RangeBody body, int n, int grain, int divisor) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.divisor = divisor;
        }

        /** Takes and runs pieces until none is left. */
        void work() {
            for (int from; (from = next.get()) < n; ) {
                int to = Math.min(n, from + Math.max(grain, (n - from) / divisor));
                if (!next.compareAndSet(from, to)) continue;
                try {
                    if (failure == null) body.run(from, to);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    done.addAndGet(to - from);
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

    /**
     * Runs body over [0, n) in pieces of at least {@code grain} indices (but the last), each piece on whichever
     * thread of the team (the caller included) is free.
     */
    void run(int n, int grain, Parallel.RangeBody body) {
        if (size <= 1 || n <= grain || shutdown || IN_JOB.get() || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Job j = new Job(body, n, grain, 2 * size);
            job = j; // publishes it
            int helpers = Math.min(size - 1, (n + grain - 1) / grain - 1); // no use waking more workers than pieces
            for (int i = 0; i < helpers; i++) {
                if (isParked(i)) LockSupport.unpark(workers[i]);
            }
            IN_JOB.set(true);
            try {
                j.work();
            } finally {
                IN_JOB.set(false);
            }
            while (j.done.get() < n) Thread.onSpinWait();
            Throwable f = j.failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        } finally {
            job = null; // drops the body and the arrays it holds
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
            long waited = System.nanoTime() - start;
            if (waited < SPIN_NANOS) {
                if (waited < YIELD_AFTER_NANOS) Thread.onSpinWait();
                else Thread.yield();
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
