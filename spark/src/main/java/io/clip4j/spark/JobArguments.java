package io.clip4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the embedding job ({@code clip4j spark embed ...} and spark-submit's arguments): a few
 * options, parsed by hand so that the job jar needs nothing beyond clip4j-core and Spark.
 */
record JobArguments(JobOptions options, String master, Map<String, String> conf, boolean help) {

    /** A command line that cannot be parsed: exit status 2, as the clip4j command's usage errors. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = String.join(
            "\n",
            "Usage: clip4j spark embed [--master URL] --input DIR|PARQUET --output DIR --model PATH",
            "                          [--partitions N] [--batch N] [--clip-retrieval-layout] [--conf KEY=VALUE]...",
            "Embed a folder of images (or the images named in a Parquet file's column path) on Spark, resumably:",
            "OUTPUT/part-NNNNN.parquet (path, sha256, embedding array<float>, error) per shard; with",
            "--clip-retrieval-layout also OUTPUT/img_emb/img_emb_N.npy and OUTPUT/metadata/metadata_N.parquet.",
            "Running it again skips the shards already written. The model's path must be readable on every executor.",
            "  --master URL            Spark master (default local[*]; spark-submit sets its own)",
            "  --input DIR|PARQUET     images (recursively, hidden files skipped), or Parquet with a path column",
            "  --output DIR            the output folder (any Hadoop file system: file:, hdfs:, s3a:, ...)",
            "  --model PATH            a clip4j model folder or file",
            "  --partitions N          shards, one task each (default: 2 per core, at most 2000 images each;",
            "                          a re-run keeps the first run's)",
            "  --batch N               images per forward pass (default " + EmbedSettings.DEFAULT_BATCH + ")",
            "  --clip-retrieval-layout also write clip-retrieval's img_emb/ and metadata/ folders",
            "  --conf KEY=VALUE        a Spark setting (repeatable)",
            "  -h, --help              this help");

    static JobArguments parse(String[] args) {
        String input = null, output = null, model = null, master = null;
        int partitions = 0, batch = EmbedSettings.DEFAULT_BATCH;
        boolean layout = false;
        Map<String, String> conf = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> {
                    return new JobArguments(null, null, Map.of(), true);
                }
                case "--clip-retrieval-layout" -> layout = true;
                case "--input" -> input = value(a, value, rest);
                case "--output" -> output = value(a, value, rest);
                case "--model" -> model = value(a, value, rest);
                case "--master" -> master = value(a, value, rest);
                case "--partitions" -> partitions = positive(a, value(a, value, rest));
                case "--batch" -> batch = positive(a, value(a, value, rest));
                case "--conf" -> {
                    String kv = value(a, value, rest);
                    int k = kv.indexOf('=');
                    if (k <= 0) throw new UsageException("--conf needs KEY=VALUE, got '" + kv + "'");
                    conf.put(kv.substring(0, k), kv.substring(k + 1));
                }
                default ->
                    throw new UsageException(
                            a.startsWith("-") ? "unknown option '" + a + "'" : "unexpected argument '" + a + "'");
            }
        }
        if (input == null) throw new UsageException("missing required option '--input=DIR|PARQUET'");
        if (output == null) throw new UsageException("missing required option '--output=DIR'");
        if (model == null) throw new UsageException("missing required option '--model=PATH'");
        return new JobArguments(new JobOptions(input, output, model, partitions, batch, layout), master, conf, false);
    }

    private static String value(String option, String inline, List<String> rest) {
        if (inline != null) return inline;
        if (rest.isEmpty()) throw new UsageException("missing value for option '" + option + "'");
        return rest.remove(0);
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(
                "invalid value for option '" + option + "': '" + v + "' is not a whole number of at least 1");
    }
}
