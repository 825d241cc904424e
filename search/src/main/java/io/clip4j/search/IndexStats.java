package io.clip4j.search;

/**
 * What an index run did. Every image found is exactly one of added, updated, unchanged or failed; removed counts
 * index entries whose files are gone. A moved or renamed file (same content hash as a vanished entry) counts as
 * unchanged and is not embedded again; a copy of an indexed file counts as added without being embedded.
 *
 * @param embedded images that went through the model (added + updated, less copies)
 * @param moved    the unchanged images whose path changed
 * @param seconds  wall time of the run
 */
public record IndexStats(
        int added, int updated, int removed, int unchanged, int failed, int embedded, int moved, double seconds) {}
