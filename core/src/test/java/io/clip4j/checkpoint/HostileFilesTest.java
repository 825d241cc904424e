package io.clip4j.checkpoint;

import static io.clip4j.checkpoint.HostilePickleTest.refusal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile zip archives, safetensors headers, configs and weights (issue 14). */
class HostileFilesTest {
    @TempDir
    Path tmp;

    // ---- zip ----

    /** One central-directory record: its name, method, sizes as declared, and which local header it points to. */
    private record CdEntry(String name, int method, long compressed, long size, int local) {}

    /** A zip written byte by byte: local records from {@code locals} (name, method, data), then the given directory. */
    private static byte[] rawZip(List<Object[]> locals, List<CdEntry> cd, long[] localOffsetsOut) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < locals.size(); i++) {
            localOffsetsOut[i] = out.size();
            String name = (String) locals.get(i)[0];
            byte[] data = (byte[]) locals.get(i)[2];
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x04034b50)
                    .putShort((short) 20)
                    .putShort((short) 0)
                    .putShort((short) (int) (Integer) locals.get(i)[1])
                    .putInt(0)
                    .putInt(0)
                    .putInt(data.length)
                    .putInt(data.length)
                    .putShort((short) n.length)
                    .putShort((short) 0);
            out.writeBytes(h.array());
            out.writeBytes(n);
            out.writeBytes(data);
        }
        long cdStart = out.size();
        for (CdEntry e : cd) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x02014b50)
                    .putShort((short) 20)
                    .putShort((short) 20)
                    .putShort((short) 0)
                    .putShort((short) e.method())
                    .putInt(0)
                    .putInt(0)
                    .putInt((int) e.compressed())
                    .putInt((int) e.size())
                    .putShort((short) n.length)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt((int) localOffsetsOut[e.local()]);
            out.writeBytes(h.array());
            out.writeBytes(n);
        }
        long cdSize = out.size() - cdStart;
        ByteBuffer eocd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        eocd.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) cd.size())
                .putShort((short) cd.size())
                .putInt((int) cdSize)
                .putInt((int) cdStart)
                .putShort((short) 0);
        out.writeBytes(eocd.array());
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    @Test
    void zipEntryDeclaringFourGigabytesIsRefusedBeforeAllocating() throws IOException {
        byte[] pkl = deflate(new PickleBytes().proto().emptyDict().stop().bytes());
        long[] offs = new long[1];
        byte[] zip = rawZip(
                List.<Object[]>of(new Object[] {"archive/data.pkl", 8, pkl}),
                List.of(new CdEntry("archive/data.pkl", 8, pkl.length, 0xfffffffeL, 0)),
                offs);
        assertTrue(zip.length < 300, "" + zip.length);
        Path f = Files.write(tmp.resolve("bomb.pt"), zip);
        String m = refusal(f);
        assertTrue(m.contains("'archive/data.pkl' claims 4294967294 bytes from") && m.contains("zip bomb"), m);
    }

    /**
     * Raw deflate data that inflates to {@code mb} MiB of zeros in about {@code mb} kB: one sync-flushed MiB of
     * zeros (whose back references only ever see zeros), repeated.
     */
    private static byte[] zerosBomb(int mb) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 20];
        d.setInput(zeros);
        byte[] first = Arrays.copyOf(buf, d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH));
        d.setInput(zeros);
        byte[] next = Arrays.copyOf(buf, d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH));
        d.finish();
        byte[] last = Arrays.copyOf(buf, d.deflate(buf));
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        for (int i = 1; i < mb; i++) out.writeBytes(next);
        out.writeBytes(last);
        return out.toByteArray();
    }

    @Test
    void zerosBombHelperReallyInflates() throws Exception {
        byte[] z = zerosBomb(3);
        Inflater inf = new Inflater(true);
        inf.setInput(z);
        byte[] out = new byte[(3 << 20) + 10];
        int n = 0;
        while (!inf.finished()) n += inf.inflate(out, n, out.length - n);
        assertEquals(3 << 20, n);
        for (byte b : out) assertEquals(0, b);
    }

    @Test
    void highlyCompressedStoragesSharingOneStreamAreRefused() throws IOException {
        // 3 storages of 3 GB of zeros each, all one ~3 MB deflate stream: 9 GB inflated from a 3 MB file
        int mb = 3 * 1024;
        long bytes = (long) mb << 20;
        byte[] stream = zerosBomb(mb);
        PickleBytes p = new PickleBytes().proto().emptyDict().mark();
        for (int i = 0; i < 3; i++) {
            p.str("w" + i).tensor("FloatStorage", "" + i, bytes / 4, 0, new int[] {(int) (bytes / 4)}, new int[] {1});
        }
        byte[] pkl = p.setItems().stop().bytes();
        long[] offs = new long[2];
        List<CdEntry> cd = new ArrayList<>(List.of(new CdEntry("archive/data.pkl", 0, pkl.length, pkl.length, 0)));
        for (int i = 0; i < 3; i++) cd.add(new CdEntry("archive/data/" + i, 8, stream.length, bytes & 0xffffffffL, 1));
        byte[] zip = rawZip(
                List.<Object[]>of(
                        new Object[] {"archive/data.pkl", 0, pkl}, new Object[] {"archive/data/0", 8, stream}),
                cd,
                offs);
        Path f = Files.write(tmp.resolve("zeros.pt"), zip);
        String m = refusal(f);
        assertTrue(m.contains("'archive/data/0' claims " + bytes + " bytes") && m.contains("zip bomb"), m);
    }

    @Test
    void moderatelyCompressedEntriesStillLoad() throws IOException {
        // a deflated data.pkl (as some re-zipping tools write) is fine
        Map<String, Tensor> sd = TestCheckpoints.randomWeights(TestCheckpoints.smallVit(), 9);
        Map<String, byte[]> st = new LinkedHashMap<>();
        byte[] pkl = TestCheckpoints.stateDictPickle(sd, st);
        byte[] dpkl = deflate(pkl);
        List<Object[]> locals = new ArrayList<>();
        List<CdEntry> cd = new ArrayList<>();
        locals.add(new Object[] {"archive/data.pkl", 8, dpkl});
        cd.add(new CdEntry("archive/data.pkl", 8, dpkl.length, pkl.length, 0));
        for (Map.Entry<String, byte[]> e : st.entrySet()) {
            byte[] d = deflate(e.getValue());
            cd.add(new CdEntry("archive/data/" + e.getKey(), 8, d.length, e.getValue().length, locals.size()));
            locals.add(new Object[] {"archive/data/" + e.getKey(), 8, d});
        }
        Path f = Files.write(tmp.resolve("deflated.pt"), rawZip(locals, cd, new long[locals.size()]));
        try (Checkpoint ck = CheckpointLoader.load(f)) {
            assertArrayEquals(
                    sd.get("visual.proj").toFloatArray(),
                    ck.weights().get("visual.proj").toFloatArray());
        }
    }

    // ---- safetensors ----

    private static Path safetensors(Path f, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Files.write(f, b.array());
    }

    @Test
    void safetensorsHeaderMustBeOneObjectPaddedWithSpaces() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        try (SafeTensorsFile ok =
                SafeTensorsFile.open(safetensors(tmp.resolve("ok.safetensors"), json + "      ", new byte[4]))) {
            assertEquals(1, ok.tensors().size());
        }
        for (String bad : new String[] {json + "garbage ", json + "{}", json + "\n", json + " \t", " " + json}) {
            Path f = safetensors(tmp.resolve("bad.safetensors"), bad, new byte[4]);
            Clip4jException e = assertThrows(
                    Clip4jException.class, () -> SafeTensorsFile.open(f).close());
            assertTrue(e.getMessage().contains("invalid safetensors file: header"), e.getMessage());
        }
    }

    @Test
    void safetensorsNamesWithControlBytesAreEscaped() throws IOException {
        String json = "{\"a\\u0007\\u001b[31mb\":{\"dtype\":\"Q\\u0000\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path f = safetensors(tmp.resolve("ctl.safetensors"), json, new byte[4]);
        Clip4jException e = assertThrows(
                Clip4jException.class, () -> SafeTensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("tensor 'a\\x07\\x1b[31mb' has unknown dtype 'Q\\x00'"), e.getMessage());
    }

    // ---- weights ----

    private static final String SMALL = "token_embedding.weight"; // 3200 elements: shorter than a 16 kB block
    private static final String BIG = "visual.transformer.resblocks.1.mlp.c_fc.weight"; // 65536: whole blocks only

    private void assertNonFiniteRefused(String name, DType dtype, long at, short bits16, int bits32)
            throws IOException {
        ClipConfig c = TestCheckpoints.smallVit();
        Map<String, Tensor> sd = new LinkedHashMap<>(TestCheckpoints.randomWeights(c, 11));
        Tensor tok = sd.get(name);
        long n = tok.numel();
        MemorySegment seg = Arena.ofAuto().allocate(n * dtype.bytes);
        for (long i = 0; i < n; i++) {
            float v = tok.getFloat(i);
            switch (dtype) {
                case F32 ->
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i == at ? Float.intBitsToFloat(bits32) : v);
                case F16 ->
                    seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, i == at ? bits16 : Float.floatToFloat16(v));
                default ->
                    seg.setAtIndex(
                            ValueLayout.JAVA_SHORT_UNALIGNED,
                            i,
                            i == at ? bits16 : (short) (Float.floatToIntBits(v) >>> 16));
            }
        }
        sd.put(name, new Tensor("t", dtype, tok.shape(), seg));
        Path f = tmp.resolve("nan.safetensors");
        SafeTensorsWriter.write(f, sd, Map.of());
        String m = refusal(f);
        assertTrue(
                m.contains("tensor '" + name + "' holds a non-finite value") && m.contains("at element " + at + ")"),
                m);
    }

    @Test
    void nonFiniteWeightsAreRefusedAtLoad() throws IOException {
        assertNonFiniteRefused(SMALL, DType.F32, 3199, (short) 0, 0x7fc00000); // NaN, last element
        assertNonFiniteRefused(BIG, DType.F32, 5, (short) 0, 0xff800000); // -inf in the first block
        assertNonFiniteRefused(BIG, DType.F32, 65535, (short) 0, 0x7f800001); // signalling NaN, last block
        assertNonFiniteRefused(SMALL, DType.F16, 1234, (short) 0x7c00, 0); // +inf
        assertNonFiniteRefused(BIG, DType.F16, 40001, (short) 0xfe00, 0); // NaN
        assertNonFiniteRefused(SMALL, DType.BF16, 0, (short) 0x7fc0, 0); // NaN
        assertNonFiniteRefused(BIG, DType.BF16, 2222, (short) 0xff80, 0); // -inf
    }

    @Test
    void largestFiniteWeightsAreAccepted() throws IOException {
        ClipConfig c = TestCheckpoints.smallVit();
        Map<String, Tensor> sd = new LinkedHashMap<>(TestCheckpoints.randomWeights(c, 12));
        float[] v = new float[64];
        Arrays.fill(v, Float.MAX_VALUE);
        v[1] = -Float.MAX_VALUE;
        sd.put("ln_final.weight", Tensor.ofFloats("x", new int[] {64}, v));
        Path f = tmp.resolve("max.safetensors");
        SafeTensorsWriter.write(f, sd, Map.of());
        CheckpointLoader.load(f).close();
        // the largest halves and bfloat16s (exponent one below all ones), the smallest subnormal, -0
        MemorySegment h = MemorySegment.ofArray(new short[] {0x7bff, (short) 0xfbff, 0x0001, (short) 0x8000});
        assertEquals(-1, new Tensor("h", DType.F16, new int[] {4}, h).firstNonFinite());
        MemorySegment b = MemorySegment.ofArray(new short[] {0x7f7f, (short) 0xff7f, 0x0001, (short) 0x8000});
        assertEquals(-1, new Tensor("b", DType.BF16, new int[] {4}, b).firstNonFinite());
    }
}
