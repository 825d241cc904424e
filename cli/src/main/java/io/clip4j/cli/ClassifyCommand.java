package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.api.Clip;
import io.clip4j.zeroshot.PromptTemplates;
import io.clip4j.zeroshot.ZeroShotClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j classify}: zero-shot classification. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Classify images zero-shot, as in the CLIP paper.",
            "Every label is put into every template, the prompt embeddings of a label are averaged, and the "
                    + "probabilities are softmax(exp(logit_scale) * cos).",
            "Images are given as arguments (a folder stands for its images, recursively, hidden files skipped) or listed in --files-from.",
            "JSON: [{\"path\",\"top\":[{\"label\",\"prob\"}]}]. An unreadable image gets {\"path\",\"error\"} and makes the exit status 1."
        })
public final class ClassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    OutputOptions output;

    static final class Labels {
        @Option(names = "--labels", paramLabel = "A,B,C", description = "Comma-separated class names.")
        String inline;

        @Option(names = "--labels-file", paramLabel = "FILE", description = "One class name per line.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Labels labels;

    @Option(
            names = "--templates",
            paramLabel = "NAME|FILE|TEMPLATE",
            defaultValue = "simple",
            description =
                    "Prompt templates: imagenet (80, the paper's), cifar (18), simple ('a photo of a {}.'), a file "
                            + "with one per line, or one template with {} (default: ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--top",
            paramLabel = "K",
            defaultValue = "5",
            description = "Labels to show per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(paramLabel = "IMAGE|DIR", arity = "0..*", description = "Images to classify, or folders of images.")
    List<Path> imageArgs = new ArrayList<>();

    @Option(
            names = "--files-from",
            paramLabel = "FILE",
            description = "Read image paths from FILE, one per line (- for standard input).")
    Path filesFrom;

    @Override
    public Integer call() {
        Usage.require(top >= 1, spec, "--top must be at least 1, got " + top);
        Usage.require(
                !imageArgs.isEmpty() || filesFrom != null,
                spec,
                "no images: give image files or folders, or --files-from FILE");
        model.validate();
        List<Path> images = InputLists.images(imageArgs, filesFrom);
        if (images.isEmpty()) throw new Clip4jException(filesFrom + ": no image paths in it");
        List<String> names = readLabels();
        List<String> tmpl = PromptTemplates.resolve(templates);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (Clip clip = model.load(true, true)) {
            ZeroShotClassifier zs = new ZeroShotClassifier(clip, names, tmpl);
            List<Map<String, Object>> rows = new ArrayList<>();
            boolean failed = false;
            for (Clip.ImageResult r : clip.embedImageFiles(images)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("path", r.path().toString());
                if (r.ok()) {
                    List<Map<String, Object>> topList = new ArrayList<>();
                    for (var p : zs.top(r.embedding(), top))
                        topList.add(EmbedCommand.entry("label", p.label(), "prob", p.prob()));
                    row.put("top", topList);
                } else {
                    row.put("error", r.error());
                    err.println("clip4j: " + ErrorLines.oneLine(r.error()));
                    failed = true;
                }
                rows.add(row);
            }
            if (output.json()) {
                OutputOptions.printJson(out, rows);
            } else {
                for (Map<String, Object> row : rows) {
                    if (!row.containsKey("top")) continue;
                    out.println(row.get("path"));
                    @SuppressWarnings("unchecked")
                    var list = (List<Map<String, Object>>) row.get("top");
                    for (var p : list)
                        out.println(String.format(
                                Locale.ROOT, "  %6.2f%%  %s", 100 * (float) p.get("prob"), p.get("label")));
                }
            }
            out.flush();
            return failed ? 1 : 0;
        }
    }

    private List<String> readLabels() {
        List<String> out = new ArrayList<>();
        if (labels.inline != null) {
            for (String s : labels.inline.split(",")) if (!s.isBlank()) out.add(s.strip());
            if (out.isEmpty()) throw Usage.error(spec, "--labels: no class names in '" + labels.inline + "'");
        } else {
            try {
                for (String s : Files.readAllLines(labels.file, StandardCharsets.UTF_8))
                    if (!s.isBlank()) out.add(s.strip());
            } catch (IOException e) {
                throw new Clip4jException(
                        labels.file + ": cannot read labels (" + e.getClass().getSimpleName() + ")");
            }
            if (out.isEmpty()) throw new Clip4jException(labels.file + ": no class names in it");
        }
        return out;
    }
}
