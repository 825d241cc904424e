package io.clip4j.data;

import java.util.Random;

/** Derived random generators: SplitMix64 of (seed, a, b), so neighbouring indices give unrelated streams. */
public final class Seeds {
    private Seeds() {}

    public static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xD1B54A32D192ED03L + b * 0x8CB92BA72F3D8DD7L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static Random random(long seed, long a, long b) {
        return new Random(mix(seed, a, b));
    }
}
