package io.clip4j.zeroshot;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prompt templates: "{}" stands for the class name. Built in: the paper's 80 ImageNet templates
 * ("imagenet"), its 18 CIFAR templates ("cifar") and the single "a photo of a {}." ("simple").
 */
public final class PromptTemplates {
    public static final List<String> BUILT_IN = List.of("imagenet", "cifar", "simple");

    private PromptTemplates() {}

    /** A built-in name, a file with one template per line, or a literal template containing "{}". */
    public static List<String> resolve(String spec) {
        if (spec == null || spec.isBlank()) return named("simple");
        String lower = spec.toLowerCase(Locale.ROOT);
        if (BUILT_IN.contains(lower)) return named(lower);
        if (spec.contains("{}")) return List.of(spec);
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) return fromFile(file);
        throw new Clip4jException("--templates " + spec + ": not a built-in set (" + String.join(", ", BUILT_IN)
                + "), not a file, and no '{}' placeholder in it");
    }

    public static List<String> named(String name) {
        try (InputStream in = PromptTemplates.class.getResourceAsStream(name + ".txt")) {
            if (in == null) throw new Clip4jException("no built-in template set '" + name + "'");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new Clip4jException("cannot read built-in templates '" + name + "': " + e.getMessage());
        }
    }

    static List<String> fromFile(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read templates (" + e.getMessage() + ")");
        }
    }

    private static List<String> parse(String text, String source) {
        List<String> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\r?\n")) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (!t.contains("{}"))
                throw new Clip4jException(source + " line " + lineNo + ": template has no '{}' placeholder: " + t);
            out.add(t);
        }
        if (out.isEmpty()) throw new Clip4jException(source + ": no templates in it");
        return List.copyOf(out);
    }

    /** Python's str.format with one positional argument, as the reference's template.format(classname). */
    public static String fill(String template, String label) {
        return template.replace("{}", label);
    }
}
