package io.clip4j.api;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes and preprocesses images on worker threads while the model encodes the previous batch. At most two
 * batches of decoded pixels are alive beyond the one being encoded, whatever the number of files.
 */
final class ImagePipeline {
    private static final ExecutorService DECODERS =
            Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), r -> {
                Thread t = new Thread(r, "clip4j-decode");
                t.setDaemon(true);
                return t;
            });

    private final Clip clip;
    private final int batch;

    ImagePipeline(Clip clip, int batch) {
        this.clip = clip;
        this.batch = batch;
    }

    /** A preprocessed image, or why it could not be. */
    private record Decoded(float[] pixels, String error) {}

    List<Clip.ImageResult> run(List<Path> files) {
        return run(files, null);
    }

    /**
     * As {@link #run(List)}, with the bytes of each image got from {@code reader} (on the decoding threads)
     * instead of read from the file of that name; null reads the files.
     */
    List<Clip.ImageResult> run(List<Path> files, Clip.ImageReader reader) {
        int n = files.size();
        List<Clip.ImageResult> results = new ArrayList<>(n);
        List<Future<Decoded>> pending = new ArrayList<>(n);
        int submitted = 0;
        int lookAhead = 3 * batch;
        for (int start = 0; start < n; start += batch) {
            while (submitted < n && submitted < start + lookAhead) {
                Path f = files.get(submitted++);
                pending.add(DECODERS.submit(() -> decode(f, reader)));
            }
            int end = Math.min(n, start + batch);
            List<Integer> good = new ArrayList<>();
            float[][] pix = new float[end - start][];
            String[] errors = new String[end - start];
            for (int i = start; i < end; i++) {
                Decoded d = await(pending.get(i), files.get(i));
                pending.set(i, null);
                if (d.error() != null) errors[i - start] = d.error();
                else {
                    pix[i - start] = d.pixels();
                    good.add(i - start);
                }
            }
            float[][] emb = new float[0][];
            if (!good.isEmpty()) {
                int per = pix[good.get(0)].length;
                float[] packed = new float[good.size() * per];
                for (int j = 0; j < good.size(); j++) System.arraycopy(pix[good.get(j)], 0, packed, j * per, per);
                emb = clip.embedPixelsOrNull(packed, good.size());
            }
            int g = 0;
            for (int i = start; i < end; i++) {
                String err = errors[i - start];
                float[] v = err == null ? emb[g++] : null;
                if (err == null && v == null) err = files.get(i) + ": " + Clip.NON_FINITE;
                results.add(
                        err != null
                                ? new Clip.ImageResult(files.get(i), null, err)
                                : new Clip.ImageResult(files.get(i), v, null));
            }
        }
        return results;
    }

    private Decoded decode(Path file, Clip.ImageReader reader) {
        try {
            float[] pixels = reader == null
                    ? clip.preprocessor().preprocess(file)
                    : clip.preprocessor().preprocess(reader.read(file), file.toString());
            return new Decoded(pixels, null);
        } catch (IOException e) {
            return new Decoded(null, file + ": cannot read (" + e.getMessage() + ")");
        } catch (Clip4jException e) {
            return new Decoded(null, e.getMessage());
        } catch (OutOfMemoryError e) {
            return new Decoded(null, file + ": not enough memory to decode (raise -Xmx or lower the pixel limit)");
        } catch (RuntimeException e) {
            return new Decoded(null, file + ": cannot decode image (" + e + ")");
        }
    }

    private static Decoded await(Future<Decoded> f, Path file) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Clip4jException("interrupted while decoding " + file);
        } catch (ExecutionException e) {
            return new Decoded(null, file + ": " + e.getCause());
        }
    }
}
