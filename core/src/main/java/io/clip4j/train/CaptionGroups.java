package io.clip4j.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Groups a batch's rows by identical token sequences: rows with the same caption get the same group number. */
final class CaptionGroups {
    private CaptionGroups() {}

    static int[] of(int[][] tokens) {
        Map<List<Integer>, Integer> ids = new HashMap<>();
        int[] groups = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            List<Integer> key = Arrays.stream(trimmed(tokens[i])).boxed().toList();
            groups[i] = ids.computeIfAbsent(key, k -> ids.size());
        }
        return groups;
    }

    /** The row without its zero padding. */
    private static int[] trimmed(int[] row) {
        int n = row.length;
        while (n > 0 && row[n - 1] == 0) n--;
        return Arrays.copyOf(row, n);
    }
}
