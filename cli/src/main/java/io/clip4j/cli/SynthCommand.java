package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticDataset;
import io.clip4j.data.SyntheticScene;
import io.clip4j.data.SyntheticScene.Combo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j synth}: writes a synthetic captioned-image data set for offline training and evaluation. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Write a synthetic data set of captioned images of coloured shapes (\"a large red circle on the left\").",
            "It writes DIR/train.tsv + DIR/train/*.png and DIR/val.tsv + DIR/val/*.png (columns filepath and title, as open_clip), "
                    + "DIR/classes/<colour shape>/*.png (zero-shot folders) and DIR/heldout/<colour shape>/*.png for the "
                    + "--holdout pairs, which never appear in train or val. The same options write the same files.",
            "JSON: {\"dir\",\"train\",\"val\",\"classes\",\"class_images\",\"heldout_classes\",\"heldout_images\"}."
        })
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created if needed).")
    Path out;

    @Option(
            names = "--count",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Training pairs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--val-count",
            paramLabel = "N",
            description = "Validation pairs (default: count / 10, at least 1).")
    Integer valCount;

    @Option(
            names = "--per-class",
            defaultValue = "4",
            paramLabel = "N",
            description = "Images per class folder in classes/ and heldout/ (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--size",
            defaultValue = "64",
            paramLabel = "PX",
            description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--holdout",
            paramLabel = "PAIRS",
            description =
                    "Colour-shape pairs kept out of train and val (comma-separated, e.g. \"red circle,blue star\"); they are written to heldout/ for zero-shot tests of unseen pairs.")
    String holdout;

    @Option(
            names = "--words",
            defaultValue = "0",
            paramLabel = "P",
            description =
                    "Probability that an image also shows a written word, named in its caption (default: ${DEFAULT-VALUE}).")
    double words;

    @Override
    public Integer call() {
        Usage.require(count >= 1, spec, "--count must be at least 1, got " + count);
        Usage.require(valCount == null || valCount >= 0, spec, "--val-count must be >= 0, got " + valCount);
        Usage.require(perClass >= 0, spec, "--per-class must be >= 0, got " + perClass);
        Usage.require(size >= 8 && size <= 4096, spec, "--size must be in 8..4096, got " + size);
        Usage.require(words >= 0 && words <= 1, spec, "--words must be a probability (0..1), got " + words);
        Set<Combo> held;
        try {
            held = SyntheticDataset.parseHoldout(holdout);
        } catch (Clip4jException e) {
            throw Usage.error(spec, e.getMessage());
        }
        var settings = new SyntheticDataset.Settings(
                count, seed, size, held, valCount != null ? valCount : Math.max(1, count / 10), perClass, words);
        SyntheticDataset.Summary s = SyntheticDataset.write(out, settings);
        PrintWriter pw = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("dir", s.dir().toString());
            j.put("train", s.train());
            j.put("val", s.val());
            j.put("classes", s.classes());
            j.put("class_images", s.classImages());
            j.put("heldout_classes", s.heldoutClasses());
            j.put("heldout_images", s.heldoutImages());
            OutputOptions.printJson(pw, j);
        } else {
            pw.println("wrote " + s.train() + " training and " + s.val() + " validation pairs, " + s.classes()
                    + " classes ("
                    + s.classImages() + " images), " + s.heldoutClasses() + " held-out classes (" + s.heldoutImages()
                    + " images) to " + s.dir());
            pw.println("shapes: "
                    + String.join(
                            ", ",
                            Arrays.stream(SyntheticScene.Shape.values())
                                    .map(SyntheticScene.Shape::word)
                                    .toList())
                    + "; colours: "
                    + String.join(
                            ", ",
                            Arrays.stream(SyntheticScene.Colour.values())
                                    .map(SyntheticScene.Colour::word)
                                    .toList()));
        }
        pw.flush();
        return 0;
    }
}
