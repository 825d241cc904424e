package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Brings a raw state dict to the canonical key set: unwraps training checkpoints, drops non-weights. */
final class StateDicts {
    /** Ints (or 0-d tensors) that OpenAI's files carry next to the weights; build_model deletes them. */
    private static final Set<String> OPENAI_EXTRAS = Set.of("input_resolution", "context_length", "vocab_size");

    private StateDicts() {}

    /** A training checkpoint ({"state_dict": ..., "epoch": ...}) yields its state dict; a state dict itself. */
    static Map<String, Object> unwrap(Map<String, Object> raw) {
        Map<String, Object> current = raw;
        for (int depth = 0; depth < 4; depth++) {
            Object inner = current.get("state_dict");
            if (!(inner instanceof Map<?, ?> m)) break;
            Map<String, Object> next = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) next.put(String.valueOf(e.getKey()), e.getValue());
            current = next;
        }
        return current;
    }

    /**
     * Tensors only, DDP's {@code module.} prefix removed, bookkeeping entries dropped, and {@code logit_scale}
     * as OpenAI's 0-d tensor (open_clip and HF files often store it with shape [1]).
     */
    static Map<String, Tensor> canonical(String source, Map<String, Object> raw) {
        Map<String, Object> sd = unwrap(raw);
        boolean ddp = !sd.isEmpty() && sd.keySet().stream().allMatch(k -> k.startsWith("module."));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : sd.entrySet()) {
            String key = ddp ? e.getKey().substring("module.".length()) : e.getKey();
            if (OPENAI_EXTRAS.contains(key) || key.endsWith("num_batches_tracked") || key.endsWith("position_ids"))
                continue;
            if (!(e.getValue() instanceof Tensor t)) {
                throw new Clip4jException(source + ": entry '" + Printable.of(e.getKey()) + "' is a "
                        + RestrictedUnpickler.describe(e.getValue()) + ", not a tensor (expected a CLIP state dict)");
            }
            if (key.equals("logit_scale") && t.numel() == 1 && t.rank() != 0) t = t.reshaped();
            out.put(key, t.renamed(key));
        }
        if (out.isEmpty()) throw new Clip4jException(source + ": contains no tensors");
        return out;
    }
}
