package io.clip4j.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a file's content and, when its size is known up front, its git blob id
 * (SHA-1 of {@code "blob <size>\0"} followed by the content): the hub publishes the former for LFS files and the
 * latter for all others, so every downloaded file can be checked against something the hub stated.
 */
final class FileDigest {
    private final MessageDigest sha256;
    private final MessageDigest gitSha1;
    private long bytes;

    FileDigest(long expectedSize) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            gitSha1 = expectedSize >= 0 ? MessageDigest.getInstance("SHA-1") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (gitSha1 != null) {
            gitSha1.update(("blob " + expectedSize + "\0").getBytes(StandardCharsets.US_ASCII));
        }
    }

    void update(byte[] buffer, int offset, int length) {
        sha256.update(buffer, offset, length);
        if (gitSha1 != null) {
            gitSha1.update(buffer, offset, length);
        }
        bytes += length;
    }

    /** Feeds a file's content (up to its end), e.g. the part of a download kept from an earlier run. */
    void update(Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                update(buffer, 0, n);
            }
        }
    }

    long bytes() {
        return bytes;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Null when the size was not known at construction. */
    String gitBlobIdHex() {
        return gitSha1 == null ? null : HexFormat.of().formatHex(gitSha1.digest());
    }

    /** Digest results of a complete file. */
    record Result(long bytes, String sha256, String gitBlobId) {}

    Result finish() {
        return new Result(bytes, sha256Hex(), gitBlobIdHex());
    }

    static Result of(Path file, long expectedSize) throws IOException {
        FileDigest digest = new FileDigest(expectedSize);
        digest.update(file);
        return digest.finish();
    }

    /** Null when the file matches what the hub stated, else a one-line description of the difference. */
    static String mismatch(RepoFile expected, Result actual) {
        if (expected.size() >= 0 && expected.size() != actual.bytes()) {
            return "expected " + expected.size() + " bytes, got " + actual.bytes();
        }
        if (expected.sha256() != null && !expected.sha256().equals(actual.sha256())) {
            return "expected sha256 " + expected.sha256() + ", got " + actual.sha256();
        }
        if (expected.sha256() == null
                && expected.blobId() != null
                && actual.gitBlobId() != null
                && !expected.blobId().equals(actual.gitBlobId())) {
            return "expected git blob id " + expected.blobId() + ", got " + actual.gitBlobId();
        }
        return null;
    }
}
