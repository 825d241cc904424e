package io.clip4j.cli;

import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j info}: what a checkpoint holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture, parameter count, dtypes and file size of a checkpoint (nothing is computed).")
public final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH", description = "Model folder or file.")
    java.nio.file.Path model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Checkpoint cp = CheckpointLoader.load(model)) {
            ClipConfig c = cp.config();
            long params = 0, visual = 0, text = 0;
            Map<String, Long> dtypes = new TreeMap<>();
            for (Tensor t : cp.weights().values()) {
                params += t.numel();
                if (t.name().startsWith("visual.")) visual += t.numel();
                else if (!t.name().equals("logit_scale")) text += t.numel();
                dtypes.merge(t.dtype().name(), t.numel(), Long::sum);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("path", model.toString());
            doc.put("format", cp.format());
            doc.put("architecture", c.describe());
            doc.put("name", c.openaiName());
            doc.put("image_tower", c.isVit() ? "ViT" : "ModifiedResNet");
            doc.put("embed_dim", c.embedDim());
            doc.put("image_resolution", c.imageResolution());
            doc.put("context_length", c.contextLength());
            doc.put("vocab_size", c.vocabSize());
            doc.put("parameters", params);
            doc.put("image_parameters", visual);
            doc.put("text_parameters", text);
            doc.put("dtypes", dtypes);
            doc.put("file_bytes", cp.fileBytes());
            doc.put("tensors", cp.weights().size());
            if (output.json()) {
                OutputOptions.printJson(out, doc);
            } else {
                out.printf("%s%n", model);
                out.printf("  format        %s%n", cp.format());
                out.printf("  architecture  %s%s%n", c.describe(), c.openaiName() == null ? "" : " [" + c.openaiName() + "]");
                out.printf("  parameters    %,d (image %,d, text %,d)%n", params, visual, text);
                out.printf("  dtypes        %s%n", dtypes);
                out.printf("  file size     %,d bytes (%.1f MB)%n", cp.fileBytes(), cp.fileBytes() / 1e6);
            }
            out.flush();
            return 0;
        }
    }
}
