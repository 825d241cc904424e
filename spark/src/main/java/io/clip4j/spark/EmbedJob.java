package io.clip4j.spark;

import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The resumable embedding job: lists the input's images, splits them into shards (one task each), embeds each
 * shard with the executor's shared model and commits its files by rename (see {@link ShardFiles}), skipping the
 * shards an earlier run committed. The result is a Parquet folder of {@code path, sha256, embedding, error}
 * (read it with {@code spark.read().parquet(output)}), and with {@code clipRetrievalLayout} clip-retrieval's
 * {@code img_emb/img_emb_N.npy} + {@code metadata/metadata_N.parquet} per shard. {@code _SUCCESS} marks a
 * finished output.
 *
 * <p>{@code spark-submit --class io.clip4j.spark.EmbedJob ... --input DIR --output DIR --model PATH}
 */
public final class EmbedJob {
    static final String SUCCESS = "_SUCCESS";

    private EmbedJob() {}

    /** spark-submit's entry: the session is the one spark-submit configured (master, executors). */
    public static void main(String[] args) {
        System.exit(SparkMain.runJob(args, new PrintWriter(System.out, true)));
    }

    public static JobReport run(SparkSession spark, JobOptions options) {
        return run(spark, options, TaskFaults.NONE);
    }

    /** Read by `clip4j index import` to check the embeddings against its index's model; "_" so that Spark and Hadoop readers of the output skip it. */
    static final String MODEL_FILE = "_clip4j-model.json";

    /**
     * Records which model made the embeddings (the driver's copy, memory-mapped: on one machine the executors'),
     * written before _SUCCESS so that a finished output always names its model.
     */
    private static void writeModelIdentity(FileSystem fs, Path output, EmbedSettings settings) {
        String json = ModelIdentity.of(ExecutorModels.get(settings)).toJson();
        try (var out = fs.create(new Path(output, MODEL_FILE), true)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Clip4jException(output + ": cannot write " + MODEL_FILE + " (" + e.getMessage() + ")");
        }
    }

    static JobReport run(SparkSession spark, JobOptions options, TaskFaults faults) {
        long t0 = System.nanoTime();
        EmbedSettings settings = EmbedSettings.of(options.model(), options.batch());
        // on one machine the executors' model is the driver's: a wrong path is then a one-line error, not four failed
        // attempts of every task (on a cluster only the executors can tell)
        if (spark.sparkContext().isLocal() && !Files.exists(Paths.get(settings.model()))) {
            throw new Clip4jException(options.model() + ": no such model file or folder");
        }
        HadoopConf conf = HadoopConf.of(spark.sparkContext().hadoopConfiguration());
        Path output = new Path(options.output());
        FileSystem fs;
        try {
            fs = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.setWriteChecksum(false);
            output = fs.makeQualified(output);
            if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
                throw new Clip4jException(options.output() + ": exists and is not a folder");
            }
        } catch (IOException e) {
            throw new Clip4jException(options.output() + ": cannot open (" + e.getMessage() + ")");
        }
        List<String> images = InputListing.list(spark, options.input());
        ShardPlan plan = ShardPlan.agree(
                fs, output, images, options.partitions(), spark.sparkContext().defaultParallelism(), settings.model());
        List<Shard> pending = plan.pending(fs, output, options.clipRetrievalLayout());

        List<ShardReport> reports = List.of();
        if (!pending.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            jsc.setJobDescription(String.format(
                    Locale.ROOT,
                    "clip4j embed: %d of %d shards, %d images",
                    pending.size(),
                    plan.shardCount(),
                    pending.stream().mapToInt(s -> s.paths().size()).sum()));
            // one shard per partition: a task is a shard, and a retried task redoes just that shard
            reports = jsc.parallelize(pending, pending.size())
                    .mapPartitions(
                            new ShardTask(settings, output.toString(), options.clipRetrievalLayout(), conf, faults))
                    .collect();
        }
        int written = 0, embedded = 0, failed = 0;
        List<String> errors = new ArrayList<>();
        for (ShardReport r : reports) {
            if (r.skipped()) continue;
            written++;
            embedded += r.images() - r.failed();
            failed += r.failed();
            for (String e : r.errors()) if (errors.size() < ShardReport.ERRORS_KEPT) errors.add(e);
        }
        int skipped = plan.shardCount() - written;
        writeModelIdentity(fs, output, settings);
        try {
            if (plan.pending(fs, output, options.clipRetrievalLayout()).isEmpty())
                fs.create(new Path(output, SUCCESS), true).close();
        } catch (IOException e) {
            throw new Clip4jException(output + ": cannot write " + SUCCESS + " (" + e.getMessage() + ")");
        }
        return new JobReport(
                plan.imageCount(),
                plan.shardCount(),
                written,
                skipped,
                embedded,
                failed,
                errors,
                (System.nanoTime() - t0) / 1e9);
    }
}
