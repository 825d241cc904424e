package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.api.Clip;
import io.clip4j.exchange.NpyFiles;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j embed}: image and text embeddings. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "Embed images and texts into CLIP's joint space (unit length unless --raw).",
            "Images are given as arguments (a folder stands for its images, recursively, hidden files skipped), "
                    + "with --image, or listed in --files-from; texts with --text or --texts-from.",
            "With --out FILE.npy the embeddings are written as a numpy float32 array [n, dim] (images first, then texts, "
                    + "in the order given), and FILE.csv beside it names each row (columns kind, input).",
            "JSON: {\"images\":[{\"path\",\"embedding\"}], \"texts\":[{\"text\",\"embedding\"}], \"errors\":[{\"path\",\"error\"}]}.",
            "A bad image is reported and the others are still embedded; the exit status is then 1."
        })
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "IMAGE|DIR", arity = "0..*", description = "Image files or folders of images.")
    List<Path> imageArgs = new ArrayList<>();

    @Option(
            names = {"-i", "--image"},
            paramLabel = "FILE",
            description = "An image file (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(
            names = "--files-from",
            paramLabel = "FILE",
            description = "Read image paths from FILE, one per line (- for standard input).")
    Path filesFrom;

    @Option(
            names = {"-t", "--text"},
            paramLabel = "TEXT",
            description = "A text (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(
            names = "--texts-from",
            paramLabel = "FILE",
            description = "Read texts from FILE, one per line (- for standard input).")
    Path textsFrom;

    @Option(names = "--raw", description = "Do not normalise the embeddings to unit length.")
    boolean raw;

    @Option(
            names = "--truncate",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Cut texts longer than the model's context to fit, keeping the end token (the default; "
                    + "a note on stderr says so). With --no-truncate such a text is an error.")
    boolean truncate;

    @Option(
            names = "--out",
            paramLabel = "FILE.npy",
            description = "Write the embeddings to this .npy file and name the rows in the .csv beside it.")
    Path out;

    @Override
    public Integer call() {
        model.validate();
        List<Path> files = new ArrayList<>(images);
        files.addAll(InputLists.images(imageArgs, filesFrom));
        List<String> allTexts = new ArrayList<>(texts);
        if (textsFrom != null) allTexts.addAll(InputLists.texts(textsFrom));
        if (files.isEmpty() && allTexts.isEmpty()) {
            throw new Clip4jException(
                    "nothing to embed: give images (files, folders, --files-from) and/or texts (--text, --texts-from)");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Clip clip = model.load(!raw, truncate)) {
            // texts first: a text that is too long fails before any image work is done
            for (String t : allTexts)
                InputLists.checkLength(clip.tokenizer(), t, clip.config().contextLength(), truncate, err);
            float[][] textEmb = clip.embedTexts(allTexts);
            List<Clip.ImageResult> results = clip.embedImageFiles(files);

            List<Map<String, Object>> imgOut = new ArrayList<>(),
                    errOut = new ArrayList<>(),
                    txtOut = new ArrayList<>();
            for (Clip.ImageResult r : results) {
                if (r.ok()) imgOut.add(entry("path", r.path().toString(), "embedding", r.embedding()));
                else errOut.add(entry("path", r.path().toString(), "error", r.error()));
            }
            for (int i = 0; i < allTexts.size(); i++)
                txtOut.add(entry("text", allTexts.get(i), "embedding", textEmb[i]));
            for (Map<String, Object> m : errOut) err.println("clip4j: " + ErrorLines.oneLine((String) m.get("error")));
            if (out != null) writeNpy(stdout, imgOut, txtOut, errOut.size(), clip.embedDim());
            else if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("images", imgOut);
                doc.put("texts", txtOut);
                doc.put("errors", errOut);
                OutputOptions.printJson(stdout, doc);
            } else {
                for (Map<String, Object> m : imgOut)
                    stdout.println(m.get("path") + "\t" + preview((float[]) m.get("embedding")));
                for (Map<String, Object> m : txtOut)
                    stdout.println(m.get("text") + "\t" + preview((float[]) m.get("embedding")));
            }
            stdout.flush();
            return errOut.isEmpty() ? 0 : 1;
        }
    }

    private void writeNpy(
            PrintWriter stdout,
            List<Map<String, Object>> imgOut,
            List<Map<String, Object>> txtOut,
            int failed,
            int dim) {
        List<float[]> rows = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        for (Map<String, Object> m : imgOut) {
            rows.add((float[]) m.get("embedding"));
            names.add(List.of("image", (String) m.get("path")));
        }
        for (Map<String, Object> m : txtOut) {
            rows.add((float[]) m.get("embedding"));
            names.add(List.of("text", (String) m.get("text")));
        }
        Path csv = NpyFiles.sidecar(out);
        NpyFiles.writeFloat32(out, rows, dim);
        NpyFiles.writeCsv(csv, List.of("kind", "input"), names);
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("npy", out.toString());
            doc.put("rows_csv", csv.toString());
            doc.put("images", imgOut.size());
            doc.put("texts", txtOut.size());
            doc.put("dim", dim);
            doc.put("failed", failed);
            OutputOptions.printJson(stdout, doc);
        } else {
            stdout.println(String.format(
                    Locale.ROOT,
                    "%s: %d x %d float32 (%d images, %d texts); rows named in %s",
                    out,
                    rows.size(),
                    dim,
                    imgOut.size(),
                    txtOut.size(),
                    csv));
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
        return sb.append(v.length > 6 ? ", ...]" : "]")
                .append(" (")
                .append(v.length)
                .append(" dims)")
                .toString();
    }
}
