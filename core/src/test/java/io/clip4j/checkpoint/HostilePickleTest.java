package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile torch.save / TorchScript pickles (issue 14): tiny files that, before the fixes, overflowed the stack,
 * ran out of a 4 GB heap or failed with an internal error. Each must be refused with one line, quickly.
 */
class HostilePickleTest {
    @TempDir
    Path tmp;

    private Path torchFile(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path f = tmp.resolve("hostile.pt");
        TestCheckpoints.writeTorchZip(f, "archive", pickle, storages, Map.of());
        return f;
    }

    /** The one-line message of loading {@code f}, which must fail with a Clip4jException within a minute. */
    static String refusal(Path f) {
        Clip4jException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        Clip4jException.class, () -> CheckpointLoader.load(f).close()));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private String refusal(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        return refusal(torchFile(pickle, storages));
    }

    @Test
    void deeplyNestedTupleAsDictKeyIsRefusedNotHashedRecursively() throws IOException {
        PickleBytes p = new PickleBytes().proto().emptyDict().emptyTuple();
        for (int i = 0; i < 300_000; i++) p.tuple1(); // ((((...),),),) 300k deep: hashCode recursed that deep
        String m = refusal(p.none().setItem().stop().bytes(), Map.of());
        assertTrue(m.contains("invalid pickle") && m.contains("nested too deeply"), m);
    }

    @Test
    void listContainingItselfAsDictKeyIsUnhashable() throws IOException {
        // L = []; L.append(L); {L: None}: hashing L never ended
        byte[] pickle = new PickleBytes()
                .proto()
                .emptyDict()
                .emptyList()
                .memoize()
                .get(0)
                .append()
                .none()
                .setItem()
                .stop()
                .bytes();
        String m = refusal(pickle, Map.of());
        assertTrue(m.contains("unhashable"), m);
    }

    @Test
    void tupleHoldingNoneIsAValueNotACrash() throws IOException {
        // {"a": (None,)} threw a NullPointerException (List.of(null)); now it is just not a tensor
        byte[] pickle = new PickleBytes()
                .proto()
                .emptyDict()
                .str("a")
                .none()
                .tuple1()
                .setItem()
                .stop()
                .bytes();
        String m = refusal(pickle, Map.of());
        assertTrue(m.contains("entry 'a' is a Tuple, not a tensor"), m);
    }

    @Test
    void oneStateBuiltIntoManyModulesIsABomb() throws IOException {
        // a 20k-entry dict (120 kB) BUILT into 10k modules (130 kB): 2*10^8 attribute entries, ~19 GB of heap
        PickleBytes p = new PickleBytes().proto().emptyDict().memoize().mark();
        for (int i = 0; i < 20_000; i++) p.integer(i).none();
        p.setItems().global("__torch__", "M").memoize();
        for (int i = 0; i < 10_000; i++) p.get(1).emptyTuple().newObj().get(0).build();
        String m = refusal(p.stop().bytes(), Map.of());
        assertTrue(m.contains("pickle bomb"), m);
    }

    /** A TorchScript module: GLOBAL (memo 0) NEWOBJ, BUILD with {names[i]: memo[refs[i]]}, memoized. */
    private static void module(PickleBytes p, String[] names, int[] refs) {
        p.get(0).emptyTuple().newObj().emptyDict();
        if (names.length > 0) {
            p.mark();
            for (int i = 0; i < names.length; i++) p.str(names[i]).get(refs[i]);
            p.setItems();
        }
        p.build().memoize();
    }

    @Test
    void deepModuleChainIsNestedTooDeeply() throws IOException {
        // m.m.m. ... 100k modules deep: the recursive walk overflowed the stack (and built names quadratically)
        PickleBytes p = new PickleBytes().proto().global("__torch__", "M").memoize();
        module(p, new String[0], new int[0]);
        for (int i = 1; i < 100_000; i++) module(p, new String[] {"m"}, new int[] {i});
        String m = refusal(p.stop().bytes(), Map.of());
        assertTrue(m.contains("nested too deeply"), m);
    }

    @Test
    void moduleContainingItselfIsNestedTooDeeply() throws IOException {
        byte[] pickle = new PickleBytes()
                .proto()
                .global("__torch__", "M")
                .memoize()
                .emptyTuple()
                .newObj()
                .memoize()
                .emptyDict()
                .str("self")
                .get(1)
                .setItem()
                .build()
                .stop()
                .bytes();
        String m = refusal(pickle, Map.of());
        assertTrue(m.contains("nested too deeply"), m);
    }

    @Test
    void sharedModulesNestedInALoopAreABomb() throws IOException {
        // level i = {a: level i-1, b: level i-1}, 40 levels over one tensor: 2^40 state-dict entries from 2 kB
        PickleBytes p = new PickleBytes().proto().global("__torch__", "M").memoize();
        p.get(0)
                .emptyTuple()
                .newObj()
                .emptyDict()
                .str("w")
                .tensor("FloatStorage", "0", 1, 0, new int[] {1}, new int[] {1})
                .setItem()
                .build()
                .memoize();
        for (int i = 1; i < 40; i++) module(p, new String[] {"a", "b"}, new int[] {i, i});
        String m = refusal(p.stop().bytes(), Map.of("0", new byte[4]));
        assertTrue(m.contains("module tree names more tensors and modules than its pickle can describe"), m);
    }

    @Test
    void strideZeroViewOfOneElementIsNotGatheredIntoGigabytes() throws IOException {
        // a 1-float storage viewed as 65536 x 65536 with strides (0, 0): a 16 GB copy
        byte[] pickle = new PickleBytes()
                .proto()
                .emptyDict()
                .str("w")
                .tensor("FloatStorage", "0", 1, 0, new int[] {65536, 65536}, new int[] {0, 0})
                .setItem()
                .stop()
                .bytes();
        String m = refusal(pickle, Map.of("0", new byte[4]));
        assertTrue(m.contains("stride 0 repeats elements"), m);
    }

    @Test
    void manyTransposedViewsOfOneStorageAreBoundedByTheFileSize() throws IOException {
        // 20000 transposed views of one 256 x 256 float storage (256 kB): 5 GB of copies from a 2.5 MB file
        PickleBytes p = new PickleBytes().proto().emptyDict().mark();
        for (int i = 0; i < 20_000; i++) {
            p.str("w" + i).tensor("FloatStorage", "0", 65536, 0, new int[] {256, 256}, new int[] {1, 256});
        }
        String m = refusal(p.setItems().stop().bytes(), Map.of("0", new byte[4 * 65536]));
        assertTrue(m.contains("strided views copy more bytes than"), m);
    }

    @Test
    void sizeAndStrideProductsThatOverflowAreReported() throws IOException {
        long big = Integer.MAX_VALUE;
        byte[] numel = new PickleBytes()
                .proto()
                .emptyDict()
                .str("w")
                .tensorL("FloatStorage", "0", 4, 0, new long[] {big, big, big}, new long[] {1, 1, 1})
                .setItem()
                .stop()
                .bytes();
        String m = refusal(numel, Map.of("0", new byte[16]));
        assertTrue(m.contains("overflows"), m);
        byte[] stride = new PickleBytes()
                .proto()
                .emptyDict()
                .str("w")
                .tensorL("FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {1L << 62, 1L << 62})
                .setItem()
                .stop()
                .bytes();
        m = refusal(stride, Map.of("0", new byte[16]));
        assertTrue(m.contains("overflows"), m);
        // 2^62 floats need 2^64 bytes, which wrapped to 0 and passed the storage size check
        byte[] storage = new PickleBytes()
                .proto()
                .emptyDict()
                .str("w")
                .tensorL("FloatStorage", "0", 1L << 62, 0, new long[] {8}, new long[] {1})
                .setItem()
                .stop()
                .bytes();
        m = refusal(storage, Map.of("0", new byte[16]));
        assertTrue(m.contains("storage '0' holds 16 bytes, fewer than"), m);
    }

    @Test
    void hugeIntegersAreRefused() throws IOException {
        // a 100 kB int is no tensor metadata, and printing it (a dict key) costs quadratic time
        PickleBytes p = new PickleBytes().proto().emptyDict().op(0x8b);
        int n = 100_000;
        p.op(n & 0xff).op((n >> 8) & 0xff).op((n >> 16) & 0xff).op(0);
        for (int i = 0; i < n; i++) p.op(0x5a);
        String m = refusal(p.none().setItem().stop().bytes(), Map.of());
        assertTrue(m.contains("integer of 100000 bytes"), m);
    }

    @Test
    void controlBytesFromTheFileAreEscapedInMessages() throws IOException {
        byte[] pickle = new PickleBytes()
                .proto()
                .global("os\u0007\u001b[2J", "system")
                .stop()
                .bytes();
        String m = refusal(pickle, Map.of());
        assertTrue(m.contains("'os\\x07\\x1b[2J.system'"), m);
        for (char c : m.toCharArray()) assertTrue(c >= 0x20, m);
    }
}
