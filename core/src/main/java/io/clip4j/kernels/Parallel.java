package io.clip4j.kernels;

/**
 * Splits one kernel call across a dedicated team of threads sized to the cores (or {@code -Dclip4j.threads=N},
 * {@link #setThreads}). Work is split into contiguous index ranges so that every thread writes its own part of
 * the output.
 *
 * <p>A forward pass makes about a hundred parallel calls per image, each a millisecond or less, so the cost of
 * starting one matters: the calling thread works as member 0 of the team, and the other members spin briefly
 * for the next call before they park (see {@link ComputeTeam}). Calls made while the team is busy — from another
 * thread, or nested inside a call — run on the calling thread alone, which is always correct and never waits.
 */
public final class Parallel {
    private static volatile ComputeTeam team = new ComputeTeam(defaultThreads());

    private Parallel() {}

    static int defaultThreads() {
        int n = Integer.getInteger("clip4j.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, n);
    }

    /** Replaces the team (e.g. {@code --threads}); a call running on the old team finishes there. */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        ComputeTeam old = team;
        team = new ComputeTeam(threads);
        old.shutdown();
    }

    public static int threads() {
        return team.size();
    }

    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in pieces of at least {@code grain} indices (the last may be shorter), handed
     * out dynamically and shrinking as the range runs out (guided scheduling: pieces of uneven cost balance
     * out, and the threads finish at nearly the same time), in parallel when there is more than one piece.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        team.run(n, Math.max(1, grain), body);
    }
}
