package io.clip4j.distill;

import io.clip4j.Clip4jException;
import java.util.Locale;

/** Which tower a distillation run trains; the other one stays the teacher's. */
public enum Tower {
    IMAGE,
    TEXT;

    public static Tower parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "image" -> IMAGE;
            case "text" -> TEXT;
            default -> throw new Clip4jException("--tower: '" + s + "' is not a tower (image or text)");
        };
    }

    /** Whether a parameter (OpenAI state-dict name) belongs to this tower; logit_scale belongs to neither. */
    public boolean owns(String name) {
        if (name.equals("logit_scale")) return false;
        return (this == IMAGE) == name.startsWith("visual.");
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
