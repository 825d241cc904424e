package io.clip4j.train;

/**
 * The learning rate of each step and the end of one invocation of a training run: open_clip's warmup then cosine
 * (or constant) rate over a fixed number of steps, or the same shape over a time budget.
 *
 * <p>Without a budget this is exactly {@link LrSchedule}. With one, the number of steps is not known in advance, so
 * after the linear warmup (in steps, as open_clip) the cosine runs on the run's progress q in [0, 1] instead of on
 * the step: before each step q becomes the largest of
 * <ul>
 *   <li>the previous step's q (so q never decreases, and the rate never rises again after warmup — whatever the
 *       pace, stalls or evaluations);</li>
 *   <li>q0 + (1 - q0) (t - t0) / (T - t0): the time fraction of what was left of the budget T when this
 *       invocation's cosine phase started at t0 with progress q0 (0 in a new run, the saved progress on resume);</li>
 *   <li>the step fraction (step - warmup) / (total - warmup) when a step limit ({@code --max-steps}/{@code --epochs})
 *       also holds.</li>
 * </ul>
 * so the cosine reaches 0 when the time is up. The pace (for the progress bar's total) is measured from steady-state
 * steps: from the fourth step of the invocation on, the first ones being slow while the JIT compiles.
 */
public final class RunSchedule {
    /** Seconds since the invocation started; tests inject their own. */
    public interface Clock {
        double seconds();
    }

    private static final int WARM_STEPS = 3;

    private final LrSchedule steps;
    private final double budget;
    private final Clock clock;
    private final long firstStep;
    private double progress;
    private double cosineStartTime = -1;
    private double cosineStartProgress;
    private long paceMarkStep = -1;
    private double paceMarkTime;

    /**
     * @param steps         kind, base rate, warmup and the step limit (the whole run's, not this invocation's)
     * @param budgetSeconds this invocation's time budget; 0 = none
     * @param savedProgress progress saved by an earlier invocation of the run (0 for a new one)
     * @param firstStep     the first step this invocation runs
     */
    public RunSchedule(LrSchedule steps, double budgetSeconds, double savedProgress, long firstStep, Clock clock) {
        if (!(budgetSeconds >= 0) || Double.isInfinite(budgetSeconds)) {
            throw new IllegalArgumentException("budget must be >= 0 seconds, got " + budgetSeconds);
        }
        this.steps = steps;
        this.budget = budgetSeconds;
        this.progress = Math.min(1, Math.max(0, savedProgress));
        this.firstStep = firstStep;
        this.clock = clock;
    }

    public boolean hasBudget() {
        return budget > 0;
    }

    /** How far the cosine has come, 0..1 (saved with a checkpoint, so that a resumed run goes on from there). */
    public double progress() {
        return progress;
    }

    /** The learning rate of 0-based {@code step}, to be asked right before the step runs (the clock moves on). */
    public double lr(long step) {
        int warmup = steps.warmup();
        if (step < warmup) return steps.baseLr() * (step + 1) / warmup;
        long cosineSteps = steps.totalSteps() - warmup;
        double stepFraction = cosineSteps > 0 ? Math.min(1, (double) (step - warmup) / cosineSteps) : 0;
        if (!hasBudget()) {
            progress = stepFraction;
            return steps.lr(step);
        }
        double t = clock.seconds();
        if (cosineStartTime < 0) {
            cosineStartTime = t;
            cosineStartProgress = progress;
        }
        double timeFraction =
                budget > cosineStartTime ? Math.min(1, (t - cosineStartTime) / (budget - cosineStartTime)) : 1;
        double q = Math.max(progress, cosineStartProgress + (1 - cosineStartProgress) * Math.max(0, timeFraction));
        progress = Math.min(1, Math.max(q, stepFraction));
        if (steps.kind() == LrSchedule.Kind.CONST) return steps.baseLr();
        return 0.5 * (1 + Math.cos(Math.PI * progress)) * steps.baseLr();
    }

    /** Records that {@code completed} steps are done (for the pace). */
    public void stepDone(long completed) {
        if (completed - firstStep == WARM_STEPS) {
            paceMarkStep = completed;
            paceMarkTime = clock.seconds();
        }
    }

    /** Whether the invocation ends after {@code completed} steps: the step limit is reached or the time is up. */
    public boolean finished(long completed) {
        return completed >= steps.totalSteps() || (hasBudget() && clock.seconds() >= budget);
    }

    /** The step the run is expected to end at (the progress bar's total): the step limit, or what the pace fits. */
    public long expectedTotal(long completed) {
        if (!hasBudget()) return steps.totalSteps();
        double left = Math.max(0, budget - clock.seconds());
        long fit = completed + (long) Math.ceil(left / secondsPerStep(completed));
        return Math.max(completed + (left > 0 ? 1 : 0), Math.min(steps.totalSteps(), fit));
    }

    /** Seconds until the invocation ends: the remaining steps at the pace, or what is left of the budget if sooner. */
    public double secondsLeft(long completed) {
        double bySteps = secondsPerStep(completed) * Math.max(0, steps.totalSteps() - completed);
        if (hasBudget()) return Math.min(Math.max(0, budget - clock.seconds()), bySteps);
        return bySteps;
    }

    private double secondsPerStep(long completed) {
        double t = clock.seconds();
        double pace = paceMarkStep >= 0 && completed > paceMarkStep
                ? (t - paceMarkTime) / (completed - paceMarkStep)
                : t / Math.max(1, completed - firstStep);
        return Math.max(pace, 1e-9);
    }
}
