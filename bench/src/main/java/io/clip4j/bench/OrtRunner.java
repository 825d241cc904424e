package io.clip4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX Runtime (Java API) on the towers exported by export_onnx.py: {@code threads} intra-op threads, one
 * inter-op thread, sequential execution, all graph optimisations. Prints the same JSON line as the other engines.
 * Text always runs at the full context the graph was exported with (77 tokens), as OpenAI's code does.
 */
public final class OrtRunner {
    static final String USAGE = "OrtRunner bench --onnx-dir D --what image|text --batch N --seconds S [--threads 2] [--warmup W]\n"
            + "       OrtRunner embed --onnx-dir D --pixels F --tokens-file F --out-dir D [--threads 2]";

    private OrtRunner() {}

    public static void main(String[] argv) throws Exception {
        var a = new BenchArgs(argv, USAGE);
        Path dir = Path.of(a.require("onnx-dir"));
        int threads = a.getInt("threads", 2);
        var env = OrtEnvironment.getEnvironment();
        if (a.mode.equals("embed")) {
            var px = RawFiles.readFloats(Path.of(a.require("pixels")));
            try (var s = session(env, dir.resolve("image.onnx"), threads)) {
                RawFiles.writeRows(Path.of(a.require("out-dir"), "ort-image.f32"), image(env, s, px.values(), px.count()));
            }
            var tok = RawFiles.readInts(Path.of(a.require("tokens-file")));
            try (var s = session(env, dir.resolve("text.onnx"), threads)) {
                RawFiles.writeRows(Path.of(a.require("out-dir"), "ort-text.f32"), text(env, s, RawFiles.tokenRows(tok)));
            }
            return;
        }
        String what = a.require("what");
        int batch = a.getInt("batch", 1);
        double seconds = a.getDouble("seconds", 10), warmup = a.getDouble("warmup", 2);
        Timing.Result r;
        double flops;
        Integer tokens = null;
        try (var s = session(env, dir.resolve(what.equals("image") ? "image.onnx" : "text.onnx"), threads)) {
            if (what.equals("image")) {
                float[] px = Synthetic.pixels(batch);
                r = Timing.run(() -> unchecked(() -> image(env, s, px, batch)), warmup, seconds);
                flops = Flops.image();
            } else {
                tokens = Synthetic.CONTEXT;
                int[][] rows = Synthetic.tokens(batch, a.getInt("tokens", 10));
                r = Timing.run(() -> unchecked(() -> text(env, s, rows)), warmup, seconds);
                flops = Flops.text(tokens);
            }
        }
        System.out.println(Timing.json("onnxruntime", what, batch, tokens, r, flops, threads, ortVersion(env)));
    }

    static OrtSession session(OrtEnvironment env, Path model, int threads) throws OrtException {
        var o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(model.toString(), o);
    }

    static float[][] image(OrtEnvironment env, OrtSession s, float[] px, int n) throws OrtException {
        int res = Synthetic.RES;
        try (var in = OnnxTensor.createTensor(env, FloatBuffer.wrap(px, 0, n * 3 * res * res), new long[] {n, 3, res, res});
             var out = s.run(Map.of("pixels", in))) {
            return (float[][]) out.get(0).getValue();
        }
    }

    static float[][] text(OrtEnvironment env, OrtSession s, int[][] rows) throws OrtException {
        int ctx = rows[0].length;
        long[] ids = new long[rows.length * ctx];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < ctx; j++) ids[i * ctx + j] = rows[i][j];
        try (var in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {rows.length, ctx});
             var out = s.run(Map.of("tokens", in))) {
            return (float[][]) out.get(0).getValue();
        }
    }

    private static String ortVersion(OrtEnvironment env) {
        String v = OrtEnvironment.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }

    interface OrtCall {
        void run() throws OrtException;
    }

    private static void unchecked(OrtCall c) {
        try {
            c.run();
        } catch (OrtException e) {
            throw new RuntimeException(e);
        }
    }
}
