package io.clip4j.spark;

import io.clip4j.Clip4jException;

/**
 * The settings of an {@link EmbedJob}.
 *
 * @param input               a folder of images (recursively; hidden files and folders skipped), or a Parquet
 *                            file or folder with a column {@code path} (or {@code image_path}) naming the images
 * @param output              the output folder: {@code part-NNNNN.parquet} per shard, and in clip-retrieval's
 *                            layout {@code img_emb/} and {@code metadata/}
 * @param model               the model's path, the same on every executor
 * @param partitions          shards (= tasks); 0 chooses (or, on a re-run, keeps the first run's)
 * @param batch               images per forward pass
 * @param clipRetrievalLayout also write {@code img_emb/img_emb_N.npy} and {@code metadata/metadata_N.parquet}
 */
public record JobOptions(
        String input, String output, String model, int partitions, int batch, boolean clipRetrievalLayout) {
    public JobOptions {
        if (input == null || input.isBlank()) throw new Clip4jException("no input: give --input DIR|PARQUET");
        if (output == null || output.isBlank()) throw new Clip4jException("no output: give --output DIR");
        if (model == null || model.isBlank()) throw new Clip4jException("no model: give --model PATH");
        if (partitions < 0) throw new Clip4jException("--partitions must be at least 1, got " + partitions);
        if (batch < 1) throw new Clip4jException("--batch must be at least 1, got " + batch);
    }

    public static JobOptions of(String input, String output, String model) {
        return new JobOptions(input, output, model, 0, EmbedSettings.DEFAULT_BATCH, false);
    }

    public JobOptions withPartitions(int n) {
        return new JobOptions(input, output, model, n, batch, clipRetrievalLayout);
    }

    public JobOptions withBatch(int b) {
        return new JobOptions(input, output, model, partitions, b, clipRetrievalLayout);
    }

    public JobOptions withClipRetrievalLayout(boolean on) {
        return new JobOptions(input, output, model, partitions, batch, on);
    }
}
