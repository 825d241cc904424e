package io.clip4j.spark;

import io.clip4j.api.Clip;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * The work of one task: embeds its shard's images with the executor's shared model and writes the shard's files,
 * committed by renames (see {@link ShardFiles}). A shard found already committed (by an earlier run or attempt)
 * is left as it is. Bad images are rows with an error; only a failure to write fails the task, which Spark
 * then retries.
 */
final class ShardTask implements FlatMapFunction<Iterator<Shard>, ShardReport> {
    private final EmbedSettings settings;
    private final String output;
    private final boolean clipRetrievalLayout;
    private final HadoopConf hadoopConf;
    private final TaskFaults faults;

    ShardTask(
            EmbedSettings settings,
            String output,
            boolean clipRetrievalLayout,
            HadoopConf hadoopConf,
            TaskFaults faults) {
        this.settings = settings;
        this.output = output;
        this.clipRetrievalLayout = clipRetrievalLayout;
        this.hadoopConf = hadoopConf;
        this.faults = faults;
    }

    @Override
    public Iterator<ShardReport> call(Iterator<Shard> shards) throws IOException {
        Configuration conf = hadoopConf.toConfiguration();
        List<ShardReport> reports = new ArrayList<>();
        while (shards.hasNext()) reports.add(run(shards.next(), conf));
        return reports.iterator();
    }

    private ShardReport run(Shard shard, Configuration conf) throws IOException {
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(conf);
        // no .crc files beside the outputs on a local file system: the renames then move one file each
        fs.setWriteChecksum(false);
        ShardFiles files = new ShardFiles(out, shard.id(), clipRetrievalLayout);
        TaskContext task = TaskContext.get();
        int attemptNumber = task == null ? 0 : task.attemptNumber();
        String attempt = task == null ? "driver" : Long.toString(task.taskAttemptId());
        if (files.committed(fs))
            return new ShardReport(shard.id(), shard.paths().size(), 0, true, List.of());

        Clip clip = ExecutorModels.get(settings);
        List<EmbeddedImage> rows = HashingEmbedder.embed(clip, shard.paths(), new HadoopImages(conf));
        try {
            write(files, fs, conf, attempt, rows, clip.embedDim());
            faults.maybeFail(TaskFaults.Point.BEFORE_COMMIT, attemptNumber, shard.id());
            files.commit(
                    fs, attempt, () -> faults.maybeFail(TaskFaults.Point.DURING_COMMIT, attemptNumber, shard.id()));
        } catch (IOException | RuntimeException e) {
            files.discard(fs, attempt);
            throw e;
        }
        List<String> errors = new ArrayList<>();
        int failed = 0;
        for (EmbeddedImage r : rows) {
            if (r.ok()) continue;
            failed++;
            if (errors.size() < ShardReport.ERRORS_KEPT) errors.add(r.error());
        }
        return new ShardReport(shard.id(), rows.size(), failed, false, errors);
    }

    private static void write(
            ShardFiles files, FileSystem fs, Configuration conf, String attempt, List<EmbeddedImage> rows, int dim)
            throws IOException {
        if (files.clipRetrievalLayout()) {
            List<EmbeddedImage> embedded =
                    rows.stream().filter(EmbeddedImage::ok).toList();
            NpyWriter.writeFloat32(
                    fs,
                    ShardFiles.temp(files.npy(), attempt),
                    embedded.stream().map(EmbeddedImage::embedding).toList(),
                    dim);
            ParquetShardWriter.writeMetadata(ShardFiles.temp(files.metadata(), attempt), conf, embedded);
        }
        ParquetShardWriter.writePart(ShardFiles.temp(files.part(), attempt), conf, rows);
    }
}
