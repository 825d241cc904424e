package io.clip4j.spark;

import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of this module's tests (starting one costs seconds): local, two task slots, and up to
 * three attempts per task ({@code local[2,3]}) so that the tests can kill a task's first attempt. Never stopped:
 * it ends with the test JVM.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,3]")
                    .appName("clip4j-spark tests")
                    .config("spark.ui.enabled", false)
                    .config("spark.ui.showConsoleProgress", false)
                    .config("spark.sql.shuffle.partitions", 2)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    static Path model() {
        return Fixtures.resource("models/vit-tiny");
    }

    static final String BROKEN = "broken.png";

    /**
     * A folder of the fixture images (in a subfolder too), one file that is not an image though named so, and a
     * hidden image that the job must skip.
     */
    static Path imageFolder(Path dir) {
        try {
            Path sub = Files.createDirectories(dir.resolve("more"));
            List<Path> sources;
            try (Stream<Path> s = Files.list(Fixtures.resource("image"))) {
                sources = s.filter(p -> p.toString().matches(".*\\.(png|jpg|bmp)"))
                        .sorted()
                        .toList();
            }
            for (int i = 0; i < sources.size(); i++) {
                Path src = sources.get(i);
                Files.copy(src, (i % 3 == 0 ? sub : dir).resolve(src.getFileName()));
            }
            Files.write(dir.resolve(BROKEN), "this is not a PNG file".getBytes());
            Files.copy(sources.get(0), dir.resolve(".hidden.png"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The images of {@link #imageFolder} that the job embeds or reports, sorted. */
    static List<Path> visibleImages(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> out = new ArrayList<>(s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Spark/Hadoop path string (file:/...) as a local path. */
    static Path local(String path) {
        return Path.of(URI.create(path));
    }
}
