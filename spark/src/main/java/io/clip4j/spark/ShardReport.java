package io.clip4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What a task tells the driver about its shard.
 *
 * @param skipped the shard was found committed (by an earlier run or attempt) and left as it was
 * @param errors  the first errors of the shard (all of them are in its rows' {@code error} column)
 */
record ShardReport(int shard, int images, int failed, boolean skipped, List<String> errors) implements Serializable {
    static final int ERRORS_KEPT = 20;
}
