package io.clip4j.cli;

import io.clip4j.api.Clip;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j embed}: image and text embeddings. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed images and texts into CLIP's joint space (unit length unless --raw).",
                "JSON: {\"images\":[{\"path\",\"embedding\"}], \"texts\":[{\"text\",\"embedding\"}], \"errors\":[{\"path\",\"error\"}]}",
                "A bad image is reported and the others are still embedded; the exit status is then 1."})
public final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOption model;
    @Mixin OutputOptions output;

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "An image file (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(names = {"-t", "--text"}, paramLabel = "STR", description = "A text (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--raw", description = "Do not normalise the embeddings to unit length.")
    boolean raw;

    @Option(names = "--no-truncate", description = "Fail on texts longer than the context instead of truncating them.")
    boolean noTruncate;

    @Override
    public Integer call() {
        if (images.isEmpty() && texts.isEmpty()) {
            throw new io.clip4j.Clip4jException("nothing to embed: give --image FILE and/or --text STR");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Clip clip = model.load(!raw, !noTruncate)) {
            // texts first: a text that is too long fails before any image work is done
            float[][] textEmb = clip.embedTexts(texts);
            List<Clip.ImageResult> results = clip.embedImageFiles(images);

            List<Map<String, Object>> imgOut = new ArrayList<>(), errOut = new ArrayList<>(), txtOut = new ArrayList<>();
            for (Clip.ImageResult r : results) {
                if (r.ok()) imgOut.add(entry("path", r.path().toString(), "embedding", r.embedding()));
                else errOut.add(entry("path", r.path().toString(), "error", r.error()));
            }
            for (int i = 0; i < texts.size(); i++) txtOut.add(entry("text", texts.get(i), "embedding", textEmb[i]));
            if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("images", imgOut);
                doc.put("texts", txtOut);
                doc.put("errors", errOut);
                OutputOptions.printJson(out, doc);
            } else {
                for (Map<String, Object> m : imgOut) out.println(m.get("path") + "\t" + preview((float[]) m.get("embedding")));
                for (Map<String, Object> m : txtOut) out.println(m.get("text") + "\t" + preview((float[]) m.get("embedding")));
            }
            for (Map<String, Object> m : errOut) err.println("clip4j: " + Main.oneLine((String) m.get("error")));
            out.flush();
            return errOut.isEmpty() ? 0 : 1;
        }
    }

    static Map<String, Object> entry(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static String preview(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(6, v.length); i++) {
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append(v.length > 6 ? ", ...]" : "]").append(" (").append(v.length).append(" dims)").toString();
    }
}
