package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.image.ImageFiles;
import io.clip4j.image.StoredPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings an {@link ImageStore} up to date with folders of images: embeds only new or changed files, recognises
 * moved/renamed and copied files by content hash (no embedding), drops entries of vanished files. Work is
 * committed after every batch of embeddings, so an interrupted run (even killed) loses at most that batch and
 * the next run resumes where it stopped.
 */
public final class Indexer {
    private final Clip clip;
    private final ImageStore store;
    private final int commitEvery;
    private long pauseAfterCommitMs;

    /** @param commitEvery images embedded between two commits (the most an interruption can lose) */
    public Indexer(Clip clip, ImageStore store, int commitEvery) {
        if (commitEvery < 1) throw new Clip4jException("--commit-every must be at least 1, got " + commitEvery);
        this.clip = clip;
        this.store = store;
        this.commitEvery = commitEvery;
    }

    /** For the interruption test: a pause after each commit so that a child process can be killed mid-run. */
    public Indexer pauseAfterCommit(long ms) {
        this.pauseAfterCommitMs = ms;
        return this;
    }

    private enum Kind {
        ADDED,
        UPDATED
    }

    private record Work(ImageFiles.Found file, String hash, Kind kind) {}

    public IndexStats run(List<Path> roots, IndexProgress progress) {
        return run(roots, List.of(), progress);
    }

    /**
     * Indexes the images under {@code roots} except those under {@code excludes}; entries under a root that are
     * no longer found (deleted, or now excluded) are dropped.
     */
    public IndexStats run(List<Path> roots, List<Path> excludes, IndexProgress progress) {
        long t0 = System.nanoTime();
        List<Path> absRoots =
                roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
        List<ImageFiles.Found> files = ImageFiles.walk(roots, excludes);
        Map<String, ImageStore.Entry> existing = store.entries();
        Set<String> foundPaths = new HashSet<>();
        for (ImageFiles.Found f : files) foundPaths.add(StoredPaths.of(f.path()));

        int added = 0, updated = 0, removed = 0, unchanged = 0, failed = 0, embedded = 0, moved = 0;

        // entries whose file is gone: move sources by content hash, removed otherwise
        Map<String, Deque<ImageStore.Entry>> vanishedByHash = new HashMap<>();
        for (ImageStore.Entry e : existing.values()) {
            if (foundPaths.contains(e.path())) continue;
            Path p = StoredPaths.toPath(e.path());
            boolean underRoot = absRoots.stream().anyMatch(p::startsWith);
            if (underRoot || !Files.exists(p))
                vanishedByHash
                        .computeIfAbsent(e.hash(), h -> new ArrayDeque<>())
                        .add(e);
        }

        List<ImageFiles.Found> changed = new ArrayList<>(), fresh = new ArrayList<>();
        Map<String, String> unchangedPathByHash = new HashMap<>();
        for (ImageFiles.Found f : files) {
            ImageStore.Entry e = existing.get(StoredPaths.of(f.path()));
            if (e == null) fresh.add(f);
            else if (e.size() == f.size() && e.mtime() == f.mtime()) {
                unchanged++;
                unchangedPathByHash.putIfAbsent(e.hash(), e.path());
            } else changed.add(f);
        }

        List<Work> work = new ArrayList<>();
        Map<String, float[]> vectorByHash = new HashMap<>();
        for (ImageFiles.Found f : changed) {
            ImageStore.Entry old = existing.get(StoredPaths.of(f.path()));
            String hash = hashOrNull(f, progress);
            if (hash == null) {
                failed++;
                store.delete(old.path());
            } else if (hash.equals(old.hash())) {
                // touched, same bytes: refresh size/mtime, keep the vector
                Optional<float[]> v = store.vectorOfPath(old.path());
                if (v.isPresent()) {
                    store.put(entry(f, hash), v.get());
                    unchanged++;
                } else work.add(new Work(f, hash, Kind.UPDATED));
            } else work.add(new Work(f, hash, Kind.UPDATED));
        }
        for (ImageFiles.Found f : fresh) {
            String hash = hashOrNull(f, progress);
            if (hash == null) {
                failed++;
                continue;
            }
            Deque<ImageStore.Entry> sources = vanishedByHash.get(hash);
            if (sources != null && !sources.isEmpty()) {
                ImageStore.Entry src = sources.poll();
                Optional<float[]> v = store.vectorOfPath(src.path());
                if (v.isPresent()) {
                    store.delete(src.path());
                    store.put(entry(f, hash), v.get());
                    vectorByHash.put(hash, v.get());
                    unchanged++;
                    moved++;
                    continue;
                }
            }
            float[] copy = vectorByHash.get(hash);
            if (copy == null && unchangedPathByHash.containsKey(hash)) {
                copy = store.vectorOfPath(unchangedPathByHash.get(hash)).orElse(null);
            }
            if (copy != null) {
                store.put(entry(f, hash), copy);
                vectorByHash.put(hash, copy);
                added++;
            } else work.add(new Work(f, hash, Kind.ADDED));
        }
        for (Deque<ImageStore.Entry> left : vanishedByHash.values()) {
            for (ImageStore.Entry e : left) {
                store.delete(e.path());
                removed++;
            }
        }
        store.commit();

        progress.update(0, work.size());
        int done = 0;
        for (int s = 0; s < work.size(); s += commitEvery) {
            List<Work> batch = work.subList(s, Math.min(work.size(), s + commitEvery));
            List<Clip.ImageResult> results = clip.embedImageFiles(
                    batch.stream().map(w -> w.file().path()).toList());
            for (int i = 0; i < batch.size(); i++) {
                Work w = batch.get(i);
                Clip.ImageResult r = results.get(i);
                if (r.ok()) {
                    store.put(entry(w.file(), w.hash()), r.embedding());
                    embedded++;
                    if (w.kind() == Kind.ADDED) added++;
                    else updated++;
                } else {
                    failed++;
                    progress.failed(r.error());
                    // the old vector no longer describes the file
                    if (w.kind() == Kind.UPDATED)
                        store.delete(StoredPaths.of(w.file().path()));
                }
            }
            store.commit();
            done += batch.size();
            progress.update(done, work.size());
            if (pauseAfterCommitMs > 0) {
                try {
                    Thread.sleep(pauseAfterCommitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new IndexStats(
                added, updated, removed, unchanged, failed, embedded, moved, (System.nanoTime() - t0) / 1e9);
    }

    private static ImageStore.Entry entry(ImageFiles.Found f, String hash) {
        String path = StoredPaths.of(f.path());
        return new ImageStore.Entry(ImageStore.idOf(path), path, f.size(), f.mtime(), hash);
    }

    private static String hashOrNull(ImageFiles.Found f, IndexProgress progress) {
        try {
            return ImageFiles.contentHash(f.path());
        } catch (IOException e) {
            progress.failed(f.path() + ": cannot read file (" + e.getMessage() + ")");
            return null;
        }
    }
}
