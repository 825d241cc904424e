package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.RestrictedUnpickler.Global;
import io.clip4j.checkpoint.RestrictedUnpickler.Tuple;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a torch.save zip archive ({@code <root>/data.pkl} + {@code <root>/data/<key>} storages) or a TorchScript
 * archive (the same, with {@code __torch__.*} module objects in data.pkl) into a state dict, without running
 * any code: the pickle is read by {@link RestrictedUnpickler}, which only knows the tensor-rebuilding calls.
 */
public final class TorchArchive {

    /**
     * A TorchScript module object: the class name and its attributes, nothing executable. Equality is identity
     * (as for a Python object): its attributes may refer back to it.
     */
    static final class ScriptObject {
        private final String className;
        private final Map<String, Object> attributes;

        ScriptObject(String className, Map<String, Object> attributes) {
            this.className = className;
            this.attributes = attributes;
        }

        String className() {
            return className;
        }

        Map<String, Object> attributes() {
            return attributes;
        }

        @Override
        public String toString() {
            return "ScriptObject(" + className + ")";
        }
    }

    /** Module nesting of a TorchScript tree (CLIP's is 6: visual.transformer.resblocks.0.attn.out_proj). */
    static final int MAX_MODULE_DEPTH = 64;

    private record Storage(DType dtype, String key, long numel, MemorySegment bytes) {}

    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private static final Set<String> REBUILD_FUNCTIONS =
            Set.of("_rebuild_tensor_v2", "_rebuild_tensor", "_rebuild_parameter");
    /** TorchScript wraps typed containers in these; they only restore type tags or build plain lists. */
    private static final Set<String> JIT_PICKLE_FUNCTIONS =
            Set.of("restore_type_tag", "build_intlist", "build_tensorlist", "build_doublelist", "build_boollist");

    private TorchArchive() {}

    /** The archive's contents: the unpickled root object and whether it was a TorchScript archive. */
    record Contents(Path path, Object root, boolean torchScript, long fileBytes, long pickleBytes) {}

    /** Maps {@code path} into {@code arena} and unpickles its data.pkl; copies needed for views go to {@code arena}. */
    static Contents read(Path path, Arena arena) {
        MemorySegment file;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw new Clip4jException(path + ": no such file or directory");
        } catch (IOException e) {
            throw new Clip4jException(path + ": cannot read: " + e.getMessage());
        }
        if (!ZipArchive.looksLikeZip(file)) {
            if (file.byteSize() >= 2 && (file.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == 0x80) {
                throw new Clip4jException(path + ": legacy (pre-zip) torch.save format is not supported; re-save it "
                        + "with torch.save(state_dict, path) from PyTorch >= 1.6, or convert it to safetensors");
            }
            throw new Clip4jException(path + ": not a torch.save zip archive");
        }
        ZipArchive zip = new ZipArchive(path, file, arena);
        String root = null;
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                root = name.substring(0, slash);
                break;
            }
        }
        if (root == null)
            throw new Clip4jException(path + ": zip archive has no <folder>/data.pkl: not a torch.save file");
        String byteOrderEntry = root + "/byteorder";
        if (zip.entries().containsKey(byteOrderEntry)) {
            MemorySegment orderBytes = zip.entry(byteOrderEntry);
            if (orderBytes.byteSize() > 16)
                throw new Clip4jException(
                        path + ": the byteorder entry holds " + orderBytes.byteSize() + " bytes, not 'little'");
            String order = new String(orderBytes.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little"))
                throw new Clip4jException(path + ": storages are in '" + Printable.of(order)
                        + "' byte order; only little-endian is supported");
        }
        String codeFolder = root + "/code/";
        boolean script = zip.entries().containsKey(root + "/constants.pkl")
                || zip.entries().keySet().stream().anyMatch(n -> n.startsWith(codeFolder));
        Host host = new Host(path, zip, root, arena);
        MemorySegment pickle = zip.entry(root + "/data.pkl");
        Object obj = RestrictedUnpickler.load(path, pickle, host);
        return new Contents(path, obj, script || obj instanceof ScriptObject, file.byteSize(), pickle.byteSize());
    }

    /**
     * The flat {@code name -> tensor} state dict of an unpickled root: a dict of tensors, or a TorchScript module
     * tree walked by attribute path as {@code torch.jit.load(f).state_dict()} names it.
     */
    static Map<String, Object> stateDict(Contents contents) {
        return stateDict(contents.path(), contents.root(), contents.pickleBytes());
    }

    static Map<String, Object> stateDict(Object root) {
        return stateDict(null, root, Long.MAX_VALUE);
    }

    private static Map<String, Object> stateDict(Path path, Object root, long pickleBytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (root instanceof ScriptObject so) {
            flattenScript(
                    path, so, out, pickleBytes >= Long.MAX_VALUE / 64 ? Long.MAX_VALUE : (1 << 20) + 16 * pickleBytes);
        } else if (root instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        } else {
            throw new IllegalArgumentException(RestrictedUnpickler.describe(root));
        }
        return out;
    }

    /**
     * Walks the module tree without recursion, depth first in attribute order (as state_dict() does). A module
     * reachable along several paths is listed along each; the walk refuses trees nested deeper than
     * {@link #MAX_MODULE_DEPTH} (a module containing itself is infinitely deep) or whose names add up to more
     * characters than {@code budget} (a small multiple of the pickle's bytes: each module and tensor of an honest
     * tree is written out with dozens of bytes, but shared modules nested k deep would be visited 2^k times).
     */
    private static void flattenScript(Path path, ScriptObject root, Map<String, Object> out, long budget) {
        record Frame(String prefix, Iterator<Map.Entry<String, Object>> attrs) {}
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame("", root.attributes().entrySet().iterator()));
        long left = budget;
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (!f.attrs().hasNext()) {
                stack.pop();
                continue;
            }
            Map.Entry<String, Object> e = f.attrs().next();
            Object v = e.getValue();
            if (!(v instanceof Tensor) && !(v instanceof ScriptObject)) continue;
            left -= 1 + f.prefix().length() + e.getKey().length();
            if (left < 0) {
                throw new Clip4jException(path + ": invalid torch checkpoint: the TorchScript module tree names more "
                        + "tensors and modules than its pickle can describe (shared modules nested in a loop?)");
            }
            String name = f.prefix() + e.getKey();
            if (v instanceof Tensor t) {
                // attn_mask is a plain tensor attribute of OpenAI's ResidualAttentionBlock, not a parameter or
                // buffer, so state_dict() does not list it.
                if (!e.getKey().equals("attn_mask")) out.put(name, t.renamed(name));
            } else if (v instanceof ScriptObject child) {
                if (stack.size() >= MAX_MODULE_DEPTH) {
                    throw new Clip4jException(
                            path + ": invalid torch checkpoint: TorchScript modules nested too deeply " + "(over "
                                    + MAX_MODULE_DEPTH + " levels, or a module containing itself)");
                }
                stack.push(new Frame(name + ".", child.attributes().entrySet().iterator()));
            }
        }
    }

    private static final class Host implements RestrictedUnpickler.Host {
        private final Path path;
        private final ZipArchive zip;
        private final String root;
        private final Arena arena;
        private final Map<String, Storage> storages = new HashMap<>();
        private final long fileBytes;
        private long copiedBytes;

        Host(Path path, ZipArchive zip, String root, Arena arena) {
            this.path = path;
            this.zip = zip;
            this.root = root;
            this.arena = arena;
            this.fileBytes = zip.fileBytes();
        }

        @Override
        public boolean allows(Global g) {
            return switch (g.module()) {
                case "collections" -> g.name().equals("OrderedDict");
                case "torch._utils" -> REBUILD_FUNCTIONS.contains(g.name());
                case "torch" -> STORAGE_TYPES.containsKey(g.name());
                case "torch.jit._pickle" -> JIT_PICKLE_FUNCTIONS.contains(g.name());
                default -> g.module().equals("__torch__") || g.module().startsWith("__torch__.");
            };
        }

        @Override
        public Object call(Global g, Tuple args) {
            String m = g.module();
            if (m.equals("collections")) return new LinkedHashMap<Object, Object>();
            if (m.equals("__torch__") || m.startsWith("__torch__.")) {
                return new ScriptObject(g.qualified(), new LinkedHashMap<>());
            }
            if (m.equals("torch.jit._pickle")) {
                if (args.size() < 1) throw bad(g.qualified() + " without arguments");
                return args.get(0);
            }
            return switch (g.name()) {
                case "_rebuild_parameter" -> {
                    if (args.size() < 1 || !(args.get(0) instanceof Tensor))
                        throw bad("_rebuild_parameter without a tensor");
                    yield args.get(0);
                }
                case "_rebuild_tensor_v2", "_rebuild_tensor" -> rebuildTensor(args);
                default -> throw bad("cannot call " + g.qualified());
            };
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object build(Object obj, Object state) {
            if (obj instanceof ScriptObject so) {
                if (state instanceof Map<?, ?> attrs) {
                    for (Map.Entry<?, ?> e : attrs.entrySet())
                        so.attributes().put(String.valueOf(e.getKey()), e.getValue());
                    return so;
                }
                throw bad("module " + Printable.of(so.className())
                        + " has a custom __setstate__ state; cannot read it without running code");
            }
            // OrderedDict state dicts carry their `_metadata` (module versions) as instance state: not needed.
            if (obj instanceof Map<?, ?>) return obj;
            throw bad("unexpected BUILD of " + RestrictedUnpickler.describe(obj));
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw bad("unsupported persistent id " + RestrictedUnpickler.describe(pid));
            }
            if (!(t.get(1) instanceof Global type) || !STORAGE_TYPES.containsKey(type.name()))
                throw bad("unknown storage type");
            if (!(t.get(2) instanceof String key))
                throw bad("a storage key is a " + RestrictedUnpickler.describe(t.get(2)) + ", not a string");
            if (!(t.get(4) instanceof Long numel) || numel < 0)
                throw bad("storage '" + Printable.of(key) + "' has no element count");
            DType dtype = STORAGE_TYPES.get(type.name());
            Storage st = storages.get(key);
            if (st == null) {
                MemorySegment bytes = zip.entry(root + "/data/" + key);
                if (numel > bytes.byteSize() / dtype.bytes) {
                    throw new Clip4jException(path + ": storage '" + Printable.of(key) + "' holds " + bytes.byteSize()
                            + " bytes, fewer than its " + numel + " " + dtype + " elements need");
                }
                st = new Storage(dtype, key, numel, bytes);
                storages.put(key, st);
            } else if (st.dtype() != dtype || st.numel() != numel) {
                throw bad("storage '" + Printable.of(key) + "' is described twice, differently");
            }
            return st;
        }

        private Tensor rebuildTensor(Tuple args) {
            if (args.size() < 4
                    || !(args.get(0) instanceof Storage st)
                    || !(args.get(1) instanceof Long offset)
                    || !(args.get(2) instanceof Tuple size)
                    || !(args.get(3) instanceof Tuple stride)) {
                throw bad("malformed _rebuild_tensor arguments");
            }
            String where = "a tensor of storage '" + Printable.of(st.key()) + "'";
            int rank = size.size();
            if (stride.size() != rank) throw bad("tensor size and stride ranks differ");
            if (rank > 64) throw bad(where + " has " + rank + " dimensions");
            if (offset < 0) throw bad(where + " has a negative storage offset");
            int[] shape = new int[rank];
            long[] strides = new long[rank];
            long numel = 1;
            long maxIndex = offset;
            try {
                for (int i = 0; i < rank; i++) {
                    if (!(size.get(i) instanceof Long s) || s < 0 || s > Integer.MAX_VALUE)
                        throw bad(where + " has a bad size");
                    if (!(stride.get(i) instanceof Long str) || str < 0) throw bad(where + " has a bad stride");
                    shape[i] = (int) (long) s;
                    strides[i] = str;
                    numel = Math.multiplyExact(numel, s);
                    if (s > 0) maxIndex = Math.addExact(maxIndex, Math.multiplyExact(s - 1, str));
                }
            } catch (ArithmeticException e) {
                throw bad(where + " has sizes or strides whose product overflows");
            }
            String name = "storage " + st.key();
            if (numel == 0) return new Tensor(name, st.dtype(), shape, MemorySegment.ofArray(new byte[0]));
            if (maxIndex >= st.numel()) {
                throw new Clip4jException(
                        path + ": a tensor reaches past the end of storage '" + Printable.of(st.key()) + "'");
            }
            int es = st.dtype().bytes;
            if (isContiguous(shape, strides)) {
                return new Tensor(name, st.dtype(), shape, st.bytes().asSlice(offset * es, numel * es));
            }
            // A strided view (e.g. a transposed tensor saved as such): gather it into a contiguous copy. A view
            // has at most as many elements as its storage unless strides of 0 repeat elements (an expanded
            // tensor): refused, since a 1-element storage could be expanded to any size. All copies together
            // stay within the file's size (views of one storage that partition it, as a transpose does).
            if (numel > st.numel()) {
                throw bad(where + " is a view of " + numel + " elements over a storage of " + st.numel()
                        + " (stride 0 repeats elements; re-save it with .contiguous())");
            }
            copiedBytes += numel * es;
            if (copiedBytes > Math.max(fileBytes, 1L << 26)) {
                throw bad("its strided views copy more bytes than the " + fileBytes + "-byte file holds");
            }
            MemorySegment out = arena.allocate(numel * es, 64);
            long[] idx = new long[rank];
            for (long n = 0; n < numel; n++) {
                long src = offset;
                for (int i = 0; i < rank; i++) src += idx[i] * strides[i];
                MemorySegment.copy(st.bytes(), src * es, out, n * es, es);
                for (int i = rank - 1; i >= 0; i--) {
                    if (++idx[i] < shape[i]) break;
                    idx[i] = 0;
                }
            }
            return new Tensor(name, st.dtype(), shape, out);
        }

        private static boolean isContiguous(int[] shape, long[] strides) {
            long expected = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                if (shape[i] != 1 && strides[i] != expected) return false;
                expected *= shape[i];
            }
            return true;
        }

        private Clip4jException bad(String what) {
            return new Clip4jException(path + ": invalid torch checkpoint: " + what);
        }
    }
}
