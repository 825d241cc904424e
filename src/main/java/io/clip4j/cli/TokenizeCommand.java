package io.clip4j.cli;

import io.clip4j.Clip4jException;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j tokenize}: the ids clip.tokenize gives. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize texts as OpenAI's clip.tokenize: [SOT] + BPE + [EOT], zero-padded to the context.",
                "JSON: [{\"text\",\"ids\"}]. Put -- before texts that start with '-'."})
public final class TokenizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = "--context", paramLabel = "N", defaultValue = "77", description = "Context length (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--truncate", description = "Cut long texts to the context, EOT kept last (default: fail naming the token count).")
    boolean truncate;

    @Option(names = {"-m", "--model"}, paramLabel = "PATH",
            description = "Use the vocabulary of a model folder (vocab.json + merges.txt) instead of OpenAI's.")
    Path model;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to tokenize.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() {
        if (context < 2) throw new Clip4jException("--context must be at least 2 (SOT and EOT), got " + context);
        ClipTokenizer tok = tokenizer();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String t : texts) rows.add(EmbedCommand.entry("text", t, "ids", tok.tokenize(t, context, truncate)));
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
                out.println("  " + sb + "  (" + used + " of " + context + ")");
            }
        }
        out.flush();
        return 0;
    }

    private ClipTokenizer tokenizer() {
        if (model == null) return ClipTokenizer.openai();
        Path dir = Files.isDirectory(model) ? model : model.getParent();
        Path vocab = dir == null ? null : dir.resolve("vocab.json"), merges = dir == null ? null : dir.resolve("merges.txt");
        if (vocab == null || !Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) {
            if (!Files.exists(model)) throw new Clip4jException(model + ": no such file or directory");
            return ClipTokenizer.openai();  // open_clip and OpenAI checkpoints use OpenAI's vocabulary
        }
        return ClipTokenizer.fromFiles(vocab, merges);
    }
}
