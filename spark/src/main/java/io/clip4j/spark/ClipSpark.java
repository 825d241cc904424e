package io.clip4j.spark;

import io.clip4j.Clip4jException;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * CLIP embeddings of Spark Datasets. Each executor loads the model once (memory-mapped, shared by its tasks) and
 * embeds with clip4j's own decoding, preprocessing and encoder, so the embeddings are those of
 * {@code Clip.embedImages} and {@code clip4j embed}, bit for bit.
 *
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load("photos/");
 * Dataset<Row> emb = ClipSpark.embedImages(files, EmbedSettings.of("/models/clip-vit-base-patch32"));
 * emb.write().parquet("embeddings/");   // path, sha256, embedding (array<float>), error
 * }</pre>
 *
 * For a resumable job that writes shard by shard (and clip-retrieval's layout), see {@link EmbedJob}.
 */
public final class ClipSpark {
    private ClipSpark() {}

    /** The rows of {@link #embedImages}: an embedding, or the error that explains why there is none. */
    public static final StructType IMAGE_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("sha256", DataTypes.StringType, true),
        DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true)
    });

    public static Dataset<Row> embedImages(Dataset<Row> binaryFiles, String model) {
        return embedImages(binaryFiles, EmbedSettings.of(model));
    }

    /**
     * One row per input row (of {@code spark.read().format("binaryFile")}: columns {@code path} and
     * {@code content} at least), with the columns of {@link #IMAGE_SCHEMA}. An image that cannot be decoded is
     * a row with an error, not a failed task. Lazy, as any transformation: the work runs when the result is used.
     */
    public static Dataset<Row> embedImages(Dataset<Row> binaryFiles, EmbedSettings settings) {
        require(binaryFiles, "path", "a binaryFile Dataset (spark.read().format(\"binaryFile\"))");
        require(binaryFiles, "content", "a binaryFile Dataset (spark.read().format(\"binaryFile\"))");
        return binaryFiles.select("path", "content").mapPartitions(new ImageRows(settings), Encoders.row(IMAGE_SCHEMA));
    }

    public static Dataset<Row> embedTexts(Dataset<Row> rows, String textColumn, String model) {
        return embedTexts(rows, textColumn, EmbedSettings.of(model));
    }

    /**
     * The rows with two more columns: {@code embedding} (array<float>, unit length) of the string column
     * {@code textColumn}, and {@code error} (why a row has no embedding: no text, or a text the model cannot
     * embed). Texts longer than the model's context are cut to fit, as {@code clip4j embed} does by default.
     */
    public static Dataset<Row> embedTexts(Dataset<Row> rows, String textColumn, EmbedSettings settings) {
        require(rows, textColumn, "a string column");
        StructType in = rows.schema();
        int column = in.fieldIndex(textColumn);
        if (!in.fields()[column].dataType().equals(DataTypes.StringType)) {
            throw new Clip4jException("column " + textColumn + " is "
                    + in.fields()[column].dataType().simpleString() + ", not a string");
        }
        for (String c : new String[] {"embedding", "error"}) {
            if (Arrays.asList(in.fieldNames()).contains(c))
                throw new Clip4jException("the Dataset already has a column " + c);
        }
        StructType out = in.add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add("error", DataTypes.StringType, true);
        return rows.mapPartitions(new TextRows(settings, column), Encoders.row(out));
    }

    private static void require(Dataset<Row> rows, String column, String what) {
        if (!Arrays.asList(rows.columns()).contains(column)) {
            throw new Clip4jException(
                    "no column " + column + " (expected " + what + "); columns: " + String.join(", ", rows.columns()));
        }
    }
}
