package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.search.ClipSearchService;
import io.clip4j.search.ResultPages;
import io.clip4j.search.SearchService;
import io.clip4j.search.VectorStore;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j search}: rank indexed images by a query of weighted text and image terms. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search an index made by 'clip4j index'. The query joins terms with + and -, each optionally",
                "weighted w:term; a term naming an existing file is an image: \"2:golden retriever\" + ./pool.jpg - fruit",
                "Put -- before a query that starts with -. JSON: {\"results\":[{\"path\",\"score\"}]} (score = cosine)."})
public final class SearchCommand implements Callable<Integer> {
    public enum Format { table, json, html }

    @Spec CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: the per-user index).")
    Path index;

    @Option(names = {"-m", "--model"}, paramLabel = "PATH", description = "Model to use (default: the one recorded in the index; must be the same model).")
    Path model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "10", description = "Number of results (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--textness", paramLabel = "S", defaultValue = "0", description = "Add S x the textness direction to text terms (S < 0: favour images showing the meaning over images of the words).")
    float textness;

    @Option(names = "--textness-file", paramLabel = "F", description = "Textness direction (default: textness.json in the index folder).")
    Path textnessFile;

    @Option(names = "--format", paramLabel = "table|json|html", defaultValue = "table", description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the output here instead of stdout.")
    Path outFile;

    @Parameters(paramLabel = "QUERY", arity = "1..*", description = "Query terms.")
    List<String> query;

    @Override
    public Integer call() {
        if (top < 1) throw new Clip4jException("--top must be at least 1, got " + top);
        Path dir = index != null ? index : VectorStore.defaultLocation();
        try (ClipSearchService service = ClipSearchService.open(dir, model, textnessFile, Clip.Options.defaults())) {
            List<SearchService.Hit> hits = service.search(service.queryVector(String.join(" ", query), textness), top);
            String text = switch (format) {
                case json -> json(hits);
                case table -> table(hits);
                case html -> ResultPages.resultsHtml("clip4j: " + String.join(" ", query), hits);
            };
            write(spec.commandLine().getOut(), outFile, text);
            return 0;
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
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String table(List<SearchService.Hit> hits) {
        StringBuilder sb = new StringBuilder();
        int rankWidth = Math.max(1, Integer.toString(hits.size()).length());
        sb.append(String.format(Locale.ROOT, "%" + rankWidth + "s  %7s  %s%n", "#", "score", "path"));
        for (int i = 0; i < hits.size(); i++) {
            sb.append(String.format(Locale.ROOT, "%" + rankWidth + "d  %7.4f  %s%n", i + 1, hits.get(i).score(), hits.get(i).path()));
        }
        return sb.toString();
    }
}
