package io.clip4j.spark;

import java.io.Serializable;
import java.util.List;

/** Shard {@code id} of a job: the images it embeds, in the (sorted) order of its output rows. */
record Shard(int id, List<String> paths) implements Serializable {
    Shard {
        paths = List.copyOf(paths);
    }
}
