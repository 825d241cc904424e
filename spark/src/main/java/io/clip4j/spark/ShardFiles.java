package io.clip4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one shard in the output folder: {@code part-NNNNN.parquet} and, in clip-retrieval's layout,
 * {@code img_emb/img_emb_N.npy} and {@code metadata/metadata_N.parquet}. Each is written under a hidden
 * temporary name of the task attempt ({@code .NAME.tmp-ATTEMPT}: Spark, pyarrow and clip-retrieval's readers
 * skip names that start with a dot) and renamed once all are complete. The rename of the part file, last, is
 * the shard's commit: a shard whose files all exist is done, and a re-run skips it.
 */
final class ShardFiles {
    static final String PART_PREFIX = "part-";

    private final Path part;
    private final Path npy;
    private final Path metadata;

    ShardFiles(Path output, int shard, boolean clipRetrievalLayout) {
        this.part = new Path(output, String.format(Locale.ROOT, "%s%05d.parquet", PART_PREFIX, shard));
        this.npy = clipRetrievalLayout ? new Path(new Path(output, "img_emb"), "img_emb_" + shard + ".npy") : null;
        this.metadata =
                clipRetrievalLayout ? new Path(new Path(output, "metadata"), "metadata_" + shard + ".parquet") : null;
    }

    Path part() {
        return part;
    }

    Path npy() {
        return npy;
    }

    Path metadata() {
        return metadata;
    }

    boolean clipRetrievalLayout() {
        return npy != null;
    }

    /** The final files in commit order: the part file last, since its presence is what marks the shard done. */
    List<Path> finals() {
        List<Path> all = new ArrayList<>();
        if (npy != null) {
            all.add(npy);
            all.add(metadata);
        }
        all.add(part);
        return all;
    }

    /** Where an attempt writes {@code finalFile} before the commit. */
    static Path temp(Path finalFile, String attempt) {
        return new Path(finalFile.getParent(), "." + finalFile.getName() + ".tmp-" + attempt);
    }

    boolean committed(FileSystem fs) throws IOException {
        for (Path p : finals()) if (!fs.exists(p)) return false;
        return true;
    }

    /**
     * Renames this attempt's temporary files to their final names, the part file last. A final file that
     * already exists (written by an earlier attempt that died after renaming it, or by a speculative twin) is
     * kept and this attempt's copy dropped: both hold the same rows, so the shard's rows are never doubled.
     * {@code afterFirst} runs once the first file is in place (the tests' fault injection).
     */
    void commit(FileSystem fs, String attempt, Runnable afterFirst) throws IOException {
        boolean first = true;
        for (Path f : finals()) {
            Path t = temp(f, attempt);
            if (fs.exists(f)) fs.delete(t, false);
            else if (!fs.rename(t, f) && !fs.exists(f)) throw new IOException("cannot rename " + t + " to " + f);
            if (first) afterFirst.run();
            first = false;
        }
    }

    /** Deletes this attempt's temporary files (after a failure, so that a retry starts clean). */
    void discard(FileSystem fs, String attempt) {
        for (Path f : finals()) {
            try {
                fs.delete(temp(f, attempt), false);
            } catch (IOException ignored) {
                // a leftover hidden temporary file is harmless: readers skip it and the next attempt has its own name
            }
        }
    }
}
