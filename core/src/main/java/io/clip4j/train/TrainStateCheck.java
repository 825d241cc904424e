package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Printable;
import java.nio.file.Path;

/**
 * Checks the fields of a {@code train_state.json} that a resume reads, so that a damaged or hand-edited file is
 * one line naming the field rather than a negative step deep in the batch loader. Fields the run writes for people
 * (init, optimizer, schedule) are not needed to resume and not checked.
 */
final class TrainStateCheck {
    private TrainStateCheck() {}

    static void check(Path file, JsonNode n) {
        if (n == null || !n.isObject())
            throw new Clip4jException(file + ": not a clip4j training state (not a JSON object)");
        long step = whole(file, n, "step", 0);
        if (n.has("seed")) whole(file, n, "seed", Long.MIN_VALUE); // without one, --seed is used
        if (n.has("lock_image") && !n.get("lock_image").isBoolean())
            throw wrong(file, n, "lock_image", "true or false");
        if (n.has(TrainingRun.OBJECTIVE) && !n.get(TrainingRun.OBJECTIVE).isTextual()) {
            throw wrong(file, n, TrainingRun.OBJECTIVE, "a name");
        }
        if (n.has(TrainingRun.PROGRESS)) {
            JsonNode p = n.get(TrainingRun.PROGRESS);
            if (!p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 1))
                throw wrong(file, n, TrainingRun.PROGRESS, "a number from 0 to 1");
        }
        if (n.has("epoch")) whole(file, n, "epoch", 0);
        if (n.has("completed_steps") && whole(file, n, "completed_steps", 0) != step) {
            throw new Clip4jException(file + ": field 'completed_steps' (" + n.get("completed_steps")
                    + ") differs from 'step' (" + step + ")");
        }
    }

    /** The field, which must be present and a whole number >= {@code min}. */
    private static long whole(Path file, JsonNode n, String field, long min) {
        JsonNode v = n.get(field);
        if (v == null) throw new Clip4jException(file + ": field '" + field + "' is missing");
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrong(file, n, field, "a whole number");
        if (v.asLong() < min) throw wrong(file, n, field, "a whole number >= " + min);
        return v.asLong();
    }

    private static Clip4jException wrong(Path file, JsonNode n, String field, String expected) {
        return new Clip4jException(file + ": field '" + field + "' must be " + expected + ", got "
                + Printable.of(String.valueOf(n.get(field))));
    }
}
