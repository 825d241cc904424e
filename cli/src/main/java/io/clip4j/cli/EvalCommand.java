package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.api.Clip;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.eval.AgreementEval;
import io.clip4j.eval.ConfusionImage;
import io.clip4j.eval.RetrievalEval;
import io.clip4j.eval.ZeroShotEval;
import io.clip4j.image.ImageFiles;
import io.clip4j.probe.ClassFolders;
import io.clip4j.zeroshot.PromptTemplates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j eval}: the measurements CLIP_benchmark users expect, and student-versus-teacher agreement. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Measure a model: zero-shot classification of class folders, image-text retrieval on pairs, "
                + "or how far a student model agrees with its teacher.",
        subcommands = {EvalCommand.ZeroShot.class, EvalCommand.Retrieval.class, EvalCommand.Agreement.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "give a measurement: zeroshot, retrieval or agreement");
    }

    @Command(
            name = "zeroshot",
            mixinStandardHelpOptions = true,
            description = {
                "Zero-shot top-1 and top-5 accuracy on DIR/<class>/* (the class name is the folder name), per class, "
                        + "with the confusion matrix as a PNG.",
                "JSON: {\"images\",\"top1\",\"top5\",\"mean_per_class_recall\",\"per_class\":[{\"label\",\"images\",\"top1\"}],\"skipped\"}."
            })
    static final class ZeroShot implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOption model;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "DIR", description = "Class folders.")
        Path dir;

        @Option(
                names = "--templates",
                defaultValue = "simple",
                paramLabel = "NAME|FILE|'... {} ...'",
                description = "Prompt templates, as in classify (default: ${DEFAULT-VALUE}).")
        String templates;

        @Option(names = "--confusion", paramLabel = "FILE.png", description = "Write the confusion matrix here.")
        Path confusion;

        @Override
        public Integer call() {
            ClassFolders data = ClassFolders.scan(dir);
            try (Clip clip = model.load(true, true)) {
                ZeroShotEval.Report r = ZeroShotEval.run(clip, data, PromptTemplates.resolve(templates));
                if (confusion != null) writePng(confusion, r);
                PrintWriter o = spec.commandLine().getOut();
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("images", r.images());
                    m.put("top1", r.top1());
                    m.put("top5", r.top5());
                    m.put("mean_per_class_recall", r.meanPerClassRecall());
                    List<Map<String, Object>> per = new ArrayList<>();
                    for (ZeroShotEval.PerClass p : r.perClass())
                        per.add(Map.of("label", p.label(), "images", p.images(), "top1", p.top1()));
                    m.put("per_class", per);
                    m.put("skipped", r.skipped());
                    OutputOptions.printJson(o, m);
                } else {
                    o.println(String.format(
                            Locale.ROOT,
                            "zero-shot on %d images, %d classes: top-1 %s, top-5 %s, mean per-class recall %s",
                            r.images(),
                            r.classes().size(),
                            pct(r.top1()),
                            pct(r.top5()),
                            pct(r.meanPerClassRecall())));
                    o.println(String.format(Locale.ROOT, "%-32s %7s %7s", "class", "images", "top-1"));
                    for (ZeroShotEval.PerClass p : r.perClass()) {
                        o.println(String.format(Locale.ROOT, "%-32s %7d %7s", p.label(), p.images(), pct(p.top1())));
                    }
                    if (confusion != null) o.println("confusion matrix: " + confusion);
                }
                o.flush();
                return skippedStatus(spec, r.skipped());
            }
        }
    }

    @Command(
            name = "retrieval",
            mixinStandardHelpOptions = true,
            description = {
                "Image-text retrieval recall R@1/5/10 in both directions on image-caption pairs (open_clip's CSV/TSV: "
                        + "a header row, image paths in filepath, captions in title); each image matches its own caption only.",
                "JSON: {\"pairs\",\"image_to_text_R@1\",...,\"text_to_image_R@10\",\"skipped\"}."
            })
    static final class Retrieval implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOption model;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "PAIRS", description = "The pairs file (.tsv or .csv).")
        Path pairs;

        @Override
        public Integer call() {
            CsvCaptionSource data = CsvCaptionSource.load(pairs);
            if (data.size() == 0) throw new Clip4jException(pairs + ": no usable image-caption rows");
            try (Clip clip = model.load(true, true)) {
                RetrievalEval.Report r = RetrievalEval.run(clip, data);
                PrintWriter o = spec.commandLine().getOut();
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("pairs", r.pairs());
                    m.putAll(r.recall());
                    m.put("skipped", r.skipped());
                    OutputOptions.printJson(o, m);
                } else {
                    o.println("retrieval on " + r.pairs() + " pairs:");
                    o.println(String.format(Locale.ROOT, "%-15s %7s %7s %7s", "", "R@1", "R@5", "R@10"));
                    for (String dir : List.of("image_to_text", "text_to_image")) {
                        o.println(String.format(
                                Locale.ROOT,
                                "%-15s %7s %7s %7s",
                                dir.replace('_', ' '),
                                pct(r.recall().get(dir + "_R@1")),
                                pct(r.recall().get(dir + "_R@5")),
                                pct(r.recall().get(dir + "_R@10"))));
                    }
                }
                o.flush();
                return skippedStatus(spec, r.skipped());
            }
        }
    }

    @Command(
            name = "agreement",
            mixinStandardHelpOptions = true,
            description = {
                "How far a student agrees with its teacher on the same images: the mean cosine between their image "
                        + "embeddings, the share of images with the same zero-shot label (when --images holds class folders), and for "
                        + "each text query the overlap of the two top-N result lists and the average precision of the student's list "
                        + "against the teacher's (their means are overlap@N and MAP@N).",
                "JSON: {\"images\",\"mean_cosine\",\"zeroshot_agreement\",\"top\",\"overlap\",\"map\",\"queries\":[{\"query\",\"overlap\",\"ap\"}],\"skipped\"}."
            })
    static final class Agreement implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOption model;

        @Mixin
        OutputOptions output;

        @Option(names = "--teacher", required = true, paramLabel = "PATH", description = "The teacher model.")
        Path teacher;

        @Option(
                names = "--images",
                required = true,
                paramLabel = "DIR",
                description = "Images (recursively); class sub-folders give zero-shot labels.")
        Path images;

        @Option(
                names = "--queries",
                paramLabel = "FILE",
                description = "Text queries, one per line (default: the class names, when there are class folders).")
        Path queries;

        @Option(
                names = "--templates",
                defaultValue = "simple",
                paramLabel = "NAME|FILE|'... {} ...'",
                description = "Prompt templates for the zero-shot labels (default: ${DEFAULT-VALUE}).")
        String templates;

        @Option(
                names = "--top",
                defaultValue = "10",
                paramLabel = "N",
                description = "Length of the compared result lists (default: ${DEFAULT-VALUE}).")
        int top;

        @Override
        public Integer call() {
            if (top < 1) throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
            List<Path> files = ImageFiles.walk(List.of(images)).stream()
                    .map(ImageFiles.Found::path)
                    .toList();
            if (files.isEmpty()) throw new Clip4jException(images + ": no images (png, jpg, gif, bmp) in the folder");
            List<String> labels = classLabels(images);
            List<String> qs = queries != null ? lines(queries) : labels == null ? List.of() : labels;
            try (Clip student = model.load(true, true);
                    Clip t = Clip.load(teacher, Clip.Options.defaults().withTruncate(true))) {
                AgreementEval.Report r =
                        AgreementEval.run(student, t, files, qs, labels, PromptTemplates.resolve(templates), top);
                PrintWriter o = spec.commandLine().getOut();
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("images", r.images());
                    m.put("mean_cosine", r.meanCosine());
                    m.put("zeroshot_agreement", r.zeroShotAgreement());
                    m.put("top", r.topN());
                    m.put("overlap", r.overlap());
                    m.put("map", r.map());
                    List<Map<String, Object>> per = new ArrayList<>();
                    for (AgreementEval.QueryResult q : r.queries())
                        per.add(Map.of("query", q.query(), "overlap", q.overlap(), "ap", q.averagePrecision()));
                    m.put("queries", per);
                    m.put("skipped", r.skipped());
                    OutputOptions.printJson(o, m);
                } else {
                    o.println(String.format(
                            Locale.ROOT,
                            "%d images: mean cosine student/teacher %.4f%s",
                            r.images(),
                            r.meanCosine(),
                            r.zeroShotAgreement() == null
                                    ? ""
                                    : ", zero-shot agreement " + pct(r.zeroShotAgreement())));
                    if (!r.queries().isEmpty()) {
                        o.println(String.format(
                                Locale.ROOT,
                                "%d queries: overlap@%d %s, MAP@%d %.4f",
                                r.queries().size(),
                                r.topN(),
                                pct(r.overlap()),
                                r.topN(),
                                r.map()));
                    }
                }
                o.flush();
                return skippedStatus(spec, r.skipped());
            }
        }
    }

    /** Class folder names when DIR holds sub-folders with images, else null. */
    static List<String> classLabels(Path dir) {
        try {
            ClassFolders f = ClassFolders.scan(dir);
            return f.files().isEmpty() ? null : f.classes();
        } catch (Clip4jException e) {
            return null;
        }
    }

    static List<String> lines(Path file) {
        try {
            List<String> l = Files.readAllLines(file).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
            if (l.isEmpty()) throw new Clip4jException(file + ": no queries in the file");
            return l;
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static String pct(Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Unreadable images were reported one per line on stderr: exit status 1, the results still printed. */
    static int skippedStatus(CommandSpec spec, List<String> skipped) {
        PrintWriter err = spec.commandLine().getErr();
        for (String s : skipped) err.println("clip4j: " + ErrorLines.oneLine(s));
        err.flush();
        return skipped.isEmpty() ? 0 : 1;
    }

    static void writePng(Path file, ZeroShotEval.Report r) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            if (!ImageIO.write(ConfusionImage.render(r.classes(), r.confusion()), "png", file.toFile()))
                throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
