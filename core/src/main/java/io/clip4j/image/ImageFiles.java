package io.clip4j.image;

import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/** Finding image files under folders, and their content hash. */
public final class ImageFiles {
    private ImageFiles() {}

    /** The extensions that the decoders read. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "png", "gif", "bmp");

    /** An image file with what the incremental indexer compares: size and modification time (ms). */
    public record Found(Path path, long size, long mtime) {}

    public static boolean hasImageExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Image files under the roots (absolute, normalised, sorted, each once), recursively; names starting with "."
     * are skipped, files and folders alike. A root may also be a single image file.
     */
    public static List<Found> walk(List<Path> roots) {
        return walk(roots, List.of());
    }

    /** As {@link #walk(List)}, leaving out everything under the {@code excludes} folders. */
    public static List<Found> walk(List<Path> roots, List<Path> excludes) {
        List<Path> skip =
                excludes.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        TreeMap<String, Found> found = new TreeMap<>();
        for (Path root : roots) {
            Path abs = root.toAbsolutePath().normalize();
            if (!Files.exists(abs)) throw new Clip4jException(root + ": no such folder");
            try {
                Files.walkFileTree(abs, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        boolean leftOut =
                                !dir.equals(abs) && hidden(dir) || skip.stream().anyMatch(dir::startsWith);
                        return leftOut ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()
                                && !hidden(file)
                                && hasImageExtension(file.getFileName().toString())
                                && skip.stream().noneMatch(file::startsWith)) {
                            found.put(
                                    StoredPaths.of(file),
                                    new Found(
                                            file,
                                            attrs.size(),
                                            attrs.lastModifiedTime().toMillis()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE; // unreadable folders are left out, as hidden ones
                    }
                });
            } catch (IOException e) {
                throw new Clip4jException(root + ": cannot list folder (" + e.getMessage() + ")");
            }
        }
        return new ArrayList<>(found.values());
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** sha256 of the file's bytes, hex. */
    public static String contentHash(Path file) throws IOException {
        MessageDigest md = ModelIdentity.sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
