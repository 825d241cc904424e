package io.clip4j.probe;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A labelled image set laid out as torchvision's {@code ImageFolder}: one sub-folder per class (its name is the
 * class name), image files anywhere below it. Classes and files are sorted by name, so the order is stable.
 * Hidden entries and files without an image extension are ignored.
 */
public record ClassFolders(Path root, List<String> classes, List<Path> files, int[] labels) {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff");

    public static ClassFolders scan(Path root) {
        if (!Files.isDirectory(root)) throw new Clip4jException(root + ": no such folder");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory)
                    .filter(p -> !hidden(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new Clip4jException(
                    root + ": cannot list folder (" + e.getClass().getSimpleName() + ")");
        }
        if (classDirs.isEmpty()) throw new Clip4jException(root + ": no class sub-folders in it");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(Files::isRegularFile)
                        .filter(ClassFolders::isImage)
                        .sorted()
                        .toList()) {
                    if (hiddenBelow(dir, f)) continue;
                    files.add(f);
                    labels.add(label);
                }
            } catch (IOException e) {
                throw new Clip4jException(
                        dir + ": cannot list folder (" + e.getClass().getSimpleName() + ")");
            }
        }
        return new ClassFolders(
                root,
                List.copyOf(classes),
                List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Images of class c. */
    public int count(int c) {
        int n = 0;
        for (int l : labels) if (l == c) n++;
        return n;
    }

    static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean hiddenBelow(Path dir, Path f) {
        for (Path part : dir.relativize(f)) if (part.toString().startsWith(".")) return true;
        return false;
    }
}
