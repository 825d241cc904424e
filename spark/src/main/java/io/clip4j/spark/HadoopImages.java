package io.clip4j.spark;

import io.clip4j.image.ImageFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads images from any Hadoop file system (file:, hdfs:, s3a:, ...) for an executor's tasks. */
final class HadoopImages implements ImageBytesSource {
    private final Configuration conf;

    HadoopImages(Configuration conf) {
        this.conf = conf;
    }

    /** The whole file, refused beyond clip4j's size limit for one image (as {@code clip4j embed} refuses it). */
    @Override
    public byte[] read(String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        if (st.isDirectory()) throw new IOException("is a folder");
        if (st.getLen() > ImageFileReader.DEFAULT_MAX_BYTES) {
            throw new IOException(String.format(
                    Locale.ROOT,
                    "%d bytes: larger than an image can be (%d MB)",
                    st.getLen(),
                    ImageFileReader.DEFAULT_MAX_BYTES >> 20));
        }
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
