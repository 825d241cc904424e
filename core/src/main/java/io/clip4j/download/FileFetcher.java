package io.clip4j.download;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings one repository file into the cache's blob store, verified.
 *
 * <p>Bytes go to {@code <blob>.incomplete}; a later attempt (in this run after a transient failure, or in a
 * later run) asks for the rest with {@code Range: bytes=N-} and appends if the server answers 206, or starts over
 * on 200. Only after the size and the hub's checksum match is the file renamed to its final name, so a blob that
 * exists is always complete and correct.
 */
final class FileFetcher {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 16;

    private final HubHttp http;

    FileFetcher(HubHttp http) {
        this.http = http;
    }

    /** Makes {@code blob} hold the verified content of {@code file}; returns its digests. */
    FileDigest.Result fetch(
            RepoId repo, String commit, RepoFile file, Path blob, Path lockFile, DownloadProgress progress)
            throws InterruptedException {
        try {
            Files.createDirectories(blob.getParent());
            Files.createDirectories(lockFile.getParent());
        } catch (IOException e) {
            throw diskError(blob.getParent(), e);
        }
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            return fetchLocked(repo, commit, file, blob, progress);
        } catch (OverlappingFileLockException e) {
            throw new Clip4jException(
                    "another download of " + file.name() + " of " + repo + " is running in this process");
        } catch (IOException e) {
            throw diskError(lockFile, e);
        }
    }

    private FileDigest.Result fetchLocked(
            RepoId repo, String commit, RepoFile file, Path blob, DownloadProgress progress)
            throws InterruptedException {
        if (Files.isRegularFile(blob)) {
            FileDigest.Result existing = digestOf(blob, file.size());
            if (FileDigest.mismatch(file, existing) == null) {
                progress.upToDate(file.name(), existing.bytes());
                return existing;
            }
            deleteQuietly(blob); // corrupt or replaced behind our back: fetch again
        }
        Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
        URI url = http.resolveUri(repo, commit, file.name());
        HubHttp.ErrorContext context = new HubHttp.ErrorContext(repo, commit, file.name());
        FileDigest digest = null;
        for (int attempt = 1; digest == null; attempt++) {
            boolean lastAttempt = attempt >= http.maxAttempts();
            long have = sizeOrZero(partial);
            if (file.size() >= 0 && have > file.size()) {
                deleteQuietly(partial);
                have = 0;
            }
            if (file.size() >= 0 && have == file.size() && have > 0) {
                digest = new FileDigest(file.size());
                updateFromFile(digest, partial);
                break;
            }
            checkFreeSpace(blob.getParent(), file.size() >= 0 ? file.size() - have : 0, file.name());
            try {
                digest = transfer(url, file, partial, have, progress, context, lastAttempt);
            } catch (IOException e) {
                if (lastAttempt || !HubHttp.isRetryable(e)) {
                    throw HubHttp.networkError(url, e);
                }
            }
            if (digest == null) {
                http.backoff(attempt);
            }
        }
        FileDigest.Result result = digest.finish();
        String mismatch = FileDigest.mismatch(file, result);
        if (mismatch != null) {
            deleteQuietly(partial);
            throw new Clip4jException("checksum mismatch for " + file.name() + " of " + repo + ": " + mismatch
                    + " (partial download deleted)");
        }
        try {
            HubCache.moveReplacing(partial, blob);
        } catch (IOException e) {
            throw diskError(blob, e);
        }
        return result;
    }

    /**
     * One attempt. Returns the digest of the complete file, or null when the attempt failed transiently
     * (the caller backs off and retries); a network failure mid-body surfaces as IOException.
     */
    private FileDigest transfer(
            URI url,
            RepoFile file,
            Path partial,
            long have,
            DownloadProgress progress,
            HubHttp.ErrorContext context,
            boolean lastAttempt)
            throws IOException, InterruptedException {
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HttpResponse<InputStream> response = http.get(url, headers);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            long offset;
            if (status == 206) {
                Matcher range = CONTENT_RANGE.matcher(
                        response.headers().firstValue("Content-Range").orElse(""));
                if (!range.matches() || Long.parseLong(range.group(1)) != have) {
                    deleteQuietly(partial); // a range we did not ask for: start over rather than splice
                    return null;
                }
                offset = have;
            } else if (status == 200) {
                offset = 0; // the server ignored the Range: take the whole file again
            } else if (status == 416) {
                deleteQuietly(partial); // our partial is not a prefix of what the server has
                return null;
            } else {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                if (HubHttp.isRetryable(status) && !lastAttempt) {
                    return null;
                }
                throw context.httpError(
                        status,
                        response.headers().firstValue("X-Error-Code").orElse(""),
                        text,
                        http.hasToken(),
                        http.endpoint());
            }
            long total = file.size() >= 0
                    ? file.size()
                    : offset == 0
                            ? response.headers()
                                    .firstValueAsLong("Content-Length")
                                    .orElse(-1)
                            : -1;
            FileDigest digest = new FileDigest(file.size());
            if (offset > 0) {
                updateFromFile(digest, partial);
            }
            progress.start(file.name(), total, offset);
            try (FileChannel out = openForWrite(partial, offset)) {
                byte[] buffer = new byte[BUFFER];
                long done = offset;
                for (int n; (n = body.read(buffer)) > 0; ) {
                    write(out, buffer, n, partial);
                    digest.update(buffer, 0, n);
                    done += n;
                    progress.update(done);
                }
                try {
                    out.force(false);
                } catch (IOException e) {
                    throw diskError(partial, e);
                }
                if (file.size() >= 0 && done < file.size()) {
                    throw new IOException(
                            "connection closed after " + done + " of " + file.size() + " bytes of " + file.name());
                }
            } finally {
                progress.finish();
            }
            return digest;
        }
    }

    private static FileChannel openForWrite(Path partial, long offset) {
        try {
            return offset == 0
                    ? FileChannel.open(
                            partial,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)
                    : FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw diskError(partial, e);
        }
    }

    private static void write(FileChannel out, byte[] buffer, int n, Path partial) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw diskError(partial, e);
        }
    }

    private static void updateFromFile(FileDigest digest, Path file) {
        try {
            digest.update(file);
        } catch (IOException e) {
            throw diskError(file, e);
        }
    }

    private static FileDigest.Result digestOf(Path file, long expectedSize) {
        try {
            return FileDigest.of(file, expectedSize);
        } catch (IOException e) {
            throw diskError(file, e);
        }
    }

    private static void checkFreeSpace(Path dir, long needed, String fileName) {
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (needed > 0 && usable < needed) {
                throw new Clip4jException(String.format(
                        Locale.ROOT,
                        "not enough disk space in %s for %s: need %.1f MB, %.1f MB free",
                        dir,
                        fileName,
                        needed / 1e6,
                        usable / 1e6));
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // unknown free space: let the write itself fail if it must
        }
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort; a leftover partial is restarted or resumed next time
        }
    }

    static Clip4jException diskError(Path path, IOException e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Path culprit = path;
        if (e instanceof FileSystemException fse) {
            if (fse.getFile() != null) {
                culprit = Path.of(fse.getFile()); // e.g. the ancestor that is a file, not the folder we wanted
            }
            if (e instanceof AccessDeniedException) {
                reason = "permission denied";
            } else if (e instanceof FileAlreadyExistsException) {
                reason = "a file is in the way";
            } else if (fse.getReason() != null) {
                reason = fse.getReason();
            }
        }
        return new Clip4jException(
                "disk error on " + culprit + ": " + reason.lines().findFirst().orElse(reason), e);
    }
}
