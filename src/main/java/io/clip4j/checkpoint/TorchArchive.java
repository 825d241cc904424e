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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a torch.save zip archive ({@code <root>/data.pkl} + {@code <root>/data/<key>} storages) or a TorchScript
 * archive (the same, with {@code __torch__.*} module objects in data.pkl) into a state dict, without running
 * any code: the pickle is read by {@link RestrictedUnpickler}, which only knows the tensor-rebuilding calls.
 */
public final class TorchArchive {

    /** A TorchScript module object: the class name and its attributes, nothing executable. */
    record ScriptObject(String className, Map<String, Object> attributes) {}

    private record Storage(DType dtype, String key, long numel, MemorySegment bytes) {}

    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private static final Set<String> REBUILD_FUNCTIONS = Set.of("_rebuild_tensor_v2", "_rebuild_tensor", "_rebuild_parameter");
    /** TorchScript wraps typed containers in these; they only restore type tags or build plain lists. */
    private static final Set<String> JIT_PICKLE_FUNCTIONS = Set.of("restore_type_tag", "build_intlist",
            "build_tensorlist", "build_doublelist", "build_boollist");

    private TorchArchive() {}

    /** The archive's contents: the unpickled root object and whether it was a TorchScript archive. */
    record Contents(Object root, boolean torchScript, long fileBytes) {}

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
        if (root == null) throw new Clip4jException(path + ": zip archive has no <folder>/data.pkl: not a torch.save file");
        String byteOrderEntry = root + "/byteorder";
        if (zip.entries().containsKey(byteOrderEntry)) {
            String order = new String(zip.entry(byteOrderEntry).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) throw new Clip4jException(path + ": storages are in '" + order + "' byte order; only little-endian is supported");
        }
        String codeFolder = root + "/code/";
        boolean script = zip.entries().containsKey(root + "/constants.pkl")
                || zip.entries().keySet().stream().anyMatch(n -> n.startsWith(codeFolder));
        Host host = new Host(path, zip, root, arena);
        Object obj = RestrictedUnpickler.load(path, zip.entry(root + "/data.pkl"), host);
        return new Contents(obj, script || obj instanceof ScriptObject, file.byteSize());
    }

    /**
     * The flat {@code name -> tensor} state dict of an unpickled root: a dict of tensors, or a TorchScript module
     * tree walked by attribute path as {@code torch.jit.load(f).state_dict()} names it.
     */
    static Map<String, Object> stateDict(Object root) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (root instanceof ScriptObject so) {
            flattenScript("", so, out);
        } else if (root instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        } else {
            throw new IllegalArgumentException(RestrictedUnpickler.describe(root));
        }
        return out;
    }

    private static void flattenScript(String prefix, ScriptObject obj, Map<String, Object> out) {
        for (Map.Entry<String, Object> e : obj.attributes().entrySet()) {
            String name = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Tensor t) {
                // attn_mask is a plain tensor attribute of OpenAI's ResidualAttentionBlock, not a parameter or
                // buffer, so state_dict() does not list it.
                if (!e.getKey().equals("attn_mask")) out.put(name, t.renamed(name));
            } else if (v instanceof ScriptObject child) {
                flattenScript(name + ".", child, out);
            }
        }
    }

    private static final class Host implements RestrictedUnpickler.Host {
        private final Path path;
        private final ZipArchive zip;
        private final String root;
        private final Arena arena;
        private final Map<String, Storage> storages = new HashMap<>();

        Host(Path path, ZipArchive zip, String root, Arena arena) {
            this.path = path;
            this.zip = zip;
            this.root = root;
            this.arena = arena;
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
                    if (args.size() < 1 || !(args.get(0) instanceof Tensor)) throw bad("_rebuild_parameter without a tensor");
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
                    for (Map.Entry<?, ?> e : attrs.entrySet()) so.attributes().put(String.valueOf(e.getKey()), e.getValue());
                    return so;
                }
                throw bad("module " + so.className() + " has a custom __setstate__ state; cannot read it without running code");
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
            if (!(t.get(1) instanceof Global type) || !STORAGE_TYPES.containsKey(type.name())) throw bad("unknown storage type");
            String key = String.valueOf(t.get(2));
            if (!(t.get(4) instanceof Long numel) || numel < 0) throw bad("storage '" + key + "' has no element count");
            DType dtype = STORAGE_TYPES.get(type.name());
            return storages.computeIfAbsent(key, k -> {
                MemorySegment bytes = zip.entry(root + "/data/" + k);
                if (bytes.byteSize() < numel * dtype.bytes) {
                    throw new Clip4jException(path + ": storage '" + k + "' holds " + bytes.byteSize() + " bytes, "
                            + "fewer than its " + numel + " " + dtype + " elements need");
                }
                return new Storage(dtype, k, numel, bytes);
            });
        }

        private Tensor rebuildTensor(Tuple args) {
            if (args.size() < 4 || !(args.get(0) instanceof Storage st) || !(args.get(1) instanceof Long offset)
                    || !(args.get(2) instanceof Tuple size) || !(args.get(3) instanceof Tuple stride)) {
                throw bad("malformed _rebuild_tensor arguments");
            }
            int rank = size.size();
            if (stride.size() != rank) throw bad("tensor size and stride ranks differ");
            int[] shape = new int[rank];
            long[] strides = new long[rank];
            long numel = 1;
            long maxIndex = offset;
            for (int i = 0; i < rank; i++) {
                if (!(size.get(i) instanceof Long s) || s < 0 || s > Integer.MAX_VALUE) throw bad("bad tensor size");
                if (!(stride.get(i) instanceof Long str) || str < 0) throw bad("bad tensor stride");
                shape[i] = (int) (long) s;
                strides[i] = str;
                numel = Math.multiplyExact(numel, s);
                if (s > 0) maxIndex += (s - 1) * str;
            }
            String name = "storage " + st.key();
            if (numel == 0) return new Tensor(name, st.dtype(), shape, MemorySegment.ofArray(new byte[0]));
            if (offset < 0 || maxIndex >= st.numel()) {
                throw new Clip4jException(path + ": a tensor reaches past the end of storage '" + st.key() + "'");
            }
            int es = st.dtype().bytes;
            if (isContiguous(shape, strides)) {
                return new Tensor(name, st.dtype(), shape, st.bytes().asSlice(offset * es, numel * es));
            }
            // A strided view (e.g. a transposed tensor saved as such): gather it into a contiguous copy.
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
