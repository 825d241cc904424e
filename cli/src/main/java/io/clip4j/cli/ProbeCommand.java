package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.probe.FolderProbe;
import io.clip4j.probe.LinearProbe;
import io.clip4j.probe.LogisticRegression;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j probe}: linear-probe accuracy of the image encoder on class folders. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = {
            "Score a linear probe on the image embeddings of class folders, as in the CLIP paper.",
            "The probe is a logistic regression on the frozen unit image embeddings. The L2 penalty is chosen on a stratified validation split of --train; the probe is then refit on all "
                    + "of --train and scored on --test.",
            "--train and --test hold one sub-folder per class (the folder name is the class). Progress is shown on "
                    + "stderr when it is a terminal; --save FILE keeps the fitted probe as JSON "
                    + "({\"classes\",\"dim\",\"lambda\",\"weights\":[[...] per class],\"bias\"}).",
            "JSON: {\"classes\",\"train_images\",\"test_images\",\"skipped_images\",\"best_lambda\",\"val_accuracy\","
                    + "\"test_accuracy\",\"per_class\":{name:{\"images\",\"accuracy\"}},\"sweep\":[{\"lambda\",\"val_accuracy\",\"val_loss\"}]}.",
            "Unreadable images are reported and left out (exit status 1)."
        })
public final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    OutputOptions output;

    @Option(names = "--train", required = true, paramLabel = "DIR", description = "Training images: DIR/<class>/*.")
    Path train;

    @Option(names = "--test", required = true, paramLabel = "DIR", description = "Test images: DIR/<class>/*.")
    Path test;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Seed of the validation split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--val-fraction",
            defaultValue = "0.2",
            paramLabel = "F",
            description = "Share of each training class used to choose the penalty (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(
            names = "--save",
            paramLabel = "FILE",
            description = "Save the fitted probe (classes, weights, bias, lambda) as JSON.")
    Path save;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show the progress bar (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        Usage.require(
                valFraction > 0 && valFraction < 1, spec, "--val-fraction must be between 0 and 1, got " + valFraction);
        model.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean tty = ProgressBar.stderrIsTerminal();
        ProgressBar bar = new ProgressBar(err, progress != null ? progress : tty, tty);
        FolderProbe.Report r;
        try (Clip clip = model.load(true, true)) {
            r = FolderProbe.run(
                    clip,
                    train,
                    test,
                    LinearProbe.Settings.defaults().withSeed(seed).withValFraction(valFraction),
                    bar::failed,
                    bar::update);
        }
        bar.finish();
        if (save != null) saveProbe(r);
        if (output.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("classes", r.classes());
            j.put("train_images", r.trainImages());
            j.put("test_images", r.testImages());
            j.put("skipped_images", r.skippedImages());
            j.put("best_lambda", r.bestLambda());
            j.put("val_accuracy", finite(r.valAccuracy()));
            j.put("test_accuracy", finite(r.testAccuracy()));
            Map<String, Object> per = new LinkedHashMap<>();
            r.perClass()
                    .forEach((k, v) ->
                            per.put(k, EmbedCommand.entry("images", v.images(), "accuracy", finite(v.accuracy()))));
            j.put("per_class", per);
            List<Map<String, Object>> sweep = new ArrayList<>();
            for (LinearProbe.SweepPoint p : r.sweep()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lambda", p.lambda());
                m.put("val_accuracy", p.valAccuracy());
                m.put("val_loss", p.valLoss());
                sweep.add(m);
            }
            j.put("sweep", sweep);
            OutputOptions.printJson(out, j);
        } else {
            out.println(String.format(
                    Locale.ROOT,
                    "classes %d, train images %d, test images %d%s",
                    r.classes().size(),
                    r.trainImages(),
                    r.testImages(),
                    r.skippedImages() > 0 ? ", skipped " + r.skippedImages() : ""));
            out.println(String.format(
                    Locale.ROOT, "best lambda %.3g (validation accuracy %s)", r.bestLambda(), pct(r.valAccuracy())));
            out.println("test accuracy " + pct(r.testAccuracy()));
            r.perClass()
                    .forEach((k, v) -> out.println(
                            String.format(Locale.ROOT, "  %8s  %4d  %s", pct(v.accuracy()), v.images(), k)));
        }
        out.flush();
        return r.skippedImages() > 0 ? 1 : 0;
    }

    private void saveProbe(FolderProbe.Report r) {
        LogisticRegression.Model m = r.model();
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < m.classes(); k++) rows.add(Arrays.copyOfRange(m.weights(), k * m.dim(), (k + 1) * m.dim()));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("classes", r.classes());
        j.put("dim", m.dim());
        j.put("lambda", r.bestLambda());
        j.put("weights", rows);
        j.put("bias", m.bias());
        j.put("model", model.model);
        try {
            if (save.getParent() != null) Files.createDirectories(save.getParent());
            Files.writeString(save, OutputOptions.JSON.writeValueAsString(j) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(save + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "n/a";
    }
}
