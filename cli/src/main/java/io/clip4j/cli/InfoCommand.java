package io.clip4j.cli;

import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j info}: what a checkpoint holds. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description =
                "Show the architecture, parameter count, dtypes and file size of a checkpoint (nothing is computed).")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "PATH|REPO_ID",
            description = ModelOption.MODEL_HELP)
    String model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path path = ModelRefs.resolve(spec, model);
        try (Checkpoint cp = CheckpointLoader.load(path)) {
            ClipConfig c = cp.config();
            long params = 0, visual = 0, text = 0, visualBytes = 0, textBytes = 0;
            Map<String, Long> dtypes = new TreeMap<>(), visualTypes = new TreeMap<>(), textTypes = new TreeMap<>();
            for (Tensor t : cp.weights().values()) {
                params += t.numel();
                // as stored: a block-quantised weight by its scheme ("q8_0/32"), others by dtype
                String type =
                        t.blocks() != null ? t.blocks().scheme() : t.dtype().name();
                if (t.name().startsWith("visual.")) {
                    visual += t.numel();
                    visualBytes += t.storedBytes();
                    visualTypes.merge(type, t.numel(), Long::sum);
                } else if (!t.name().equals("logit_scale")) {
                    text += t.numel();
                    textBytes += t.storedBytes();
                    textTypes.merge(type, t.numel(), Long::sum);
                }
                dtypes.merge(type, t.numel(), Long::sum);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("path", path.toString());
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
            doc.put("towers", cp.towers().word());
            doc.put("image_weights", Map.of("dtypes", visualTypes, "bytes", visualBytes));
            doc.put("text_weights", Map.of("dtypes", textTypes, "bytes", textBytes));
            if (cp.modelId() != null) doc.put("model_id", cp.modelId());
            doc.put("file_bytes", cp.fileBytes());
            doc.put("tensors", cp.weights().size());
            if (output.json()) {
                OutputOptions.printJson(out, doc);
            } else {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"model", path.toString()});
                rows.add(new String[] {"format", cp.format()});
                rows.add(new String[] {
                    "architecture", c.describe() + (c.openaiName() == null ? "" : " [" + c.openaiName() + "]")
                });
                rows.add(new String[] {
                    "image tower",
                    String.format(Locale.ROOT, "%s, %d px", c.isVit() ? "ViT" : "ModifiedResNet", c.imageResolution())
                });
                rows.add(new String[] {
                    "text tower",
                    String.format(Locale.ROOT, "context %d, vocabulary %,d", c.contextLength(), c.vocabSize())
                });
                rows.add(new String[] {"embedding", c.embedDim() + " dims"});
                rows.add(new String[] {
                    "parameters", String.format(Locale.ROOT, "%,d (image %,d, text %,d)", params, visual, text)
                });
                long all = params;
                List<String> dt = new ArrayList<>();
                dtypes.forEach((k, v) ->
                        dt.add(String.format(Locale.ROOT, "%s %,d (%.1f %%)", k, v, all > 0 ? 100.0 * v / all : 0.0)));
                rows.add(new String[] {"dtypes", String.join(", ", dt)});
                rows.add(new String[] {"image stored", towerLine(cp.towers().hasImage(), visualTypes, visualBytes)});
                rows.add(new String[] {"text stored", towerLine(cp.towers().hasText(), textTypes, textBytes)});
                if (cp.modelId() != null) rows.add(new String[] {"model id", cp.modelId()});
                rows.add(new String[] {
                    "tensors", String.format(Locale.ROOT, "%,d", cp.weights().size())
                });
                rows.add(new String[] {
                    "file size", String.format(Locale.ROOT, "%.1f MB (%,d bytes)", cp.fileBytes() / 1e6, cp.fileBytes())
                });
                int w = 0;
                for (String[] r : rows) w = Math.max(w, r[0].length());
                for (String[] r : rows) out.println(String.format(Locale.ROOT, "%-" + w + "s  %s", r[0], r[1]));
            }
            out.flush();
            return 0;
        }
    }

    /** "q8_0/32 85,017,600, F16 968,448; 91.3 MB", or that the file lacks the tower. */
    private static String towerLine(boolean held, Map<String, Long> types, long bytes) {
        if (!held) return "not in this file (a one-tower model: clip4j convert --tower)";
        List<String> parts = new ArrayList<>();
        types.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %,d", k, v)));
        return String.join(", ", parts) + String.format(Locale.ROOT, "; %.1f MB", bytes / 1e6);
    }
}
