package io.clip4j.cli;

import io.clip4j.checkpoint.Towers;
import io.clip4j.convert.Layout;
import io.clip4j.convert.ModelConverter;
import io.clip4j.convert.WeightDType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clip4j convert}: any model clip4j loads, written as an open_clip folder in a smaller float format. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Write a model (any format clip4j loads) as an open_clip model folder whose weights are float32, "
                    + "float16, bfloat16 or block-quantised (q8_0 / q4_0); every clip4j command loads the result.",
            "JSON: {\"out\",\"dtype\",\"bytes\",\"parameters\",\"layout\",\"towers\"}."
        })
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "PATH",
            description = "The model to convert.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write.")
    Path out;

    @Option(
            names = "--dtype",
            defaultValue = "f16",
            paramLabel = "f32|f16|bf16|q8|q4|q4_0",
            description =
                    "Weight format (default: ${DEFAULT-VALUE}); q8 / q4_0 store the linear layers' weights and the "
                            + "token embedding as ggml q8_0 / q4_0 blocks of 32, the rest as f16; q4 is q4_0 with the patch "
                            + "embedding and each tower's first block in q8_0 (closer to f32 for 4 %% more bytes).")
    String dtype;

    @Option(
            names = "--tower",
            defaultValue = "both",
            paramLabel = "both|image|text",
            description = "Write both towers (default) or one: an image-only model embeds images and builds indexes, a "
                    + "text-only one embeds texts and answers searches; both halves share the model's identity.")
    String tower;

    @Option(
            names = "--layout",
            defaultValue = "open_clip",
            paramLabel = "open_clip|hf|openai",
            description = "open_clip folder (default), Hugging Face transformers folder (float dtypes), or one bare "
                    + "OpenAI state-dict .safetensors file (--out FILE.safetensors).")
    String layout;

    @Override
    public Integer call() {
        WeightDType d = WeightDType.parse(dtype);
        Towers t = Towers.parse(tower, "--tower");
        Layout l = Layout.parse(layout);
        String refused = ModelConverter.refusal(out, d, l);
        if (refused != null) throw new ParameterException(spec.commandLine(), refused);
        ModelConverter.Result r = ModelConverter.convert(model, out, d, t, l);
        PrintWriter o = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.folder().toString());
            m.put("dtype", r.dtype().word());
            m.put("bytes", r.bytes());
            m.put("parameters", r.parameters());
            m.put("layout", l.word());
            m.put("towers", t.word());
            OutputOptions.printJson(o, m);
        } else {
            String towers = t == Towers.BOTH ? "" : ", " + t.word() + " tower";
            o.println(String.format(
                    Locale.ROOT,
                    "wrote %s (%s, %s%s, %.1f MB, %,d parameters)",
                    r.folder(),
                    r.dtype().word(),
                    l.word(),
                    towers,
                    r.bytes() / 1e6,
                    r.parameters()));
        }
        o.flush();
        return 0;
    }
}
