package io.clip4j.download;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The on-disk cache, in huggingface_hub's layout so that either tool can use the other's downloads
 * (point {@code CLIP4J_CACHE} at {@code ~/.cache/huggingface/hub}):
 * <pre>
 * {root}/models--{org}--{name}/
 *     blobs/{sha256 for LFS files, git blob id for others}      file content, stored once
 *     blobs/{...}.incomplete                                    a download in progress (resumable)
 *     refs/{revision}                                           the commit a branch or tag pointed to
 *     snapshots/{commit}/{file}                                 relative symlink to ../../blobs/{...}
 * </pre>
 * Where symbolic links cannot be made (Windows without the privilege) the snapshot holds a hard link or a copy.
 */
public final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** {@code CLIP4J_CACHE}, else {@code ~/.cache/clip4j/hub}. */
    public static Path defaultRoot(Map<String, String> env) {
        String configured = env.get("CLIP4J_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "clip4j", "hub");
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoId repo) {
        return root.resolve(repo.cacheFolderName());
    }

    public Path snapshotDir(RepoId repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    /** The snapshot path of a repository file; refuses names that would leave the snapshot folder. */
    public Path snapshotFile(RepoId repo, String commit, String fileName) {
        Path dir = snapshotDir(repo, commit);
        Path file = dir.resolve(fileName).normalize();
        if (!file.startsWith(dir) || file.equals(dir) || fileName.startsWith("/") || fileName.contains("\\")) {
            throw new Clip4jException(
                    "refusing repository file name '" + fileName + "' of " + repo + ": it leaves the snapshot folder");
        }
        return file;
    }

    Path blob(RepoId repo, String commit, RepoFile file) {
        return repoDir(repo).resolve("blobs").resolve(blobName(commit, file));
    }

    Path incomplete(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    /**
     * The blob is named by what the hub calls the file's ETag: the sha256 for LFS files, the git blob id for
     * the others. A listing without blob ids (not the real hub) gets a name unique to commit and path.
     */
    private static String blobName(String commit, RepoFile file) {
        if (file.sha256() != null) {
            return file.sha256();
        }
        if (file.blobId() != null) {
            return file.blobId();
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((commit + "/" + file.name()).getBytes(StandardCharsets.UTF_8));
            return "nohash-" + HexFormat.of().formatHex(hash, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Remembers which commit a branch or tag resolved to (as huggingface_hub does), for offline use. */
    void writeRef(RepoId repo, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = repoDir(repo).resolve("refs").resolve(revision).normalize();
        if (!ref.startsWith(repoDir(repo).resolve("refs"))) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.US_ASCII);
        moveReplacing(tmp, ref);
    }

    /** The commit a revision resolved to on an earlier run, if any. */
    public Optional<String> readRef(RepoId repo, String revision) {
        if (COMMIT.matcher(revision).matches()) {
            return Optional.of(revision);
        }
        Path ref = repoDir(repo).resolve("refs").resolve(revision).normalize();
        try {
            String commit = Files.readString(ref, StandardCharsets.US_ASCII).strip();
            return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Makes {@code link} (a snapshot file) point at {@code blob}: a relative symlink, else a hard link, else a copy. */
    static void link(Path blob, Path link) throws IOException {
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        try {
            Files.createSymbolicLink(link, link.getParent().relativize(blob));
            return;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // fall through: no symlink support or privilege here
        }
        try {
            Files.createLink(link, blob);
            return;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // fall through: e.g. another file system
        }
        Path tmp = link.resolveSibling(link.getFileName() + ".tmp");
        Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        moveReplacing(tmp, link);
    }

    /** Rename within a folder; atomic where the file system allows, so readers see the old or the new file only. */
    static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
