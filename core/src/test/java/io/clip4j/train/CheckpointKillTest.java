package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticCaptions;
import io.clip4j.model.ClipConfig;
import io.clip4j.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clip4j train} killed while it saves (issue 14): a kill is simulated at every step of every save of a
 * short run (the hook of {@link CheckpointCommit} throws there, and nothing of that invocation runs on), then the
 * run is resumed from its folder; the final weights and optimizer state must equal those of an uninterrupted run,
 * bit for bit.
 */
class CheckpointKillTest {
    @TempDir
    Path tmp;

    /** What a kill does to the invocation: everything stops where it is. */
    static final class Killed extends Error {
        Killed(String point) {
            super("killed at " + point, null, false, false);
        }
    }

    static final ClipConfig TINY = new ClipConfig(
            16,
            8,
            new int[] {1},
            16,
            4,
            2,
            24,
            49408,
            16,
            2,
            1,
            false,
            ClipConfig.OPENAI_MEAN.clone(),
            ClipConfig.OPENAI_STD.clone());
    /** 6 steps of 4 pairs (shuffled, random crops) over 2 epochs; saved at steps 0, 2, 4 and 6. */
    static final TrainingRun.Settings SETTINGS =
            new TrainingRun.Settings(4, 1, 6, 1e-2, 2, LrSchedule.Kind.COSINE, 0.1, true, true, false, 3, 2, 0, 0);

    @AfterEach
    void noHook() {
        CheckpointCommit.hook = point -> {};
    }

    static void run(Path out) {
        var data = new SyntheticCaptions(12, 3, 16, Set.of(), 0.0);
        TrainingRun.run(
                data,
                out,
                () -> TrainableClip.fromScratch(TINY, 1),
                ClipTokenizer.openai(),
                SETTINGS,
                null,
                new TrainingRun.Listener() {
                    @Override
                    public void step(long step, long total, float loss, double lr, double ips, double left) {}

                    @Override
                    public void skipped(String image, String reason) {}
                });
    }

    @Test
    void resumeAfterAKillAtAnyPointOfASaveEqualsTheUninterruptedRun() throws IOException {
        Path reference = tmp.resolve("reference");
        List<String> points = new ArrayList<>();
        CheckpointCommit.hook = points::add;
        run(reference);
        noHook();
        assertEquals(
                4 * 10, points.size(), "4 saves of 4 staged files, the commit point, 4 moves and the end: " + points);
        byte[] weights = Files.readAllBytes(reference.resolve(TrainCheckpoint.MODEL_FILE));
        byte[] moments = Files.readAllBytes(reference.resolve(TrainCheckpoint.STATE_FILE));

        for (int k = 0; k < points.size(); k++) {
            Path out = tmp.resolve("killed-" + k);
            int[] seen = {0};
            int killAt = k;
            CheckpointCommit.hook = point -> {
                if (seen[0]++ == killAt) throw new Killed(point);
            };
            assertThrows(Killed.class, () -> run(out));
            noHook();
            String where = "killed at " + points.get(k) + " (point " + k + ")";
            if (k < points.lastIndexOf("ready")) {
                run(out); // the same command again: resumes (or starts over when the first save never committed)
            } else {
                // the last checkpoint was committed: the run is complete, and the rerun says so (after finishing the
                // commit)
                var e = assertThrows(Clip4jException.class, () -> run(out), where);
                assertTrue(e.getMessage().contains("already at step 6 of 6"), e.getMessage());
            }
            assertArrayEquals(weights, Files.readAllBytes(out.resolve(TrainCheckpoint.MODEL_FILE)), where);
            assertArrayEquals(moments, Files.readAllBytes(out.resolve(TrainCheckpoint.STATE_FILE)), where);
            assertEquals(6, TrainCheckpoint.readState(out).get("step").asInt(), where);
            assertFalse(
                    Files.exists(out.resolve(CheckpointCommit.STAGING))
                            || Files.exists(out.resolve(CheckpointCommit.READY)),
                    where);
        }
    }

    @Test
    void checkpointFilesAreWorldReadable() throws IOException {
        Path out = tmp.resolve("modes");
        run(out);
        for (String f : List.of(
                TrainCheckpoint.MODEL_FILE,
                TrainCheckpoint.CONFIG_FILE,
                TrainCheckpoint.STATE_FILE,
                TrainCheckpoint.STATE_JSON)) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))), f);
        }
        assertTrue(Files.isRegularFile(out.resolve(TrainCheckpoint.MODEL_FILE)));
    }
}
