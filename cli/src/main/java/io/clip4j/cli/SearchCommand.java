package io.clip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.image.Thumbnails;
import io.clip4j.search.ClipSearchService;
import io.clip4j.search.ResultPages;
import io.clip4j.search.SearchService;
import java.awt.image.BufferedImage;
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
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j search}: rank indexed images by a query of weighted text and image terms. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Search an index made by 'clip4j index' and print the best matches, best first (score = cosine).",
            "The query joins terms with + and -, and w:term gives a term the weight w. A term naming an existing file "
                    + "is an image: \"2:golden retriever\" + ./pool.jpg - fruit",
            "Put -- before a query that starts with -. JSON: {\"results\":[{\"path\",\"score\"}]}."
        })
public final class SearchCommand implements Callable<Integer> {
    public enum Format {
        table,
        json,
        html
    }

    /** Side of the inline previews, in pixels: about six text lines in common terminal fonts. */
    static final int PREVIEW_SIDE = 128;

    @Spec
    CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: the per-user index).")
    Path index;

    @Mixin
    SolrOptions solr;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "PATH|REPO_ID",
            description = "Model to use (default: the one recorded in the index; must be the same model).")
    String model;

    @Option(
            names = {"-t", "--top"},
            paramLabel = "K",
            defaultValue = "10",
            description = "Number of results (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-score", paramLabel = "S", description = "Leave out results whose score (cosine) is below S.")
    Float minScore;

    @Option(
            names = {"-f", "--paths-only"},
            description = "Print only the paths of the results, one per line (for xargs and scripts).")
    boolean pathsOnly;

    @Option(
            names = "--textness",
            paramLabel = "S",
            defaultValue = "0",
            description =
                    "Add S x the textness direction to text terms (S < 0: favour images showing the meaning over images of the words).")
    float textness;

    @Option(
            names = "--textness-file",
            paramLabel = "F",
            description = "Textness direction (default: textness.json in the index folder).")
    Path textnessFile;

    @Option(
            names = "--format",
            paramLabel = "table|json|html",
            defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the output here instead of stdout.")
    Path outFile;

    @Option(
            names = "--index-here",
            description = "Index the current folder first when the index does not cover it yet, as rclip does "
                    + "(without this option a terminal is asked; the index's summary goes to stderr).")
    boolean indexHere;

    @Option(
            names = "--preview",
            paramLabel = "auto|kitty|iterm2|off",
            defaultValue = "auto",
            description =
                    "Pictures of the results in the table, inline in the terminal: auto (default) shows them in kitty, iTerm2 and "
                            + "WezTerm when stdout is the terminal; kitty or iterm2 forces that protocol.")
    String preview;

    @Parameters(paramLabel = "QUERY", arity = "1..*", description = "Query terms.")
    List<String> query;

    @Override
    public Integer call() {
        Usage.require(top >= 1, spec, "--top must be at least 1, got " + top);
        Usage.require(
                minScore == null || minScore >= -1 && minScore <= 1,
                spec,
                "--min-score must be a cosine between -1 and 1, got " + minScore);
        Usage.require(
                !pathsOnly || !spec.commandLine().getParseResult().hasMatchedOption("--format"),
                spec,
                "--paths-only and --format exclude each other");
        TerminalImages.Protocol pictures = previewProtocol();
        IndexLocation where = solr.location(spec, index);
        int indexStatus = 0;
        if (where instanceof IndexLocation.Folder folder) {
            Path dir = folder.dir();
            indexStatus = new CurrentFolder(spec, dir, model).indexIfWanted(indexHere);
            if (indexStatus == 2 || indexStatus != 0 && !IndexCommand.hasIndexFiles(dir)) return indexStatus;
        } else Usage.require(!indexHere, spec, "--index-here is for an index folder, not a Solr collection");
        try (ClipSearchService service =
                where.openService(ModelRefs.resolve(spec, model), textnessFile, Clip.Options.defaults())) {
            List<SearchService.Hit> hits =
                    new ArrayList<>(service.search(service.queryVector(String.join(" ", query), textness), top));
            if (minScore != null) hits.removeIf(h -> h.score() < minScore);
            String text = pathsOnly
                    ? paths(hits)
                    : switch (format) {
                        case json -> json(hits);
                        case table ->
                            pictures == TerminalImages.Protocol.off ? table(hits) : tableWithPictures(hits, pictures);
                        case html -> ResultPages.resultsHtml("clip4j: " + String.join(" ", query), hits);
                    };
            write(spec.commandLine().getOut(), outFile, text);
            return indexStatus;
        }
    }

    static void write(PrintWriter out, Path file, String text) {
        if (file == null) {
            out.print(text);
            out.flush();
            return;
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    static String json(List<SearchService.Hit> hits) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SearchService.Hit h : hits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", h.path().toString());
            m.put("score", h.score());
            rows.add(m);
        }
        try {
            return OutputOptions.JSON.writeValueAsString(Map.of("results", rows)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String paths(List<SearchService.Hit> hits) {
        StringBuilder sb = new StringBuilder();
        for (SearchService.Hit h : hits) sb.append(h.path()).append('\n');
        return sb.toString();
    }

    private TerminalImages.Protocol previewProtocol() {
        TerminalImages.Protocol p;
        try {
            p = preview.equals("auto") ? null : TerminalImages.Protocol.valueOf(preview.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Usage.error(spec, "--preview must be auto, kitty, iterm2 or off, got '" + preview + "'");
        }
        if (format != Format.table || pathsOnly || outFile != null) return TerminalImages.Protocol.off;
        return p != null ? p : TerminalImages.detect(Main.environment(spec), System.console() != null);
    }

    /** The table with a picture under each row (a placeholder for a file that can no longer be read). */
    static String tableWithPictures(List<SearchService.Hit> hits, TerminalImages.Protocol protocol) {
        return table(hits, hit -> {
            BufferedImage picture;
            try {
                picture = Thumbnails.thumbnail(hit.path(), PREVIEW_SIDE);
            } catch (Clip4jException e) {
                picture = Thumbnails.placeholder(PREVIEW_SIDE);
            }
            return TerminalImages.sequence(picture, protocol);
        });
    }

    static String table(List<SearchService.Hit> hits) {
        return table(hits, hit -> "");
    }

    /** The ranked table; {@code afterRow} adds what follows each result's line (its picture). */
    static String table(List<SearchService.Hit> hits, Function<SearchService.Hit, String> afterRow) {
        StringBuilder sb = new StringBuilder();
        int rankWidth = Math.max(1, Integer.toString(hits.size()).length());
        sb.append(String.format(Locale.ROOT, "%" + rankWidth + "s  %7s  %s%n", "#", "score", "path"));
        for (int i = 0; i < hits.size(); i++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%" + rankWidth + "d  %7.4f  %s%n",
                    i + 1,
                    hits.get(i).score(),
                    hits.get(i).path()));
            sb.append(afterRow.apply(hits.get(i)));
        }
        return sb.toString();
    }
}
