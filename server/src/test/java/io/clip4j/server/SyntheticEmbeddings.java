package io.clip4j.server;

import io.clip4j.exchange.NpyFiles;
import io.clip4j.exchange.ParquetWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes N clustered random unit vectors in clip-retrieval's layout (img_emb/img_emb_K.npy + metadata/metadata_K.parquet,
 * 100k rows per shard) for load tests at scale: {@code clip4j index import --from DIR} turns them into an index.
 * Clustered (1000 centres, noise of the same norm) so that HNSW faces neighbourhoods as real photo collections have.
 * Usage: SyntheticEmbeddings OUT_DIR N DIM [SEED]
 */
public final class SyntheticEmbeddings {
    private static final int PER_SHARD = 100_000, CENTRES = 1000;

    private SyntheticEmbeddings() {}

    public static void main(String[] args) {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]), dim = Integer.parseInt(args[2]);
        SplittableRandom r = new SplittableRandom(args.length > 3 ? Long.parseLong(args[3]) : 42);
        float[][] centres = new float[CENTRES][];
        for (int c = 0; c < CENTRES; c++) centres[c] = unit(gaussian(r, dim, 1));
        for (int shard = 0, start = 0; start < n; shard++, start += PER_SHARD) {
            int rows = Math.min(PER_SHARD, n - start);
            List<float[]> vectors = new ArrayList<>(rows);
            List<String> paths = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                float[] c = centres[r.nextInt(CENTRES)];
                float[] v = gaussian(r, dim, 1 / Math.sqrt(dim));
                for (int j = 0; j < dim; j++) v[j] += c[j];
                vectors.add(unit(v));
                paths.add(String.format(Locale.ROOT, "/photos/%07d.jpg", start + i));
            }
            NpyFiles.writeFloat32(out.resolve("img_emb").resolve("img_emb_" + shard + ".npy"), vectors, dim);
            ParquetWriter.writeStrings(
                    out.resolve("metadata").resolve("metadata_" + shard + ".parquet"),
                    List.of("image_path"),
                    List.of(paths));
            System.out.printf(Locale.ROOT, "shard %d: %d vectors%n", shard, rows);
        }
    }

    private static float[] gaussian(SplittableRandom r, int dim, double sigma) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            // Box-Muller; SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default
            double u = 1 - r.nextDouble(), w = r.nextDouble();
            v[j] = (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w));
        }
        return v;
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        for (int j = 0; j < v.length; j++) v[j] *= inv;
        return v;
    }
}
