package io.clip4j;

import java.util.Locale;

/** The one way clip4j shows a duration to people (ETAs, elapsed times): {@code 0:04}, {@code 12:34}, {@code 1:02:03}. */
public final class Durations {
    private Durations() {}

    /** Whole seconds, rounded, as m:ss below an hour and h:mm:ss from an hour on; "-:--" when unknown. */
    public static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "-:--";
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
