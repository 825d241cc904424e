package io.clip4j.solr;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Locale;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.common.SolrException;

/**
 * Runs requests to a collection: retries the failures a cluster recovers from by itself (a node that went away,
 * a shard whose leader is being elected) for a while, and turns the rest into one-line errors naming the
 * collection. Every request of the store is idempotent (adds replace by id, deletes and commits can be
 * repeated), so a retry after a failure whose effect is unknown is safe.
 */
final class SolrCalls {
    interface Call<T> {
        T run() throws SolrServerException, IOException;
    }

    /** How long a failing request is retried before the failure is reported: a leader election takes seconds. */
    static final long DEFAULT_RETRY_MS = 60_000;

    private final String where;
    private final long retryMs;

    SolrCalls(String where, long retryMs) {
        this.where = where;
        this.retryMs = retryMs;
    }

    <T> T retrying(String what, Call<T> call) {
        long deadline = System.nanoTime() + retryMs * 1_000_000L;
        long pauseMs = 100;
        while (true) {
            try {
                return call.run();
            } catch (SolrServerException | IOException | RuntimeException e) {
                if (!isSolrFailure(e)) throw (RuntimeException) e;
                if (!isTransient(e) || System.nanoTime() + pauseMs * 1_000_000L > deadline) throw error(what, e);
                sleep(pauseMs);
                pauseMs = Math.min(2_000, pauseMs * 2);
            }
        }
    }

    <T> T once(String what, Call<T> call) {
        try {
            return call.run();
        } catch (SolrServerException | IOException | RuntimeException e) {
            if (!isSolrFailure(e)) throw (RuntimeException) e;
            throw error(what, e);
        }
    }

    /**
     * A failure of the request rather than a bug of ours: what Solr answered, or the network. (SolrJ's cluster-state
     * reader reports nodes it cannot reach as a bare RuntimeException with the IOException as its cause.)
     */
    static boolean isSolrFailure(Exception e) {
        if (e instanceof Clip4jException) return false;
        if (!(e instanceof RuntimeException) || e instanceof SolrException) return true;
        return rootCause(e) instanceof IOException
                || String.valueOf(e.getMessage()).contains("live_nodes");
    }

    /**
     * A node that cannot be reached, or a shard without a leader for now; not a request that Solr refuses. A
     * leader that could not forward an update to a replica on a node that just went away answers with the
     * replica's connection error ("Async exceptions during distributed update: ConnectException") until the
     * cluster marks that replica down: that is transient too.
     */
    static boolean isTransient(Exception e) {
        if (e instanceof SolrException se) {
            int code = se.code();
            if (code == 503 || code == 510 || code == -1 || rootCause(e) instanceof IOException) return true;
            String m = String.valueOf(se.getMessage()).toLowerCase(Locale.ROOT);
            for (String sign : TRANSIENT_SIGNS) if (m.contains(sign)) return true;
            return false;
        }
        return true;
    }

    private static final List<String> TRANSIENT_SIGNS = List.of(
            "leader",
            "no live",
            "recover",
            "connection refused",
            "connectexception",
            "async exception",
            "distributed update",
            "timed out",
            "timeout");

    Clip4jException error(String what, Exception e) {
        String cause = describe(e);
        // an unreachable cluster is the whole story, whatever the request was
        return new Clip4jException(where + ": " + (cause.startsWith(UNREACHABLE) ? "" : what + ": ") + cause, e);
    }

    private static final String UNREACHABLE = "cannot reach Solr";

    /** One line for a failure: the unreachable address, or what Solr said. */
    static String describe(Throwable e) {
        Throwable root = rootCause(e);
        if (root instanceof ConnectException) return UNREACHABLE + " (connection refused)";
        if (root instanceof UnknownHostException) return UNREACHABLE + " (unknown host " + root.getMessage() + ")";
        if (String.valueOf(e.getMessage()).startsWith("Failed fetching live_nodes"))
            return UNREACHABLE + " (no node answered)";
        if (root instanceof HttpTimeoutException) return "Solr did not answer in time";
        String m = e instanceof SolrException
                ? e.getMessage()
                : root.getMessage() != null ? root.getMessage() : root.toString();
        return oneLine(m);
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Clip4jException("interrupted");
        }
    }
}
