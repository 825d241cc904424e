package io.clip4j.spark;

import java.io.Serializable;

/**
 * Faults injected into a job's tasks, for the tests that show a retried task leaves no duplicate rows: the first
 * attempt of every task dies at the given point. {@link #NONE} in real jobs.
 */
record TaskFaults(Point point) implements Serializable {
    enum Point {
        /** never */
        NONE,
        /** after the shard's files are written under their temporary names, before any is renamed */
        BEFORE_COMMIT,
        /** after the first file of the shard was renamed, before the others */
        DURING_COMMIT
    }

    static final TaskFaults NONE = new TaskFaults(Point.NONE);

    void maybeFail(Point here, int attempt, int shard) {
        if (point == here && attempt == 0) {
            throw new IllegalStateException("injected fault: first attempt of shard " + shard + " dies at " + here);
        }
    }
}
