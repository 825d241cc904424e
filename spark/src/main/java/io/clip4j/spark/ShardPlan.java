package io.clip4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How a job's images are split into shards: the sorted images cut into {@code shards} contiguous runs, so that
 * the same input and shard count always give the same shards. The first run records the plan in the output
 * folder ({@value #MANIFEST}: model, image count, shard count, digest of the image list); a re-run must find the
 * same, since only then are the shards it skips the ones it would write.
 */
final class ShardPlan {
    static final String MANIFEST = "_clip4j_spark.json";
    /** images per shard when the shard count is chosen: small enough that a retried task loses little */
    static final int IMAGES_PER_SHARD = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> images;
    private final int shards;

    private ShardPlan(List<String> images, int shards) {
        this.images = images;
        this.shards = shards;
    }

    int shardCount() {
        return shards;
    }

    int imageCount() {
        return images.size();
    }

    Shard shard(int i) {
        int n = images.size();
        return new Shard(i, images.subList((int) ((long) i * n / shards), (int) ((long) (i + 1) * n / shards)));
    }

    /**
     * The plan for {@code images}, agreed with the output folder's manifest (written when there is none).
     *
     * @param requested the shard count asked for; 0: the manifest's on a re-run, else chosen from the image count
     *                  and {@code parallelism} (at least two tasks per slot, so that a slow task is not the job's tail)
     */
    static ShardPlan agree(
            FileSystem fs, Path output, List<String> images, int requested, int parallelism, String model) {
        Path manifest = new Path(output, MANIFEST);
        String digest = digest(images);
        try {
            if (fs.exists(manifest)) {
                JsonNode m;
                try (InputStream in = fs.open(manifest)) {
                    m = JSON.readTree(in);
                }
                int shards = m.path("shards").asInt();
                if (!digest.equals(m.path("images_sha256").asText())
                        || images.size() != m.path("images").asInt()) {
                    throw new Clip4jException(String.format(
                            Locale.ROOT,
                            "%s was started for another input (%d images then, %d now): give a new --output, or delete it to start over",
                            output,
                            m.path("images").asInt(),
                            images.size()));
                }
                if (!model.equals(m.path("model").asText())) {
                    throw new Clip4jException(output + " was started with the model "
                            + m.path("model").asText() + ": give a new --output for " + model);
                }
                if (requested != 0 && requested != shards) {
                    throw new Clip4jException(String.format(
                            Locale.ROOT,
                            "%s was started with --partitions %d: resume with the same (or none), or give a new --output",
                            output,
                            shards));
                }
                return new ShardPlan(images, shards);
            }
            int shards = requested != 0
                    ? requested
                    : Math.max(2 * Math.max(1, parallelism), (images.size() + IMAGES_PER_SHARD - 1) / IMAGES_PER_SHARD);
            shards = Math.max(1, Math.min(shards, images.size()));
            ObjectNode m = JSON.createObjectNode();
            m.put("model", model);
            m.put("images", images.size());
            m.put("shards", shards);
            m.put("images_sha256", digest);
            fs.mkdirs(output);
            try (OutputStream out = fs.create(manifest, true)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            }
            return new ShardPlan(images, shards);
        } catch (IOException e) {
            throw new Clip4jException(manifest + ": cannot read or write (" + e.getMessage() + ")");
        }
    }

    /** The shards not yet committed in {@code output}. */
    List<Shard> pending(FileSystem fs, Path output, boolean clipRetrievalLayout) {
        List<Shard> out = new ArrayList<>();
        try {
            for (int i = 0; i < shards; i++) {
                if (!new ShardFiles(output, i, clipRetrievalLayout).committed(fs)) out.add(shard(i));
            }
        } catch (IOException e) {
            throw new Clip4jException(output + ": cannot list (" + e.getMessage() + ")");
        }
        return out;
    }

    private static String digest(List<String> images) {
        MessageDigest md = ModelIdentity.sha256();
        for (String p : images) {
            md.update(p.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
