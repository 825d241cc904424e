package io.clip4j.train;

import io.clip4j.Clip4jException;

/**
 * open_clip's learning-rate schedules (training/scheduler.py), evaluated before each step at 0-based {@code step}:
 * linear warmup base·(step+1)/warmup for step < warmup, then cosine 0.5·(1 + cos(π·e/es))·base with
 * e = step - warmup, es = steps - warmup (cosine_lr), or the constant base (const_lr).
 */
public record LrSchedule(Kind kind, double baseLr, int warmup, long totalSteps) {

    public enum Kind {
        COSINE,
        CONST
    }

    public LrSchedule {
        if (!(baseLr >= 0) || Double.isInfinite(baseLr))
            throw new Clip4jException("--lr must be a non-negative number, got " + baseLr);
        if (warmup < 0) throw new Clip4jException("--warmup must be >= 0, got " + warmup);
    }

    public static LrSchedule constant(double lr) {
        return new LrSchedule(Kind.CONST, lr, 0, 0);
    }

    public static Kind parseKind(String s) {
        return switch (s) {
            case "cosine" -> Kind.COSINE;
            case "const" -> Kind.CONST;
            default -> throw new Clip4jException("--schedule: unknown schedule '" + s + "' (cosine or const)");
        };
    }

    public double lr(long step) {
        if (step < warmup) return baseLr * (step + 1) / warmup;
        if (kind == Kind.CONST) return baseLr;
        double e = step - warmup, es = totalSteps - warmup;
        if (es <= 0) return baseLr;
        return 0.5 * (1 + Math.cos(Math.PI * e / es)) * baseLr;
    }
}
