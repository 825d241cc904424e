package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImageFiles;
import io.clip4j.tokenizer.ClipTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Image and text arguments as the commands take them: files, folders, and lists read from a file. */
final class InputLists {
    private InputLists() {}

    /**
     * The image files named by {@code args} (a folder stands for its images, recursively, hidden files and folders
     * skipped, sorted) followed by those listed in {@code filesFrom} (one path per line, blank lines skipped;
     * {@code -} is standard input). A file is taken as given, so an unreadable one is reported by the decoder.
     */
    static List<Path> images(List<Path> args, Path filesFrom) {
        List<Path> out = new ArrayList<>();
        for (Path a : args) {
            if (Files.isDirectory(a)) {
                List<ImageFiles.Found> found = ImageFiles.walk(List.of(a));
                if (found.isEmpty()) throw new Clip4jException(a + ": no images in this folder (" + extensions() + ")");
                for (ImageFiles.Found f : found) out.add(f.path());
            } else out.add(a);
        }
        if (filesFrom != null) for (String line : lines(filesFrom)) if (!line.isBlank()) out.add(Path.of(line.strip()));
        return out;
    }

    /** One text per line of {@code file} (blank lines skipped; {@code -} is standard input). */
    static List<String> texts(Path file) {
        List<String> out = new ArrayList<>();
        for (String line : lines(file)) if (!line.isBlank()) out.add(line);
        if (out.isEmpty()) throw new Clip4jException(file + ": no texts in it (one per line)");
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            if (file.toString().equals("-")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return in.lines().toList();
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new Clip4jException(file + ": cannot read ("
                    + (Files.exists(file) ? e.getClass().getSimpleName() : "no such file") + ")");
        }
    }

    private static String extensions() {
        return String.join(", ", ImageFiles.EXTENSIONS.stream().sorted().toList());
    }

    /**
     * How every command treats a text longer than the context: cut to fit (the default, as open_clip and
     * clip-retrieval do) with a note on stderr, or with {@code --no-truncate} an error naming the token count.
     */
    static void checkLength(ClipTokenizer tokenizer, String text, int context, boolean truncate, PrintWriter err) {
        int tokens = tokenizer.encode(text).length + 2;
        if (tokens <= context) return;
        if (!truncate) {
            throw new Clip4jException(String.format(
                    Locale.ROOT,
                    "text \"%s\" is %d tokens, longer than the context of %d "
                            + "(--truncate, the default, cuts it to fit)",
                    preview(text),
                    tokens,
                    context));
        }
        err.println(String.format(
                Locale.ROOT,
                "clip4j: note: text \"%s\" is %d tokens; cut to the context of %d (--no-truncate refuses it)",
                preview(text),
                tokens,
                context));
        err.flush();
    }

    static String preview(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
    }
}
