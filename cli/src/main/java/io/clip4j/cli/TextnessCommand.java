package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.image.ImageFiles;
import io.clip4j.search.ClipSearchService;
import io.clip4j.search.ResultPages;
import io.clip4j.search.SearchService;
import io.clip4j.search.TextnessDirection;
import io.clip4j.search.TextnessTrainer;
import io.clip4j.search.VectorStore;
import java.io.IOException;
import java.io.PrintWriter;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j textness fit|grid}: the "has written text" direction of the image embedding space. */
@Command(
        name = "textness",
        mixinStandardHelpOptions = true,
        description = "Fit and inspect the textness direction used by 'clip4j search --textness S'.",
        subcommands = {TextnessCommand.Fit.class, TextnessCommand.Grid.class})
public final class TextnessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: the usage on stderr, exit status 2. */
    @Override
    public Integer call() {
        return Main.usageError(spec);
    }

    @Command(
            name = "fit",
            mixinStandardHelpOptions = true,
            description = {
                "Fit the textness direction: a logistic regression (L2, no hidden layer) on the unit image embeddings "
                        + "of images with written text against images without. The unit weight vector of the 'has text' class is saved as JSON.",
                "It is written to --out FILE, else to textness.json in the --index folder (default: the per-user index)."
            })
    public static final class Fit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOption model;

        @Mixin
        OutputOptions output;

        @Option(
                names = "--with-text",
                required = true,
                paramLabel = "DIR",
                description = "Images that contain written text.")
        Path withText;

        @Option(names = "--without-text", required = true, paramLabel = "DIR", description = "Images without text.")
        Path withoutText;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to save the direction.")
        Path out;

        @Option(
                names = "--index",
                paramLabel = "DIR",
                description = "Save as DIR/textness.json (the index must use the same model).")
        Path index;

        @Option(
                names = "--l2",
                paramLabel = "LAMBDA",
                defaultValue = "0.001",
                description = "L2 penalty on the weights (default: ${DEFAULT-VALUE}).")
        double l2;

        @Override
        public Integer call() {
            Usage.require(l2 >= 0, spec, "--l2 must be >= 0, got " + l2);
            PrintWriter stdout = spec.commandLine().getOut(),
                    err = spec.commandLine().getErr();
            List<Path> pos = files(withText), neg = files(withoutText);
            try (Clip clip = model.load(true, true)) {
                ModelIdentity id = ModelIdentity.of(clip);
                Path target = out;
                if (target == null) {
                    Path dir = index != null ? index : Main.defaultIndex(spec);
                    try (VectorStore store = VectorStore.openForReading(dir)) {
                        if (!store.meta().model().sameModel(id)) {
                            throw new Clip4jException(dir + ": index was built with another model ("
                                    + store.meta().model().path() + ")");
                        }
                    }
                    target = dir.resolve(TextnessDirection.FILE_NAME);
                }
                TextnessTrainer.Result r = TextnessTrainer.fit(
                        clip, pos, neg, l2, msg -> err.println("clip4j: " + ErrorLines.oneLine(msg)));
                r.direction().save(target);
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", target.toString());
                    m.put("with_text", r.direction().withText());
                    m.put("without_text", r.direction().withoutText());
                    m.put("train_accuracy", r.direction().trainAccuracy());
                    m.put("failed", r.failed());
                    OutputOptions.printJson(stdout, m);
                } else {
                    stdout.printf(
                            Locale.ROOT,
                            "%s: textness direction from %d images with text, %d without; training accuracy %.3f%n",
                            target,
                            r.direction().withText(),
                            r.direction().withoutText(),
                            r.direction().trainAccuracy());
                    stdout.flush();
                }
                return r.failed() > 0 ? 1 : 0;
            }
        }

        private static List<Path> files(Path dir) {
            List<Path> out = new ArrayList<>();
            for (ImageFiles.Found f : ImageFiles.walk(List.of(dir))) out.add(f.path());
            if (out.isEmpty()) throw new Clip4jException(dir + ": no images found");
            return out;
        }
    }

    @Command(
            name = "grid",
            mixinStandardHelpOptions = true,
            description = {
                "Draw the textness figure: the top results of a query at several textness scales, one row each, "
                        + "as PREFIX.html and PREFIX.png.",
                "JSON: {\"html\",\"png\",\"rows\":[{\"textness\",\"results\":[{\"path\",\"score\"}]}]}."
            })
    public static final class Grid implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        OutputOptions output;

        @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: the per-user index).")
        Path index;

        @Option(
                names = {"-m", "--model"},
                paramLabel = "PATH|REPO_ID",
                description = "Model (default: the one recorded in the index).")
        String model;

        @Option(
                names = "--textness-file",
                paramLabel = "F",
                description = "Textness direction (default: textness.json in the index folder).")
        Path textnessFile;

        @Option(
                names = "--scales",
                paramLabel = "S,S,...",
                split = ",",
                defaultValue = "-2,-1,0,1,2",
                description = "Textness scales, one row each (default: ${DEFAULT-VALUE}).")
        List<Float> scales;

        @Option(
                names = "--top",
                paramLabel = "K",
                defaultValue = "10",
                description = "Results per row (default: ${DEFAULT-VALUE}).")
        int top;

        @Option(
                names = "--out",
                paramLabel = "PREFIX",
                defaultValue = "textness-grid",
                description = "Output prefix (default: ${DEFAULT-VALUE}).")
        String prefix;

        @Parameters(paramLabel = "QUERY", arity = "1..*", description = "Query terms, as for search.")
        List<String> query;

        @Override
        public Integer call() {
            Usage.require(top >= 1, spec, "--top must be at least 1, got " + top);
            Usage.require(!scales.isEmpty(), spec, "--scales: give at least one scale");
            Path dir = index != null ? index : Main.defaultIndex(spec);
            String q = String.join(" ", query);
            try (ClipSearchService service = ClipSearchService.open(
                    dir, ModelRefs.resolve(spec, model), textnessFile, Clip.Options.defaults())) {
                if (!service.hasTextness()) {
                    throw new Clip4jException(dir
                            + ": no textness direction; run 'clip4j textness fit --index DIR' or pass --textness-file");
                }
                List<ResultPages.Row> rows = new ArrayList<>();
                for (float s : scales) {
                    List<SearchService.Hit> hits = service.search(service.queryVector(q, s), top);
                    rows.add(new ResultPages.Row(String.format(Locale.ROOT, "textness %+.2f", s), hits));
                }
                String title = "clip4j textness: " + q;
                Path html = Path.of(prefix + ".html"), png = Path.of(prefix + ".png");
                SearchCommand.write(null, html, ResultPages.gridHtml(title, rows));
                try {
                    ImageIO.write(ResultPages.gridPng(title, rows, 96, top), "png", png.toFile());
                } catch (IOException e) {
                    throw new Clip4jException(png + ": cannot write (" + e.getMessage() + ")");
                }
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    List<Map<String, Object>> jsonRows = new ArrayList<>();
                    for (int i = 0; i < rows.size(); i++) {
                        List<Map<String, Object>> results = new ArrayList<>();
                        for (SearchService.Hit h : rows.get(i).hits())
                            results.add(EmbedCommand.entry("path", h.path().toString(), "score", h.score()));
                        jsonRows.add(EmbedCommand.entry("textness", scales.get(i), "results", results));
                    }
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("html", html.toString());
                    doc.put("png", png.toString());
                    doc.put("rows", jsonRows);
                    OutputOptions.printJson(out, doc);
                } else {
                    out.println(html);
                    out.println(png);
                }
                out.flush();
                return 0;
            }
        }
    }
}
