package io.clip4j.checkpoint;

import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builders of small synthetic checkpoints for tests. */
public final class TestCheckpoints {
    private TestCheckpoints() {}

    public static Path resource(String rel) {
        return Fixtures.resources().resolve(rel);
    }

    /** Random weights with every tensor the config needs: rank >= 2 in F16, the rest F32 (like the fixtures). */
    public static Map<String, Tensor> randomWeights(ClipConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : ExpectedTensors.of(c).entrySet()) {
            int[] shape = e.getValue();
            DType dt = shape.length >= 2 ? DType.F16 : DType.F32;
            long n = Tensor.numel(shape);
            MemorySegment seg =
                    Arena.ofAuto().allocate(Math.max(1, n * dt.bytes)).asSlice(0, n * dt.bytes);
            for (long i = 0; i < n; i++) {
                float v = (float) r.nextGaussian();
                if (dt == DType.F16) seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, Float.floatToFloat16(v));
                else seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4, v);
            }
            out.put(e.getKey(), new Tensor(e.getKey(), dt, shape, seg));
        }
        return out;
    }

    public static ClipConfig smallVit() {
        return new ClipConfig(
                32,
                32,
                new int[] {2},
                128,
                16,
                2,
                7,
                50,
                64,
                1,
                2,
                true,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
    }

    static ClipConfig smallResNet() {
        return new ClipConfig(
                24,
                64,
                new int[] {1, 2, 1, 1},
                8,
                0,
                4,
                5,
                30,
                64,
                1,
                1,
                true,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
    }

    static String storageType(DType d) {
        return switch (d) {
            case F32 -> "FloatStorage";
            case F16 -> "HalfStorage";
            case BF16 -> "BFloat16Storage";
            case I64 -> "LongStorage";
            default -> throw new IllegalArgumentException(d.toString());
        };
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Writes a torch.save-style zip: root/data.pkl, root/data/<key>, root/version (+ extra entries), STORED. */
    static void writeTorchZip(
            Path file, String root, byte[] pickle, Map<String, byte[]> storages, Map<String, byte[]> extra)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, root + "/data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet())
                stored(zip, root + "/data/" + e.getKey(), e.getValue());
            stored(zip, root + "/version", "3\n".getBytes());
            for (Map.Entry<String, byte[]> e : extra.entrySet()) stored(zip, root + "/" + e.getKey(), e.getValue());
        }
    }

    static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** A torch.save state-dict pickle of {@code sd} (keys as given), one storage per tensor, keys "0", "1", ... */
    static byte[] stateDictPickle(Map<String, Tensor> sd, Map<String, byte[]> storagesOut) {
        PickleBytes p = new PickleBytes().proto();
        p.global("collections", "OrderedDict").emptyTuple().reduce().mark();
        int key = 0;
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            Tensor t = e.getValue();
            String k = Integer.toString(key++);
            p.str(e.getKey()).tensor(storageType(t.dtype()), k, t.numel(), 0, t.shape(), contiguousStrides(t.shape()));
            storagesOut.put(k, t.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return p.setItems().stop().bytes();
    }

    private static byte[] vitTinyTokenEmbeddingBytes() {
        try (SafeTensorsFile f =
                SafeTensorsFile.open(resource("models/vit-tiny").resolve("open_clip_model.safetensors"))) {
            return f.tensors().get("token_embedding.weight").data().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The reference torch.save zip, with its token-embedding storage put back (see resources/checkpoint/README.md). */
    public static Path vitTinyTorchBin(Path tmp) throws IOException {
        Path out = tmp.resolve("openai_state_dict.bin");
        try (ZipFile parts =
                        new ZipFile(TestCheckpoints.resource("checkpoint/vit-tiny-torch/openai_state_dict.parts.zip")
                                .toFile());
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> en = parts.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                TestCheckpoints.stored(zip, e.getName(), parts.getInputStream(e).readAllBytes());
            }
            TestCheckpoints.stored(zip, "openai_state_dict/data/59", vitTinyTokenEmbeddingBytes());
        }
        return out;
    }

    public static Path vitTinyHfFolder(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Path src = TestCheckpoints.resource("checkpoint/vit-tiny-hf");
        for (String f : new String[] {"config.json", "preprocessor_config.json", "tokenizer_config.json"}) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        try (SafeTensorsFile parts = SafeTensorsFile.open(src.resolve("model.parts.safetensors"));
                SafeTensorsFile oc =
                        SafeTensorsFile.open(resource("models/vit-tiny").resolve("open_clip_model.safetensors"))) {
            Map<String, Tensor> all = new LinkedHashMap<>(parts.tensors());
            all.put("text_model.embeddings.token_embedding.weight", oc.tensors().get("token_embedding.weight"));
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), all, parts.metadata());
        }
        return dir;
    }
}
