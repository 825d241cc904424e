package io.clip4j.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.clip4j.Clip4jException;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and [begin, end) byte range in the data area that follows, then the raw little-endian data.
 * Tensors are zero-copy slices of the mapping; they are valid until {@link #close()}.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Same limit as the reference library: a larger header is more likely an attack than a model. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path path;
    private final Arena arena;
    private final long fileBytes;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(
            Path path, Arena arena, long fileBytes, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.fileBytes = fileBytes;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public static SafeTensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            }
            SafeTensorsFile f = parse(path, file, arena);
            return f;
        } catch (NoSuchFileException e) {
            arena.close();
            throw new Clip4jException(path + ": no such file or directory");
        } catch (IOException e) {
            arena.close();
            throw new Clip4jException(path + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafeTensorsFile parse(Path path, MemorySegment file, Arena arena) {
        long size = file.byteSize();
        if (size < 8) throw bad(path, "file is " + size + " bytes, shorter than the 8-byte header length");
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 0 || headerLen > size - 8) {
            throw bad(
                    path,
                    "header length " + Long.toUnsignedString(headerLen) + " exceeds the file size " + size
                            + " (truncated or not safetensors)");
        }
        if (headerLen > MAX_HEADER_BYTES) throw bad(path, "header length " + headerLen + " exceeds 100 MB");
        byte[] headerBytes = file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        // The format: one JSON object, starting at the first byte, padded at the end with spaces (0x20) only.
        if (headerBytes.length == 0 || headerBytes[0] != '{') throw bad(path, "header is not a JSON object");
        JsonNode header;
        long jsonEnd;
        try (JsonParser p = JSON.createParser(headerBytes)) {
            header = JSON.readTree(p);
            jsonEnd = p.currentLocation().getByteOffset();
        } catch (IOException e) {
            throw bad(path, "header is not valid JSON: " + Printable.of(firstLine(e.getMessage())));
        }
        if (header == null || !header.isObject()) throw bad(path, "header is not a JSON object");
        for (long i = jsonEnd; i < headerBytes.length; i++) {
            if (headerBytes[(int) i] != ' ') {
                throw bad(
                        path,
                        "header has bytes after its JSON object (at header byte " + i
                                + "; only space padding is allowed)");
            }
        }
        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw bad(path, "__metadata__ is not an object");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual())
                        throw bad(path, "__metadata__ value '" + Printable.of(kv.getKey()) + "' is not a string");
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            String where = "tensor '" + Printable.of(name) + "'";
            if (!v.isObject()) throw bad(path, where + " is not described by an object");
            JsonNode dt = v.get("dtype");
            if (dt == null || !dt.isTextual()) throw bad(path, where + " has no dtype");
            DType dtype = DType.fromSafetensors(dt.asText());
            if (dtype == null || !dt.asText().equals(dtype.name())) {
                throw bad(path, where + " has unknown dtype '" + Printable.of(dt.asText()) + "'");
            }
            JsonNode sh = v.get("shape");
            if (sh == null || !sh.isArray()) throw bad(path, where + " has no shape");
            int[] shape = new int[sh.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.canConvertToLong()
                        || !d.isIntegralNumber()
                        || d.asLong() < 0
                        || d.asLong() > Integer.MAX_VALUE) {
                    throw bad(path, where + " has an invalid shape " + Printable.of(sh.toString()));
                }
                shape[i] = (int) d.asLong();
                try {
                    numel = Math.multiplyExact(numel, shape[i]);
                } catch (ArithmeticException ex) {
                    throw bad(path, where + " has a shape whose size overflows: " + Printable.of(sh.toString()));
                }
            }
            JsonNode off = v.get("data_offsets");
            if (off == null
                    || !off.isArray()
                    || off.size() != 2
                    || !off.get(0).isIntegralNumber()
                    || !off.get(1).isIntegralNumber()
                    || !off.get(0).canConvertToLong()
                    || !off.get(1).canConvertToLong()) {
                throw bad(path, where + " has invalid data_offsets " + Printable.of(String.valueOf(off)));
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw bad(
                        path,
                        where + " data_offsets [" + begin + ", " + end + "] lie outside the data area of " + dataSize
                                + " bytes");
            }
            long expected;
            try {
                expected = Math.multiplyExact(numel, dtype.bytes);
            } catch (ArithmeticException ex) {
                throw bad(path, where + " has a shape whose size overflows: " + Printable.of(sh.toString()));
            }
            if (end - begin != expected) {
                throw bad(path, where + " holds " + (end - begin) + " bytes but " + dtype + sh + " needs " + expected);
            }
            tensors.put(name, new Tensor(name, dtype, shape, file.asSlice(dataStart + begin, end - begin)));
            ranges.add(new long[] {begin, end, ranges.size()});
            rangeNames.add(name);
        }
        ranges.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        for (int i = 1; i < ranges.size(); i++) {
            long[] prev = ranges.get(i - 1);
            long[] cur = ranges.get(i);
            if (cur[0] < prev[1]) {
                throw bad(
                        path,
                        "tensors '" + Printable.of(rangeNames.get((int) prev[2])) + "' and '"
                                + Printable.of(rangeNames.get((int) cur[2])) + "' overlap");
            }
        }
        return new SafeTensorsFile(path, arena, size, tensors, metadata);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Clip4jException bad(Path path, String what) {
        return new Clip4jException(path + ": invalid safetensors file: " + what);
    }

    public Path path() {
        return path;
    }

    public long fileBytes() {
        return fileBytes;
    }
    /** Tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }
    /** The header's {@code __metadata__} (string to string), empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        arena.close();
    }
}
