package io.clip4j.cli;

import com.sun.management.OperatingSystemMXBean;
import io.clip4j.api.Clip;
import io.clip4j.kernels.Parallel;
import io.clip4j.model.ClipConfig;
import io.clip4j.model.ModelFlops;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j bench}: throughput of the encoders on synthetic inputs. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure encoder throughput on synthetic inputs (random pixels, random token ids).",
            "JSON: {\"what\",\"batch\",\"items_per_s\",\"ms_per_item\",\"gflops_per_s\", ...}"
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    enum What {
        image,
        text
    }

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "PATH|REPO_ID",
            description = ModelOption.MODEL_HELP)
    String model;

    @Option(names = "--what", required = true, paramLabel = "image|text", description = "Which encoder to measure.")
    What what;

    @Option(
            names = "--batch",
            defaultValue = "1",
            paramLabel = "N",
            description = "Items per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            paramLabel = "S",
            description = "Measuring time after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", paramLabel = "T", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--half", description = "Keep weights in memory as fp16 (fp32 arithmetic).")
    boolean half;

    @Option(
            names = "--tokens",
            defaultValue = "10",
            paramLabel = "L",
            description =
                    "Text: positions per prompt including SOT and EOT (default: ${DEFAULT-VALUE}; 77 = fully padded work).")
    int tokens;

    @Override
    public Integer call() {
        Usage.require(batch >= 1, spec, "--batch must be at least 1, got " + batch);
        Usage.require(seconds > 0, spec, "--seconds must be positive, got " + seconds);
        Usage.require(threads == null || threads >= 1, spec, "--threads must be at least 1, got " + threads);
        Usage.require(tokens >= 2, spec, "--tokens must be at least 2 (SOT and EOT), got " + tokens);
        if (threads != null) Parallel.setThreads(threads);
        Path modelPath = ModelRefs.resolve(spec, model);
        long t0 = System.nanoTime();
        try (Clip clip = Clip.load(
                modelPath, Clip.Options.defaults().withBatchSize(batch).withHalfWeights(half))) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            ClipConfig c = clip.config();
            Usage.require(
                    what == What.image || tokens <= c.contextLength(),
                    spec,
                    "--tokens must be at most the model's context length " + c.contextLength() + ", got " + tokens);
            Random rnd = new Random(42);
            Runnable work;
            double flopsPerItem;
            if (what == What.image) {
                int r = c.imageResolution();
                float[] pixels = new float[batch * 3 * r * r];
                for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextGaussian();
                work = () -> clip.embedPixels(pixels, batch);
                flopsPerItem = ModelFlops.image(c);
            } else {
                int[][] rows = new int[batch][c.contextLength()];
                for (int[] row : rows) {
                    row[0] = 49406;
                    for (int p = 1; p < tokens - 1; p++) row[p] = 1 + rnd.nextInt(40000);
                    row[tokens - 1] = 49407;
                }
                work = () -> clip.embedTokens(rows);
                flopsPerItem = ModelFlops.text(c, tokens);
            }
            // warm-up: JIT and page-in of the mapped weights
            long warmEnd = System.nanoTime() + (long) (Math.min(5, Math.max(1, seconds / 3)) * 1e9);
            int warm = 0;
            do {
                work.run();
                warm++;
            } while (System.nanoTime() < warmEnd || warm < 2);
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
            int iters = 0;
            long now;
            do {
                work.run();
                iters++;
                now = System.nanoTime();
            } while (now < end);
            double elapsed = (now - start) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
            double items = (double) iters * batch;
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("what", what.name());
            doc.put("batch", batch);
            doc.put("items_per_s", items / elapsed);
            doc.put("ms_per_item", 1000 * elapsed / items);
            doc.put("gflops_per_s", items * flopsPerItem / elapsed / 1e9);
            doc.put("gflop_per_item", flopsPerItem / 1e9);
            if (what == What.text) doc.put("tokens", tokens);
            doc.put("threads", Parallel.threads());
            doc.put("half_weights", half);
            doc.put("iterations", iters);
            doc.put("seconds", elapsed);
            doc.put("cpu_seconds", cpuSeconds);
            doc.put("load_seconds", loadS);
            doc.put("model", c.openaiName() != null ? c.openaiName() : c.describe());
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) OutputOptions.printJson(out, doc);
            else
                out.printf(
                        Locale.ROOT,
                        "%s batch %d: %.2f %s/s, %.1f ms per item, %.1f GFLOP/s (%d threads, load %.2f s)%n",
                        what,
                        batch,
                        items / elapsed,
                        what == What.image ? "images" : "texts",
                        1000 * elapsed / items,
                        items * flopsPerItem / elapsed / 1e9,
                        Parallel.threads(),
                        loadS);
            out.flush();
            return 0;
        }
    }
}
