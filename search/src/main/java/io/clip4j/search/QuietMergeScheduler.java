package io.clip4j.search;

import org.apache.lucene.index.ConcurrentMergeScheduler;

/**
 * Lucene's concurrent merges without their stack traces: by default a merge that fails (a full disk) rethrows in
 * its thread, which prints the trace on stderr. The writer has already recorded the failure, and the next commit
 * (or any later call) reports it, as one line, through {@link VectorStore}.
 */
final class QuietMergeScheduler extends ConcurrentMergeScheduler {
    @Override
    protected void handleMergeException(Throwable exc) {
        // nothing: see the class comment
    }
}
