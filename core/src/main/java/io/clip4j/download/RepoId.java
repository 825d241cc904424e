package io.clip4j.download;

import io.clip4j.Clip4jException;
import java.util.regex.Pattern;

/**
 * A Hugging Face model repository id: {@code org/name}, or a bare {@code name} for the hub's legacy
 * root-level models. The characters are restricted like the hub does, which also keeps the id safe to
 * paste into URLs and directory names unescaped.
 */
public record RepoId(String id) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    public RepoId {
        String[] parts = id == null ? new String[0] : id.split("/", -1);
        boolean ok = parts.length >= 1 && parts.length <= 2;
        for (String part : parts) {
            ok &= PART.matcher(part).matches() && !part.contains("..") && !part.contains("--") && !part.endsWith(".");
        }
        if (!ok) {
            throw new Clip4jException(
                    "invalid repository id '" + id + "': expected ORG/NAME such as openai/clip-vit-base-patch32");
        }
    }

    /** The cache folder name huggingface_hub uses: {@code models--org--name}. */
    public String cacheFolderName() {
        return "models--" + id.replace("/", "--");
    }

    @Override
    public String toString() {
        return id;
    }
}
