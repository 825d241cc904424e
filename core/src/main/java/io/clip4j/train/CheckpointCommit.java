package io.clip4j.train;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces several files of a run folder as one: after a kill at any moment, the folder holds either every old
 * file or every new one (once {@link #recover} has run, which every reader of a training state does first).
 *
 * <p>The new files are written into {@code .checkpoint.staging/} and flushed to disk, with the folder; renaming it
 * to {@code .checkpoint.ready/} is the commit point. Then each file is renamed into the run folder, the one named
 * last ({@code train_state.json}) at the end, and the empty folder removed. A kill before the commit point leaves
 * a staging folder that is thrown away; a kill after it leaves a ready folder whose remaining files the next
 * {@link #recover} moves in.
 */
final class CheckpointCommit {
    static final String STAGING = ".checkpoint.staging";
    static final String READY = ".checkpoint.ready";

    /** Called at each step of a save, named; the interruption test throws from it to simulate a kill there. */
    interface Hook {
        void reached(String point);
    }

    static volatile Hook hook = point -> {};

    private CheckpointCommit() {}

    /** An empty staging folder in {@code dir}, after completing or discarding what an earlier kill left. */
    static Path begin(Path dir) {
        recover(dir);
        Path staging = dir.resolve(STAGING);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new Clip4jException(staging + ": cannot create the folder: " + e.getMessage());
        }
        return staging;
    }

    /** Called after each file has been written into the staging folder. */
    static void staged(String file) {
        hook.reached("staged " + file);
    }

    /** Makes the staged files the folder's files, {@code last} (a name among them) renamed in at the very end. */
    static void commit(Path dir, String last) {
        Path staging = dir.resolve(STAGING), ready = dir.resolve(READY);
        try {
            for (Path f : list(staging)) sync(f);
            sync(staging);
            Files.move(staging, ready, StandardCopyOption.ATOMIC_MOVE);
            sync(dir);
            hook.reached("ready");
            moveIn(dir, ready, last);
        } catch (IOException e) {
            throw new Clip4jException(dir + ": cannot save the checkpoint: " + e.getMessage());
        }
    }

    /** Completes a commit that was interrupted after its commit point; discards one interrupted before it. */
    static void recover(Path dir) {
        Path staging = dir.resolve(STAGING), ready = dir.resolve(READY);
        try {
            if (Files.isDirectory(ready)) moveIn(dir, ready, TrainCheckpoint.STATE_JSON);
            if (Files.isDirectory(staging)) {
                for (Path f : list(staging)) Files.deleteIfExists(f);
                Files.deleteIfExists(staging);
            }
        } catch (IOException e) {
            throw new Clip4jException(dir + ": cannot complete the interrupted checkpoint: " + e.getMessage());
        }
    }

    private static void moveIn(Path dir, Path ready, String last) throws IOException {
        List<Path> files = new ArrayList<>(list(ready));
        files.sort((a, b) -> Boolean.compare(
                a.getFileName().toString().equals(last),
                b.getFileName().toString().equals(last)));
        for (Path f : files) {
            // the staging folder may still hold a writer's temporary file (a kill mid-write): never move those in
            String name = f.getFileName().toString();
            if (name.startsWith(".")) {
                Files.deleteIfExists(f);
                continue;
            }
            move(f, dir.resolve(name));
            sync(dir);
            hook.reached("moved " + name);
        }
        Files.deleteIfExists(ready);
        sync(dir);
        hook.reached("done");
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** fsync of a file or a folder (a folder's entries: the renames in it); folders that cannot be opened are skipped. */
    static void sync(Path p) throws IOException {
        boolean folder = Files.isDirectory(p);
        try (FileChannel ch = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!folder) throw e; // some systems refuse to open or sync folders; the files themselves are synced
        }
    }
}
