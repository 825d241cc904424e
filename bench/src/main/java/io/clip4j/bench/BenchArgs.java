package io.clip4j.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs (and a leading mode word) for the small runner mains; no library needed. */
final class BenchArgs {
    final String mode;
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args, String usage) {
        if (args.length == 0 || args[0].startsWith("--")) throw usage(usage);
        mode = args[0];
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw usage(usage);
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("missing --" + name);
        return v;
    }

    int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }

    double getDouble(String name, double fallback) {
        return Double.parseDouble(get(name, Double.toString(fallback)));
    }

    private static IllegalArgumentException usage(String usage) {
        return new IllegalArgumentException("usage: " + usage);
    }
}
