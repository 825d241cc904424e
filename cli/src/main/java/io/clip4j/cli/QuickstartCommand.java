package io.clip4j.cli;

import io.clip4j.model.ClipConfig;
import io.clip4j.quickstart.Quickstart;
import io.clip4j.quickstart.QuickstartDistill;
import io.clip4j.quickstart.QuickstartRecipe;
import io.clip4j.train.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clip4j quickstart}: synthetic data, a small CLIP trained from scratch, zero-shot and search, a report. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "Run the offline demo, with nothing to download. It writes a synthetic set of coloured shapes (holding out "
                    + QuickstartRecipe.HOLDOUT
                    + "), trains a small CLIP from scratch for --seconds, classifies unseen images "
                    + "zero-shot (including the held-out colour-shape pairs), searches them by text, distils the model into a "
                    + "half-size student stored in fp16, and writes OUT/report.html.",
            "JSON: {\"report\",\"model\",\"steps\",\"train_seconds\",\"images_per_s\",\"final_loss\",\"zeroshot\",\"search\",\"seconds\"}."
        })
public final class QuickstartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--out",
            defaultValue = "quickstart",
            paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--seconds",
            defaultValue = "150",
            paramLabel = "S",
            description = "Training time budget (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "N",
            description = "Seed for data, initialisation and order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--distill-seconds",
            defaultValue = "60",
            paramLabel = "S",
            description =
                    "Time budget for distilling the trained model into a half-size student stored in fp16; 0 skips it (default: ${DEFAULT-VALUE}).")
    double distillSeconds;

    @Option(
            names = "--max-steps",
            paramLabel = "N",
            description =
                    "Stop training after N steps even if time is left (with a large --seconds: the same run on a busy or slow machine as on a free one).")
    Long maxSteps;

    /** Tests: a one-layer model on a handful of tiny images, so the whole pipeline runs in seconds. */
    @Option(names = "--tiny", hidden = true)
    boolean tiny;

    @Override
    public Integer call() {
        QuickstartRecipe recipe =
                tiny ? QuickstartRecipe.tiny(seconds, seed) : QuickstartRecipe.standard(seconds, seed);
        if (maxSteps != null) recipe = recipe.withMaxSteps(maxSteps);
        PrintWriter err = spec.commandLine().getErr();
        var bar = new TrainCommand.Bar(err);
        Quickstart.Result r;
        try {
            if (!(distillSeconds >= 0))
                throw new ParameterException(
                        spec.commandLine(), "--distill-seconds must be >= 0, got " + distillSeconds);
            r = Quickstart.run(out, recipe, distillSeconds, new Quickstart.Progress() {
                @Override
                public void stage(String message) {
                    bar.finish();
                    err.println("clip4j: " + message);
                    err.flush();
                }

                @Override
                public TrainingRun.Listener training() {
                    return bar;
                }
            });
        } finally {
            bar.finish();
        }
        PrintWriter o = spec.commandLine().getOut();
        var z = r.zeroShot();
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("report", r.report().toString());
            m.put("model", r.model().toString());
            m.put("steps", r.steps());
            m.put("train_seconds", r.trainSeconds());
            m.put("images_per_s", r.imagesPerSecond());
            m.put("final_loss", r.finalLoss());
            Map<String, Object> zs = new LinkedHashMap<>();
            zs.put("labels", z.labels());
            zs.put("seen_images", z.seenImages());
            zs.put("seen_top1", z.seenTop1());
            zs.put("heldout_images", z.heldoutImages());
            zs.put("heldout_top1", z.heldoutTop1());
            zs.put("chance", z.chance());
            zs.put("heldout_colour", z.heldoutColour());
            zs.put("heldout_shape", z.heldoutShape());
            m.put("zeroshot", zs);
            List<Object> searches = new ArrayList<>();
            for (var s : r.searches()) {
                List<Object> hits = new ArrayList<>();
                for (var h : s.hits())
                    hits.add(Map.of("path", h.path().toString(), "label", h.truth(), "score", h.score()));
                searches.add(Map.of("query", s.query(), "results", hits));
            }
            m.put("search", searches);
            m.put("train_metrics", r.trainMetrics());
            if (r.student() != null) m.put("student", studentJson(r.student()));
            m.put("seconds", r.seconds());
            OutputOptions.printJson(o, m);
        } else {
            o.printf(
                    Locale.ROOT,
                    "trained %s from scratch: %d steps in %.0f s (%.0f images/s), final loss %.3f%n",
                    r.recipe().model().describe(),
                    r.steps(),
                    r.trainSeconds(),
                    r.imagesPerSecond(),
                    r.finalLoss());
            o.printf(
                    Locale.ROOT,
                    "zero-shot top-1 over %d labels: seen pairs %.1f%% (%d images), held-out pairs %.1f%% (%d images); chance %.1f%%%n",
                    z.labels(),
                    100 * z.seenTop1(),
                    z.seenImages(),
                    100 * z.heldoutTop1(),
                    z.heldoutImages(),
                    100 * z.chance());
            o.printf(
                    Locale.ROOT,
                    "held-out pairs: colour right %.1f%% (chance %.1f%%), shape right %.1f%% (chance %.1f%%)%n",
                    100 * z.heldoutColour(),
                    100.0 / z.colours(),
                    100 * z.heldoutShape(),
                    100.0 / z.shapes());
            if (!r.searches().isEmpty()) {
                var s = r.searches().get(0);
                List<String> hits = new ArrayList<>();
                for (var h : s.hits())
                    hits.add(r.out().relativize(h.path()) + String.format(Locale.ROOT, " (%.2f)", h.score()));
                o.println("search \"" + s.query() + "\": " + String.join(", ", hits));
            }
            if (r.student() != null) {
                var st = r.student();
                o.printf(
                        Locale.ROOT,
                        "distilled student (%s, fp16): %.1f MB vs %.1f MB, %.0f vs %.0f images/s; zero-shot seen %.1f%% vs %.1f%%, "
                                + "held-out %.1f%% vs %.1f%%; agreement with the teacher %.1f%%, overlap@10 %.1f%%%n",
                        describeVision(st.student().config()),
                        st.student().fileBytes() / 1e6,
                        st.teacher().fileBytes() / 1e6,
                        st.student().imagesPerSecond(),
                        st.teacher().imagesPerSecond(),
                        100 * st.student().evaluation().zeroShot().seenTop1(),
                        100 * st.teacher().evaluation().zeroShot().seenTop1(),
                        100 * st.student().evaluation().zeroShot().heldoutTop1(),
                        100 * st.teacher().evaluation().zeroShot().heldoutTop1(),
                        100 * st.agreement().zeroShotAgreement(),
                        100 * st.agreement().overlap());
            }
            o.println("report: " + r.report());
        }
        o.flush();
        return 0;
    }

    static String describeVision(ClipConfig c) {
        return "width " + c.visionWidth() + ", " + c.visionLayers()[0] + " layers";
    }

    static Map<String, Object> studentJson(QuickstartDistill.Result st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", st.steps());
        m.put("seconds", st.seconds());
        for (QuickstartDistill.Side side : List.of(st.teacher(), st.student())) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("model", side.folder().toString());
            s.put("image_parameters", side.imageParameters());
            s.put("file_bytes", side.fileBytes());
            s.put("images_per_s", side.imagesPerSecond());
            s.put("seen_top1", side.evaluation().zeroShot().seenTop1());
            s.put("heldout_top1", side.evaluation().zeroShot().heldoutTop1());
            m.put(side == st.teacher() ? "teacher" : "student", s);
        }
        m.put("zeroshot_agreement", st.agreement().zeroShotAgreement());
        m.put("mean_cosine", st.agreement().meanCosine());
        m.put("overlap_at_10", st.agreement().overlap());
        m.put("map_at_10", st.agreement().map());
        return m;
    }
}
