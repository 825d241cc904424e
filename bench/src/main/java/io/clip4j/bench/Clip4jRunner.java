package io.clip4j.bench;

import io.clip4j.api.Clip;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Parallel;
import java.nio.file.Path;

/**
 * clip4j through its public Java API: a stand-in for {@code clip4j bench} (same JSON line) and the embedder for
 * the agreement check. Text runs only to the EOT (the API's behaviour), so {@code --tokens} sets the work.
 */
public final class Clip4jRunner {
    static final String USAGE = "Clip4jRunner bench --model M --what image|text --batch N --seconds S [--tokens T] [--warmup W]\n"
            + "       Clip4jRunner embed --model M --pixels F --tokens-file F --out-dir D";

    private Clip4jRunner() {}

    public static void main(String[] argv) throws Exception {
        var a = new BenchArgs(argv, USAGE);
        int batch = a.getInt("batch", 1);
        var options = Clip.Options.defaults().withNormalize(false).withBatchSize(Math.max(1, batch));
        try (Clip clip = Clip.load(Path.of(a.require("model")), options)) {
            if (a.mode.equals("embed")) {
                embed(clip, a);
                return;
            }
            String what = a.require("what");
            double seconds = a.getDouble("seconds", 10), warmup = a.getDouble("warmup", 2);
            Timing.Result r;
            Integer tokens = null;
            double flops;
            if (what.equals("image")) {
                float[] px = Synthetic.pixels(batch);
                r = Timing.run(() -> clip.embedPixels(px, batch), warmup, seconds);
                flops = Flops.image();
            } else if (what.equals("text")) {
                tokens = a.getInt("tokens", Synthetic.CONTEXT);
                int[][] rows = Synthetic.tokens(batch, tokens);
                r = Timing.run(() -> clip.embedTokens(rows), warmup, seconds);
                flops = Flops.text(tokens);
            } else {
                throw new IllegalArgumentException("--what must be image or text");
            }
            System.out.println(Timing.json("clip4j", what, batch, tokens, r, flops, Parallel.threads(),
                    Kernels.best().getClass().getSimpleName()));
        }
    }

    private static void embed(Clip clip, BenchArgs a) throws Exception {
        Path out = Path.of(a.require("out-dir"));
        var px = RawFiles.readFloats(Path.of(a.require("pixels")));
        RawFiles.writeRows(out.resolve("clip4j-image.f32"), clip.embedPixels(px.values(), px.count()));
        var tok = RawFiles.readInts(Path.of(a.require("tokens-file")));
        RawFiles.writeRows(out.resolve("clip4j-text.f32"), clip.embedTokens(RawFiles.tokenRows(tok)));
    }
}
