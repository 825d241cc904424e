package io.clip4j.spark;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes a shard's Parquet files from inside a task (where there is no SparkSession, hence Parquet's own writer):
 * the part file ({@code path, sha256, embedding: array<float>, error}, what {@code spark.read().parquet} reads
 * back as {@link ClipSpark#IMAGE_SCHEMA}) and clip-retrieval's metadata file ({@code image_path, sha256}, one row
 * per row of the shard's .npy). Uncompressed: embeddings are floats that do not compress, and no codec's native
 * library is then needed.
 */
final class ParquetShardWriter {
    private ParquetShardWriter() {}

    static final MessageType PART = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("path")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("sha256")
            .optionalList()
            .requiredElement(PrimitiveTypeName.FLOAT)
            .named("embedding")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("error")
            .named("clip4j_image_embedding");

    static final MessageType METADATA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("image_path")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("sha256")
            .named("clip_retrieval_metadata");

    static void writePart(Path file, Configuration conf, List<EmbeddedImage> rows) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(PART);
        try (ParquetWriter<Group> out = open(file, conf, PART)) {
            for (EmbeddedImage r : rows) {
                Group g = groups.newGroup().append("path", r.path());
                if (r.sha256() != null) g.append("sha256", r.sha256());
                if (r.embedding() != null) {
                    Group list = g.addGroup("embedding");
                    for (float v : r.embedding()) list.addGroup("list").append("element", v);
                }
                if (r.error() != null) g.append("error", r.error());
                out.write(g);
            }
        }
    }

    /** The metadata of the embedded rows only, in the order of their rows in the .npy file. */
    static void writeMetadata(Path file, Configuration conf, List<EmbeddedImage> embedded) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(METADATA);
        try (ParquetWriter<Group> out = open(file, conf, METADATA)) {
            for (EmbeddedImage r : embedded)
                out.write(groups.newGroup().append("image_path", r.path()).append("sha256", r.sha256()));
        }
    }

    private static ParquetWriter<Group> open(Path file, Configuration conf, MessageType schema) throws IOException {
        return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }
}
