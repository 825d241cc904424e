package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchArchiveTest {
    @TempDir
    Path tmp;

    private Path torchFile(String name, byte[] pickle, Map<String, byte[]> storages, Map<String, byte[]> extra)
            throws IOException {
        Path f = tmp.resolve(name);
        TestCheckpoints.writeTorchZip(f, "archive", pickle, storages, extra);
        return f;
    }

    @Test
    void refusesHostileGlobalWithoutRunningIt() throws IOException {
        Path marker = tmp.resolve("pwned");
        byte[] pickle = new PickleBytes()
                .proto()
                .global("os", "system")
                .mark()
                .str("touch " + marker)
                .tuple()
                .reduce()
                .stop()
                .bytes();
        Path f = torchFile("evil.pt", pickle, Map.of(), Map.of());
        Clip4jException e = assertThrows(Clip4jException.class, () -> CheckpointLoader.load(f));
        assertEquals(
                f + ": refusing to load: the pickle asks for global 'os.system' (only tensor state dicts are allowed)",
                e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesLoadFromBytes() throws IOException {
        byte[] pickle = new PickleBytes()
                .proto()
                .global("torch.storage", "_load_from_bytes")
                .mark()
                .str("x")
                .tuple()
                .reduce()
                .stop()
                .bytes();
        Path f = torchFile("bytes.pt", pickle, Map.of(), Map.of());
        Clip4jException e = assertThrows(Clip4jException.class, () -> CheckpointLoader.load(f));
        assertTrue(e.getMessage().contains("'torch.storage._load_from_bytes'"), e.getMessage());
    }

    @Test
    void refusesTruncatedZip() throws IOException {
        Map<String, Tensor> sd = TestCheckpoints.randomWeights(TestCheckpoints.smallVit(), 1);
        Map<String, byte[]> st = new LinkedHashMap<>();
        Path f = torchFile("whole.bin", TestCheckpoints.stateDictPickle(sd, st), st, Map.of());
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        Clip4jException e = assertThrows(Clip4jException.class, () -> CheckpointLoader.load(cut));
        assertTrue(e.getMessage().startsWith(cut + ": invalid zip archive"), e.getMessage());
    }

    @Test
    void refusesLegacyFormat() throws IOException {
        Path f = tmp.resolve("old.pt");
        Files.write(f, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        Clip4jException e = assertThrows(Clip4jException.class, () -> CheckpointLoader.load(f));
        assertTrue(e.getMessage().contains("legacy (pre-zip) torch.save format"), e.getMessage());
    }

    @Test
    void loadsNestedTrainingCheckpointWithDdpPrefix() throws IOException {
        ClipConfig c = TestCheckpoints.smallVit();
        Map<String, Tensor> sd = TestCheckpoints.randomWeights(c, 2);
        Map<String, Tensor> prefixed = new LinkedHashMap<>();
        sd.forEach((k, v) -> prefixed.put("module." + k, v));
        Map<String, byte[]> st = new LinkedHashMap<>();
        byte[] inner = TestCheckpoints.stateDictPickle(prefixed, st);
        // {"epoch": 7, "state_dict": <inner dict>}: splice the inner pickle (without PROTO and STOP) into a dict
        PickleBytes outer = new PickleBytes()
                .proto()
                .emptyDict()
                .mark()
                .str("epoch")
                .integer(7)
                .str("state_dict");
        for (int i = 2; i < inner.length - 1; i++) outer.op(inner[i] & 0xff);
        byte[] pickle = outer.setItems().stop().bytes();
        try (Checkpoint ck = CheckpointLoader.load(torchFile("train.pt", pickle, st, Map.of()))) {
            assertEquals(c, ck.config());
            assertEquals(sd.keySet(), ck.weights().keySet());
            assertArrayEquals(
                    sd.get("visual.proj").toFloatArray(),
                    ck.weights().get("visual.proj").toFloatArray());
        }
    }

    @Test
    void copiesStridedViewsAndHonoursStorageOffsets() throws IOException {
        // one storage of 2x3 floats; "t" is its transpose (strides 1,3), "row" is its second row (offset 3)
        float[] vals = {1, 2, 3, 4, 5, 6};
        MemorySegment seg = Arena.ofAuto().allocate(24);
        MemorySegment.copy(vals, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 6);
        byte[] pickle = new PickleBytes()
                .proto()
                .emptyDict()
                .mark()
                .str("t")
                .tensor("FloatStorage", "0", 6, 0, new int[] {3, 2}, new int[] {1, 3})
                .str("row")
                .tensor("FloatStorage", "0", 6, 3, new int[] {3}, new int[] {1})
                .setItems()
                .stop()
                .bytes();
        Path f = torchFile("views.pt", pickle, Map.of("0", seg.toArray(ValueLayout.JAVA_BYTE)), Map.of());
        try (Arena arena = Arena.ofShared()) {
            Map<String, Object> sd =
                    TorchArchive.stateDict(TorchArchive.read(f, arena).root());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, ((Tensor) sd.get("t")).toFloatArray());
            assertArrayEquals(new float[] {4, 5, 6}, ((Tensor) sd.get("row")).toFloatArray());
        }
    }

    @Test
    void refusesTensorPastItsStorage() throws IOException {
        byte[] pickle = new PickleBytes()
                .proto()
                .emptyDict()
                .mark()
                .str("w")
                .tensor("FloatStorage", "0", 2, 1, new int[] {2}, new int[] {1})
                .setItems()
                .stop()
                .bytes();
        Path f = torchFile("past.pt", pickle, Map.of("0", new byte[8]), Map.of());
        Clip4jException e = assertThrows(Clip4jException.class, () -> CheckpointLoader.load(f));
        assertTrue(e.getMessage().contains("past the end of storage '0'"), e.getMessage());
    }

    /** Emits `obj` as TorchScript does: GLOBAL __torch__ class, NEWOBJ, then BUILD with its attribute dict. */
    private void module(
            PickleBytes p, String cls, Map<String, Object> tree, Map<String, Tensor> sd, Map<String, byte[]> storages) {
        int dot = cls.lastIndexOf('.');
        p.global(cls.substring(0, dot), cls.substring(dot + 1)).emptyTuple().newObj();
        p.emptyDict().mark().str("training").bool(false);
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            p.str(e.getKey());
            if (e.getValue() instanceof Tensor t) {
                String key = Integer.toString(storages.size());
                storages.put(key, t.data().toArray(ValueLayout.JAVA_BYTE));
                p.global("torch._utils", "_rebuild_parameter");
                p.mark()
                        .tensor(
                                TestCheckpoints.storageType(t.dtype()),
                                key,
                                t.numel(),
                                0,
                                t.shape(),
                                TestCheckpoints.contiguousStrides(t.shape()))
                        .bool(true)
                        .global("collections", "OrderedDict")
                        .emptyTuple()
                        .reduce()
                        .tuple()
                        .reduce();
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) e.getValue();
                module(p, "__torch__.torch.nn.modules.module.Module", child, sd, storages);
            }
        }
        p.setItems().build();
    }

    @SuppressWarnings("unchecked")
    @Test
    void loadsTorchScriptArchiveAsItsStateDict() throws IOException {
        ClipConfig c = TestCheckpoints.smallResNet();
        Map<String, Tensor> sd = TestCheckpoints.randomWeights(c, 3);
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            Map<String, Object> node = tree;
            for (int i = 0; i < parts.length - 1; i++) {
                node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            }
            node.put(parts[parts.length - 1], e.getValue());
        }
        // what OpenAI's jit files also hold: a plain tensor attribute and the int buffers build_model deletes
        ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) tree.get("transformer")).get("resblocks"))
                        .get("0"))
                .put("attn_mask", Tensor.ofFloats("m", new int[] {2, 2}, new float[4]));
        MemorySegment res = Arena.ofAuto().allocate(8);
        res.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 64);
        tree.put("input_resolution", new Tensor("r", DType.I64, new int[] {}, res));
        PickleBytes p = new PickleBytes().proto();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        module(p, "__torch__.clip.model.CLIP", tree, sd, storages);
        Path f = torchFile(
                "RN-tiny.pt",
                p.stop().bytes(),
                storages,
                Map.of(
                        "constants.pkl",
                                new PickleBytes().proto().emptyTuple().stop().bytes(),
                        "code/__torch__/clip/model.py", "class CLIP(Module):\n  pass\n".getBytes()));
        try (Checkpoint ck = CheckpointLoader.load(f)) {
            assertEquals(c, ck.config());
            assertEquals(sd.keySet(), ck.weights().keySet());
            for (String k : sd.keySet()) {
                assertArrayEquals(sd.get(k).toFloatArray(), ck.weights().get(k).toFloatArray(), 0f, k);
            }
        }
    }
}
