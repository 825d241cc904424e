package io.clip4j.quickstart;

import io.clip4j.plot.HtmlReport;
import io.clip4j.train.TrainingRun;
import io.clip4j.zeroshot.ZeroShotClassifier;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The quickstart's HTML page: training curve, zero-shot accuracies against chance, confusions, examples, searches. */
public final class QuickstartReport {
    static final Color RIGHT = new Color(0x1a7f37), WRONG = new Color(0xc62828);

    private QuickstartReport() {}

    public static void write(Quickstart.Result r) {
        var z = r.zeroShot();
        HtmlReport page = new HtmlReport("clip4j quickstart: a CLIP trained from scratch in "
                + Quickstart.fmt(Math.round(r.trainSeconds())) + " s");
        page.paragraph(String.format(
                Locale.ROOT,
                "A %s (%,d parameters) was trained from random weights on synthetic captioned images of coloured shapes "
                        + "for %d steps of %d pairs (%.0f s, %.0f images/s). The pairs %s never appeared in training. "
                        + "Zero-shot top-1 over all %d colour-shape labels: %s on unseen images of seen pairs, %s on the "
                        + "held-out pairs (chance %s).",
                r.recipe().model().describe(),
                r.parameters(),
                r.steps(),
                r.recipe().batch(),
                r.trainSeconds(),
                r.imagesPerSecond(),
                QuickstartRecipe.HOLDOUT.replace(",", ", "),
                z.labels(),
                pct(z.seenTop1()),
                pct(z.heldoutTop1()),
                pct(z.chance())));

        page.section("Training");
        Path curves = r.model().resolve(TrainingRun.CURVES_PNG);
        if (Files.isRegularFile(curves))
            page.image(
                    curves,
                    "loss and learning rate per step (one warmup, one cosine over the time budget); evaluation during training (validation retrieval R@k, zero-shot top-1 on the seen pairs)");
        List<List<?>> train = new ArrayList<>();
        train.add(List.of("steps", r.steps()));
        train.add(List.of("batch", r.recipe().batch()));
        train.add(List.of(
                "peak learning rate (cosine, warmup " + r.recipe().warmup() + ")",
                r.recipe().lr()));
        train.add(List.of("training time (s)", r.trainSeconds()));
        train.add(List.of("images/s", r.imagesPerSecond()));
        train.add(List.of("final loss", (double) r.finalLoss()));
        for (Map.Entry<String, Double> e : r.trainMetrics().entrySet())
            train.add(List.of("final " + e.getKey(), e.getValue()));
        page.table(List.of("", "value"), train);

        page.section("Zero-shot classification");
        page.paragraph("Each image is given the label of the closest prompt embedding among all " + z.labels()
                + " colour-shape pairs (templates: "
                + String.join(" | ", r.recipe().templates()) + "). None of these images was used in training.");
        List<List<?>> acc = new ArrayList<>();
        acc.add(List.of("seen pairs, new images", z.seenImages(), pct(z.seenTop1()), pct(z.chance())));
        acc.add(List.of(
                "held-out pairs (never in training)", z.heldoutImages(), pct(z.heldoutTop1()), pct(z.chance())));
        acc.add(List.of(
                "held-out pairs: colour right", z.heldoutImages(), pct(z.heldoutColour()), pct(1.0 / z.colours())));
        acc.add(List.of(
                "held-out pairs: shape right", z.heldoutImages(), pct(z.heldoutShape()), pct(1.0 / z.shapes())));
        page.table(List.of("images", "count", "top-1", "chance"), acc);
        if (!r.confusions().isEmpty()) {
            page.paragraph("Most frequent confusions (true label → predicted):");
            List<List<?>> conf = new ArrayList<>();
            for (var c : r.confusions()) conf.add(List.of(c.truth(), c.predicted(), c.count()));
            page.table(List.of("true", "predicted", "images"), conf);
        }
        ContactSheet examples = new ContactSheet(96, 6);
        for (var e : r.examples()) {
            List<String> lines = new ArrayList<>();
            boolean right = e.top().get(0).label().equals(e.truth());
            lines.add((e.heldout() ? "held out: " : "") + e.truth());
            for (ZeroShotClassifier.Prediction p : e.top())
                lines.add(String.format(Locale.ROOT, "%s %.0f%%", p.label(), 100 * p.prob()));
            examples.add(e.image(), lines, right ? RIGHT : WRONG);
        }
        if (!examples.isEmpty())
            page.image(
                    examples.render(),
                    "examples: true label (green when the top prediction is right), then the top-3 predictions");

        page.section("Text search");
        page.paragraph(
                "Brute-force cosine between the query's text embedding and every evaluation image (seen and held-out pairs).");
        for (var s : r.searches()) {
            ContactSheet sheet = new ContactSheet(96, Quickstart.SEARCH_TOP);
            List<List<?>> rows = new ArrayList<>();
            int rank = 1;
            for (var h : s.hits()) {
                String file = r.out().relativize(h.path()).toString();
                sheet.add(
                        h.path(),
                        List.of(String.format(Locale.ROOT, "%d. %.3f", rank, h.score()), h.truth()),
                        ("a " + h.truth()).equals(s.query()) ? RIGHT : null);
                rows.add(List.of(rank++, file, h.truth(), h.score()));
            }
            page.image(sheet.render(), "\"" + s.query() + "\": top " + s.hits().size());
            page.table(List.of("rank", "file", "label", "cosine"), rows);
        }

        if (r.student() != null) student(page, r);

        page.section("Files");
        page.preformatted(
                "data/      synthetic set: train.tsv, val.tsv (filepath, title), classes/<pair>/, heldout/<pair>/\n"
                        + "model/     the trained model (open_clip folder: ./clip4j classify/embed/index --model "
                        + r.model() + ")\n"
                        + "           metrics.csv, curves.png, train_state.* (resumable)\n"
                        + (r.student() == null
                                ? ""
                                : "student/   the distilled student in fp16 (same commands, --model "
                                        + r.out().resolve("student") + ")\n"
                                        + "student-run/  its distillation run (float32 checkpoint, metrics.csv, curves.png)\n")
                        + "Train on the written pairs yourself:\n  ./clip4j train --data "
                        + r.out().resolve("data/train.tsv")
                        + " --model-config " + r.model().resolve("open_clip_config.json") + " --out my-run --batch "
                        + r.recipe().batch()
                        + " --lr " + r.recipe().lr() + " --warmup " + r.recipe().warmup() + " --epochs 10");
        page.write(r.report());
    }

    private static void student(HtmlReport page, Quickstart.Result r) {
        QuickstartDistill.Result d = r.student();
        var t = d.teacher().config();
        var s = d.student().config();
        page.section("Pocket CLIP: the distilled student");
        page.paragraph(String.format(
                Locale.ROOT,
                "The trained image tower (width %d, %d layers) was distilled into a student of half its width and depth (width %d, "
                        + "%d layers, %d heads), initialised from the teacher's weights (every other layer, leading channels), for %d "
                        + "steps (%.0f s) on fresh scenes: KL divergence at temperature 4 between the teacher's and the student's "
                        + "similarities to the captions' text embeddings, plus L1 on the unit embeddings. It was then stored in fp16. "
                        + "The text tower is the teacher's, so both answer the same text queries.",
                t.visionWidth(),
                t.visionLayers()[0],
                s.visionWidth(),
                s.visionLayers()[0],
                s.visionHeads(),
                d.steps(),
                d.seconds()));
        if (Files.isRegularFile(d.curves())) page.image(d.curves(), "distillation loss and learning rate per step");
        List<List<?>> rows = new ArrayList<>();
        var te = d.teacher().evaluation().zeroShot();
        var se = d.student().evaluation().zeroShot();
        rows.add(List.of(
                "image tower",
                "width " + t.visionWidth() + ", " + t.visionLayers()[0] + " layers",
                "width " + s.visionWidth() + ", " + s.visionLayers()[0] + " layers"));
        rows.add(List.of(
                "image tower parameters",
                d.teacher().imageParameters(),
                d.student().imageParameters()));
        rows.add(List.of(
                "weights file (both towers)",
                mb(d.teacher().fileBytes()) + " (fp32)",
                mb(d.student().fileBytes()) + " (fp16)"));
        rows.add(List.of(
                "images/s (embedding the evaluation images)",
                Math.round(d.teacher().imagesPerSecond()),
                Math.round(d.student().imagesPerSecond())));
        rows.add(List.of("zero-shot top-1, seen pairs", pct(te.seenTop1()), pct(se.seenTop1())));
        rows.add(List.of("zero-shot top-1, held-out pairs", pct(te.heldoutTop1()), pct(se.heldoutTop1())));
        page.table(List.of("", "teacher", "student"), rows);
        var a = d.agreement();
        page.paragraph(String.format(
                Locale.ROOT,
                "Agreement on the %d evaluation images: mean cosine between the two image embeddings %.3f; "
                        + "same zero-shot label %s; the two top-10 lists of the text queries below overlap %s (MAP@10 %.3f).",
                a.images(),
                a.meanCosine(),
                pct(a.zeroShotAgreement()),
                pct(a.overlap()),
                a.map()));
        var ts = d.teacher().evaluation().searches();
        var ss = d.student().evaluation().searches();
        for (int q = 0; q < ts.size(); q++) {
            for (var side : List.of(ts.get(q), ss.get(q))) {
                ContactSheet sheet = new ContactSheet(96, Quickstart.SEARCH_TOP);
                int rank = 1;
                for (var h : side.hits()) {
                    sheet.add(
                            h.path(),
                            List.of(String.format(Locale.ROOT, "%d. %.3f", rank++, h.score()), h.truth()),
                            ("a " + h.truth()).equals(side.query()) ? RIGHT : null);
                }
                page.image(
                        sheet.render(),
                        "\"" + side.query() + "\": " + (side == ts.get(q) ? "teacher" : "student") + ", top "
                                + side.hits().size());
            }
        }
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
