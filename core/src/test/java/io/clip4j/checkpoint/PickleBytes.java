package io.clip4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny protocol-2 pickle emitter for crafting test inputs opcode by opcode. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes proto() {
        return op(0x80).op(2);
    }

    PickleBytes op(int b) {
        out.write(b);
        return this;
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes tuple() {
        return op('t');
    }

    PickleBytes emptyTuple() {
        return op(')');
    }

    PickleBytes emptyDict() {
        return op('}');
    }

    PickleBytes setItems() {
        return op('u');
    }

    PickleBytes reduce() {
        return op('R');
    }

    PickleBytes newObj() {
        return op(0x81);
    }

    PickleBytes build() {
        return op('b');
    }

    PickleBytes persId() {
        return op('Q');
    }

    PickleBytes stop() {
        return op('.');
    }

    PickleBytes bool(boolean v) {
        return op(v ? 0x88 : 0x89);
    }

    PickleBytes none() {
        return op('N');
    }

    PickleBytes emptyList() {
        return op(']');
    }

    PickleBytes append() {
        return op('a');
    }

    PickleBytes setItem() {
        return op('s');
    }

    PickleBytes memoize() {
        return op(0x94);
    }

    PickleBytes pop() {
        return op('0');
    }

    PickleBytes tuple1() {
        return op(0x85);
    }

    /** LONG_BINGET: pushes memo entry {@code i}. */
    PickleBytes get(int i) {
        op('j');
        le(i, 4);
        return this;
    }

    /** LONG1 with 8 bytes: any long. */
    PickleBytes long8(long v) {
        op(0x8a).op(8);
        le(v, 8);
        return this;
    }

    PickleBytes longs(long... v) {
        mark();
        for (long x : v) long8(x);
        return tuple();
    }

    /** As {@link #tensor}, with any longs for the element count, sizes and strides. */
    PickleBytes tensorL(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage")
                .global("torch", storageType)
                .str(key)
                .str("cpu")
                .long8(numel)
                .tuple()
                .persId();
        long8(offset).longs(size).longs(stride).bool(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    int size() {
        return out.size();
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        le(b.length, 4);
        out.writeBytes(b);
        return this;
    }

    PickleBytes integer(long v) {
        op('J');
        le(v, 4);
        return this;
    }

    PickleBytes ints(int... v) {
        mark();
        for (int x : v) integer(x);
        return tuple();
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }

    /** torch's tensor record: _rebuild_tensor_v2(persid(storage), offset, size, stride, False, OrderedDict()). */
    PickleBytes tensor(String storageType, String key, long numel, long offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage")
                .global("torch", storageType)
                .str(key)
                .str("cpu")
                .integer(numel)
                .tuple()
                .persId();
        integer(offset).ints(size).ints(stride).bool(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
