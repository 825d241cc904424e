package io.clip4j.spark;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImageFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The images of a job's input, as sorted, distinct, fully qualified path strings (the sort makes the shards of
 * a re-run the same as the first run's). The listing is the driver's, as a file source's is in Spark.
 */
final class InputListing {
    private InputListing() {}

    static List<String> list(SparkSession spark, String input) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(input);
        try {
            FileSystem fs = root.getFileSystem(conf);
            FileStatus st;
            try {
                st = fs.getFileStatus(root);
            } catch (FileNotFoundException e) {
                throw new Clip4jException(input + ": no such file or folder");
            }
            root = st.getPath();
            if (st.isFile()) {
                if (isParquet(root.getName())) return fromParquet(spark, fs, input);
                if (ImageFiles.hasImageExtension(root.getName())) return List.of(root.toString());
                throw new Clip4jException(
                        input + ": neither an image, a folder of images nor a Parquet file of image paths");
            }
            TreeSet<String> images = new TreeSet<>();
            boolean parquet = false;
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                Path p = it.next().getPath();
                if (hidden(root, p)) continue;
                if (ImageFiles.hasImageExtension(p.getName())) images.add(p.toString());
                else if (isParquet(p.getName())) parquet = true;
            }
            if (!images.isEmpty()) return new ArrayList<>(images);
            if (parquet) return fromParquet(spark, fs, input);
            throw new Clip4jException(
                    input + ": no images found (" + String.join(", ", new TreeSet<>(ImageFiles.EXTENSIONS)) + ")");
        } catch (IOException e) {
            throw new Clip4jException(input + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static boolean isParquet(String name) {
        return name.endsWith(".parquet");
    }

    /** A file or folder under {@code root} whose name starts with a dot, as clip4j's own folder walk skips them. */
    private static boolean hidden(Path root, Path p) {
        for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
            if (q.getName().startsWith(".")) return true;
        }
        return false;
    }

    private static List<String> fromParquet(SparkSession spark, FileSystem fs, String input) {
        Dataset<Row> df = spark.read().parquet(input);
        List<String> columns = Arrays.asList(df.columns());
        String column = columns.contains("path") ? "path" : columns.contains("image_path") ? "image_path" : null;
        if (column == null) {
            throw new Clip4jException(
                    input + ": a Parquet input needs a column path (or image_path) naming the images; it has "
                            + String.join(", ", columns));
        }
        TreeSet<String> images = new TreeSet<>();
        for (Row r : df.select(column).where(df.col(column).isNotNull()).collectAsList()) {
            // a path without a scheme is one of the file system the Parquet input is on (relative: to its working
            // folder)
            Path p = new Path(r.getString(0));
            images.add((p.toUri().getScheme() != null ? p : fs.makeQualified(p)).toString());
        }
        if (images.isEmpty()) throw new Clip4jException(input + ": no image paths in column " + column);
        return new ArrayList<>(images);
    }
}
