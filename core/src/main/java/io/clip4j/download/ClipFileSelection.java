package io.clip4j.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Decides which files of a repository clip4j needs. Repositories often carry the same weights several times
 * (PyTorch, safetensors, Flax, TensorFlow, ONNX); only one copy in a format clip4j reads is fetched.
 */
public final class ClipFileSelection {
    static final String HF_CONFIG = "config.json";
    static final String OPEN_CLIP_CONFIG = "open_clip_config.json";

    /** Optional transformers side files: tokenizer and preprocessing settings. */
    private static final List<String> TRANSFORMERS_EXTRAS = List.of(
            "vocab.json", "merges.txt", "preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json");

    /** Weight files in order of preference: safetensors is memory-mappable and needs no pickle parsing. */
    private static final List<String> TRANSFORMERS_WEIGHTS = List.of(
            "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json");

    private static final List<String> OPEN_CLIP_WEIGHTS =
            List.of("open_clip_model.safetensors", "open_clip_pytorch_model.bin");

    private ClipFileSelection() {}

    /**
     * The files to fetch first, config first. When the weights are sharded this includes the shard index,
     * whose shards {@link #shardsOf} names once it is downloaded.
     */
    public static List<RepoFile> select(RepoId repo, RepoInfo info) {
        List<RepoFile> chosen = new ArrayList<>();
        if (info.has(OPEN_CLIP_CONFIG)) {
            String weights = firstPresent(info, OPEN_CLIP_WEIGHTS);
            if (weights != null) {
                chosen.add(info.files().get(OPEN_CLIP_CONFIG));
                chosen.add(info.files().get(weights));
                return chosen;
            }
            // open_clip config without open_clip weights: fall through to a transformers copy if there is one
        }
        if (!info.has(HF_CONFIG)) {
            if (info.has(OPEN_CLIP_CONFIG)) {
                throw new Clip4jException(
                        "repository " + repo + " has open_clip_config.json but no weights clip4j can read ("
                                + String.join(" or ", OPEN_CLIP_WEIGHTS) + ")");
            }
            throw new Clip4jException("repository " + repo
                    + " is not a CLIP model: it has neither config.json nor open_clip_config.json");
        }
        String weights = firstPresent(info, TRANSFORMERS_WEIGHTS);
        if (weights == null) {
            throw new Clip4jException(
                    "repository " + repo + " has no weights clip4j can read (model.safetensors or pytorch_model.bin)");
        }
        chosen.add(info.files().get(HF_CONFIG));
        chosen.add(info.files().get(weights));
        for (String extra : TRANSFORMERS_EXTRAS) {
            info.file(extra).ifPresent(chosen::add);
        }
        return chosen;
    }

    static boolean isShardIndex(String name) {
        return name.endsWith(".index.json");
    }

    /** The shard files a downloaded {@code *.index.json} refers to, in name order. */
    static List<RepoFile> shardsOf(RepoId repo, RepoInfo info, String indexName, Path indexFile) {
        JsonNode weightMap;
        try {
            weightMap =
                    new ObjectMapper().readTree(Files.readAllBytes(indexFile)).path("weight_map");
        } catch (IOException e) {
            throw new Clip4jException("cannot read shard index " + indexName + " of " + repo + ": " + e.getMessage());
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new Clip4jException("shard index " + indexName + " of " + repo + " has no \"weight_map\"");
        }
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
            names.add(it.next().asText());
        }
        List<RepoFile> shards = new ArrayList<>();
        for (String name : names) {
            RepoFile shard = info.files().get(name);
            if (shard == null) {
                throw new Clip4jException("shard index " + indexName + " of " + repo + " names " + name
                        + ", which the repository does not have");
            }
            shards.add(shard);
        }
        return shards;
    }

    private static String firstPresent(RepoInfo info, List<String> names) {
        for (String name : names) {
            if (info.has(name)) {
                return name;
            }
        }
        return null;
    }
}
