package io.clip4j.download;

/** One file of a finished download: its path in the repository, size and SHA-256 (lower-case hex). */
public record DownloadedFile(String name, long bytes, String sha256) {}
