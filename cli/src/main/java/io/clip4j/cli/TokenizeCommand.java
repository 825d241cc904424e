package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.tokenizer.ClipTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j tokenize}: the ids clip.tokenize gives. */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenize texts as OpenAI's clip.tokenize(texts, truncate=True) does: [SOT] + BPE + [EOT], "
                    + "zero-padded to the context length.",
            "A text longer than the context is cut to fit with the end token kept last, as 'clip4j embed' does "
                    + "(a note on stderr says so); with --no-truncate it is an error.",
            "JSON: [{\"text\",\"ids\"}]. Put -- before texts that start with '-'."
        })
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--context",
            paramLabel = "N",
            description = "Context length (default: the model's with --model, else 77).")
    Integer context;

    @Option(
            names = "--truncate",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Cut texts longer than the context, keeping the end token (the default). "
                    + "With --no-truncate such a text is an error naming its token count.")
    boolean truncate;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "PATH|REPO_ID",
            description =
                    "Use this model's vocabulary (vocab.json + merges.txt in its folder, else OpenAI's) and context length.")
    String model;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to tokenize.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() {
        Usage.require(
                context == null || context >= 2, spec, "--context must be at least 2 (SOT and EOT), got " + context);
        Path modelPath = ModelRefs.resolve(spec, model);
        if (modelPath != null && !Files.exists(modelPath))
            throw new Clip4jException(modelPath + ": no such file or directory");
        int ctx = context != null ? context : modelPath != null ? modelContext(modelPath) : 77;
        ClipTokenizer tok = tokenizer(modelPath);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String t : texts) {
            InputLists.checkLength(tok, t, ctx, truncate, err);
            rows.add(EmbedCommand.entry("text", t, "ids", tok.tokenize(t, ctx, true)));
        }
        if (output.json()) {
            OutputOptions.printJson(out, rows);
        } else {
            for (Map<String, Object> r : rows) {
                int[] ids = (int[]) r.get("ids");
                int used = ids.length;
                while (used > 0 && ids[used - 1] == 0) used--;
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < used; i++) sb.append(i == 0 ? "" : " ").append(ids[i]);
                out.println(r.get("text"));
                out.println("  " + sb + "  (" + used + " of " + ctx + ")");
            }
        }
        out.flush();
        return 0;
    }

    private static int modelContext(Path model) {
        try (Checkpoint cp = CheckpointLoader.load(model)) {
            return cp.config().contextLength();
        }
    }

    private static ClipTokenizer tokenizer(Path model) {
        if (model == null) return ClipTokenizer.openai();
        Path dir = Files.isDirectory(model) ? model : model.getParent();
        Path vocab = dir == null ? null : dir.resolve("vocab.json"),
                merges = dir == null ? null : dir.resolve("merges.txt");
        if (vocab == null || !Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) {
            return ClipTokenizer.openai(); // open_clip and OpenAI checkpoints use OpenAI's vocabulary
        }
        return ClipTokenizer.fromFiles(vocab, merges);
    }
}
