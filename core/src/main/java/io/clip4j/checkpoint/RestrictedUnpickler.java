package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that builds plain Java values and never runs anything. It understands the opcodes that
 * torch.save and TorchScript write (protocols 2 to 4); every GLOBAL goes through {@link Host#allows}, and the
 * only "calls" are the ones {@link Host#call} implements itself. Python values map to: None -> null, bool ->
 * Boolean, int -> Long (or BigInteger), float -> Double, str -> String, bytes -> byte[], tuple -> {@link Tuple},
 * list -> ArrayList, dict -> LinkedHashMap.
 */
final class RestrictedUnpickler {

    /** A Python tuple (items may be null: None). */
    record Tuple(List<Object> items) {
        static Tuple of(Object... items) {
            return new Tuple(Collections.unmodifiableList(Arrays.asList(items)));
        }

        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
        /** Not the items: a tuple can be nested arbitrarily deep, and its text is never needed. */
        @Override
        public String toString() {
            return "tuple(" + items.size() + ")";
        }
    }

    /** A reference to a module-level name that the host allowed. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** What the unpickler may do beyond building plain values. */
    interface Host {
        boolean allows(Global g);
        /** REDUCE or NEWOBJ of an allowed global. */
        Object call(Global g, Tuple args);
        /** BUILD (setstate) on an object the host created; returns the object. */
        Object build(Object obj, Object state);

        Object persistentLoad(Object pid);
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    private static final int MAX_DEPTH = 1 << 20;
    /** Nesting of tuples used as dict keys: hashing them is recursive. Real keys are strings or flat tuples. */
    static final int MAX_KEY_DEPTH = 32;
    /**
     * Elements the opcodes may create or copy, per byte of pickle (plus a floor). Every element of an honest
     * pickle costs at least one byte and is copied at most a few times (into a tuple, a dict, a module's state);
     * a bomb makes a few bytes copy a big container again and again (e.g. one state dict BUILT into many objects).
     */
    private static final long CELLS_PER_BYTE = 8;

    private static final long CELLS_FLOOR = 1 << 16;
    private static final long MAX_INT_BYTES = 1024;

    private final Path file;
    private final MemorySegment in;
    private final Host host;
    private long pos;
    private long cellsLeft;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path file, MemorySegment in, Host host) {
        this.file = file;
        this.in = in;
        this.host = host;
        this.cellsLeft = CELLS_FLOOR + CELLS_PER_BYTE * in.byteSize();
    }

    static Object load(Path file, MemorySegment pickle, Host host) {
        return new RestrictedUnpickler(file, pickle, host).run();
    }

    /** Accounts for {@code n} elements created or copied; refuses the pickle once it exceeds its budget. */
    private void charge(long n) {
        cellsLeft -= n;
        if (cellsLeft < 0) {
            throw bad("builds more objects than a pickle of " + in.byteSize() + " bytes can hold (a pickle bomb?)");
        }
    }

    private Clip4jException bad(String what) {
        return new Clip4jException(file + ": invalid pickle: " + what + " (at byte " + pos + ")");
    }

    private int u8() {
        if (pos >= in.byteSize()) throw bad("unexpected end of data");
        return in.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private byte[] bytes(long n) {
        if (n < 0 || n > in.byteSize() - pos) throw bad("length " + n + " runs past the end of the data");
        if (n > Integer.MAX_VALUE - 8) throw bad("a string or bytes object of " + n + " bytes");
        byte[] b = in.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    private long le(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) u8() << (8 * i);
        return v;
    }

    private String line() {
        long start = pos;
        while (u8() != '\n') {
            if (pos - start > 4096) throw bad("line too long");
        }
        return new String(in.asSlice(start, pos - 1 - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private void push(Object o) {
        if (stack.size() >= MAX_DEPTH) throw bad("stack too deep");
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) throw bad("stack underflow");
        Object o = stack.removeLast();
        if (o == MARK) throw bad("unexpected MARK");
        return o;
    }

    private Object top() {
        if (stack.isEmpty() || stack.getLast() == MARK) throw bad("stack underflow");
        return stack.getLast();
    }

    private List<Object> popMark() {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) throw bad("no MARK");
        charge(stack.size() - m);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) throw bad("memo key " + key + " missing");
        return memo.get(key);
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        if (!host.allows(g)) {
            throw new Clip4jException(file + ": refusing to load: the pickle asks for global '"
                    + Printable.of(g.qualified()) + "' (only tensor state dicts are allowed)");
        }
        return g;
    }

    @SuppressWarnings("unchecked")
    private Object run() {
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) throw bad("unsupported pickle protocol " + proto);
                }
                case 0x95 -> le(8); // FRAME: framing is only a buffering hint
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> push(MARK);
                case '}' -> push(new LinkedHashMap<Object, Object>());
                case ']' -> push(new ArrayList<Object>());
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(Tuple.of(pop()));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(Tuple.of(a, b));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(Tuple.of(a, b, c));
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> kv = popMark();
                    Map<Object, Object> d = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < kv.size(); i += 2) d.put(key(kv.get(i)), kv.get(i + 1));
                    push(d);
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) (int) le(4));
                case 'K' -> push((long) u8());
                case 'M' -> push(le(2));
                case 0x8a -> push(longFrom(bytes(u8()))); // LONG1
                case 0x8b -> { // LONG4: torch writes ints of a few bytes; a huge one costs quadratic time to print
                    long n = le(4);
                    if (n > MAX_INT_BYTES) throw bad("integer of " + n + " bytes (more than " + MAX_INT_BYTES + ")");
                    push(longFrom(bytes(n)));
                }
                case 'I' -> { // INT (protocol 0): also encodes True/False as 01/00
                    String s = line().trim();
                    if (s.equals("01")) push(Boolean.TRUE);
                    else if (s.equals("00")) push(Boolean.FALSE);
                    else push(parseLong(s));
                }
                case 'L' -> {
                    String s = line().trim();
                    push(parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
                }
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(le(8))));
                case 'F' -> {
                    try {
                        push(Double.parseDouble(line().trim()));
                    } catch (NumberFormatException e) {
                        throw bad("bad float");
                    }
                }
                case 'X' -> push(new String(bytes(le(4)), StandardCharsets.UTF_8));
                case 0x8c -> push(new String(bytes(u8()), StandardCharsets.UTF_8));
                case 0x8d -> push(new String(bytes(le(8)), StandardCharsets.UTF_8));
                case 'B' -> push(bytes(le(4)));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(le(8)));
                case 'q' -> memo.put((long) u8(), top());
                case 'r' -> memo.put(le(4), top());
                case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
                case 'p' -> memo.put(parseLong(line().trim()), top());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(le(4)));
                case 'g' -> push(memoGet(parseLong(line().trim())));
                case '0' -> {
                    if (!stack.isEmpty() && stack.getLast() == MARK) stack.removeLast();
                    else pop();
                }
                case '1' -> popMark();
                case '2' -> push(top());
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    asDict(top()).put(key(k), v);
                }
                case 'u' -> {
                    List<Object> kv = popMark();
                    Map<Object, Object> d = asDict(top());
                    if (kv.size() % 2 != 0) throw bad("odd SETITEMS");
                    for (int i = 0; i < kv.size(); i += 2) d.put(key(kv.get(i)), kv.get(i + 1));
                }
                case 'a' -> {
                    Object v = pop();
                    asList(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    asList(top()).addAll(items);
                }
                case 'c' -> {
                    String module = line();
                    String name = line();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n))
                        throw bad("STACK_GLOBAL needs strings");
                    push(global(m, n));
                }
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    Object args = pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) throw bad("call of a non-global " + describe(callable));
                    if (!(args instanceof Tuple t)) throw bad("call arguments are not a tuple");
                    push(host.call(g, t));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object obj = pop();
                    if (state instanceof Map<?, ?> m) charge(m.size()); // the host copies the state into obj
                    push(host.build(obj, state));
                }
                case 'Q' -> push(host.persistentLoad(pop())); // BINPERSID
                case 'P' -> push(host.persistentLoad(line())); // PERSID
                case 0x8f -> push(new ArrayList<Object>()); // EMPTY_SET: kept as a list, never needed
                case 0x90 -> {
                    List<Object> items = popMark();
                    asList(top()).addAll(items);
                } // ADDITEMS
                case 0x91 -> push(new Tuple(popMark())); // FROZENSET
                default ->
                    throw bad("unsupported or unsafe opcode 0x" + Integer.toHexString(op)
                            + (op == 'i' || op == 'o' || op == 0x92 ? " (object construction)" : ""));
            }
        }
    }

    private long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad("bad integer '" + Printable.of(s) + "'");
        }
    }

    /**
     * {@code k} if Python could hash it as a dict key: lists, dicts and sets cannot be keys (and hashing a list
     * that contains itself would never end); tuples are hashed item by item, recursively, so their nesting is
     * bounded. Checked without recursion.
     */
    private Object key(Object k) {
        ArrayList<Object> todo = new ArrayList<>();
        ArrayList<Integer> depths = new ArrayList<>();
        todo.add(k);
        depths.add(0);
        while (!todo.isEmpty()) {
            Object o = todo.removeLast();
            int depth = depths.removeLast();
            if (o instanceof List<?> || o instanceof Map<?, ?>) throw bad("a dict key is an unhashable " + describe(o));
            if (o instanceof Tuple t) {
                if (depth >= MAX_KEY_DEPTH)
                    throw bad("a dict key is a tuple nested too deeply (over " + MAX_KEY_DEPTH + " levels)");
                charge(t.size());
                for (Object item : t.items()) {
                    todo.add(item);
                    depths.add(depth + 1);
                }
            }
        }
        return k;
    }

    private static Object longFrom(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asDict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw bad("SETITEM on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw bad("APPEND on " + describe(o));
    }

    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof byte[] b) return "bytes[" + b.length + "]";
        if (o instanceof Object[] a) return Arrays.toString(a);
        return o.getClass().getSimpleName();
    }
}
