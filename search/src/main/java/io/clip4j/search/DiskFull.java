package io.clip4j.search;

import io.clip4j.Clip4jException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Recognises a full disk (or an exhausted quota) in whatever Lucene throws: the IOException itself, or the
 * AlreadyClosedException of a writer that hit it earlier (in a merge thread, say), with the cause somewhere in its
 * chain. Lucene never half-writes a commit, so the last commit stays readable: the message says so.
 */
final class DiskFull {
    private DiskFull() {}

    static boolean causedBy(Throwable t) {
        return causedBy(t, new IdentityHashMap<>());
    }

    private static boolean causedBy(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, true) != null) return false;
        String m = t.getMessage();
        if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        for (Throwable s : t.getSuppressed()) if (causedBy(s, seen)) return true;
        return causedBy(t.getCause(), seen);
    }

    static Clip4jException error(String index) {
        return new Clip4jException(
                index
                        + ": disk full while writing the index; it keeps its last commit (free some space and run clip4j index again)");
    }

    /** The disk-full error when that is what {@code e} comes from; otherwise {@code e} itself, rethrown. */
    static RuntimeException orRethrow(RuntimeException e, String index) {
        if (causedBy(e)) return error(index);
        throw e;
    }
}
