package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import java.util.Locale;

/**
 * Which towers a model file holds: both (a whole CLIP), or one of them (written by {@code clip4j convert --tower};
 * recorded as {@code __metadata__["clip4j.towers"]} in its safetensors file). {@code logit_scale} goes with either.
 */
public enum Towers {
    BOTH,
    IMAGE,
    TEXT;

    public static final String METADATA_KEY = "clip4j.towers";

    public static Towers parse(String s, String where) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "both" -> BOTH;
            case "image" -> IMAGE;
            case "text" -> TEXT;
            default ->
                throw new Clip4jException(
                        where + ": '" + Printable.of(s) + "' is not a tower choice (both, image or text)");
        };
    }

    public boolean hasImage() {
        return this != TEXT;
    }

    public boolean hasText() {
        return this != IMAGE;
    }

    /** Whether a tensor (OpenAI name) belongs in a file of these towers. */
    public boolean includes(String name) {
        if (this == BOTH || name.equals("logit_scale")) return true;
        return name.startsWith("visual.") == (this == IMAGE);
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
