package io.clip4j.spark;

import java.util.List;

/**
 * The outcome of an {@link EmbedJob} run.
 *
 * @param images        images in the input
 * @param shards        shards of the plan
 * @param shardsWritten shards embedded and committed by this run
 * @param shardsSkipped shards found committed by an earlier run and left as they were
 * @param embedded      images embedded by this run
 * @param failed        images of this run's shards that could not be embedded (rows with an error)
 * @param errors        the first of those errors
 * @param seconds       the run's wall time
 */
public record JobReport(
        int images,
        int shards,
        int shardsWritten,
        int shardsSkipped,
        int embedded,
        int failed,
        List<String> errors,
        double seconds) {}
