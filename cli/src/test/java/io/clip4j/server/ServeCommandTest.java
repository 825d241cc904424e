package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.cli.CliRunner;
import io.clip4j.cli.ServeCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip4j serve}: its user errors in-process, and start-up, URL and SIGTERM in a child JVM. */
class ServeCommandTest {
    @Test
    void missingIndexFolderIsAOneLineError(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-index");
        CliRunner r = CliRunner.run("serve", "--index", missing.toString(), "--port", "0");
        assertEquals(1, r.code());
        r.assertOneLineError(missing.toString());
    }

    @Test
    void withoutAnIndexImplementationTheDefaultOpenerSaysSo(@TempDir Path tmp) {
        var saved = ServeCommand.opener;
        try {
            // the default (until the index implementation is plugged in) or the real one: either way no hang
            CliRunner r = CliRunner.run("serve", "--index", tmp.toString(), "--port", "0");
            assertEquals(1, r.code(), r.err());
            r.assertOneLineError(tmp.toString());
        } finally {
            ServeCommand.opener = saved;
        }
    }

    @Test
    void badPortIsAUsageError(@TempDir Path tmp) {
        CliRunner r = CliRunner.run("serve", "--index", tmp.toString(), "--port", "70000");
        assertEquals(2, r.code(), "a port out of range is bad usage");
        assertTrue(r.err().startsWith("clip4j: --port: 70000 is not a TCP port"), r.err());
        assertEquals(
                2,
                CliRunner.run("serve", "--index", tmp.toString(), "--port", "http")
                        .code());
        assertEquals(2, CliRunner.run("serve", "--index").code()); // --index needs its folder
    }

    @Test
    void servesPrintsItsUrlAndStopsGracefullyOnSigterm(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FakeIndexServeMain.class.getName(),
                        "serve",
                        "--index",
                        tmp.toString(),
                        "--port",
                        "0")
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            List<String> all = new ArrayList<>();
            CompletableFuture.runAsync(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (Exception ignored) {
                    // the child ended
                }
            });
            String first = lines.poll(90, TimeUnit.SECONDS);
            assertNotNull(
                    first, () -> "no start-up line within 90 s; stderr:\n" + readQuietly(tmp.resolve("stderr.txt")));
            all.add(first);
            Matcher m = Pattern.compile(
                            "^clip4j: serving 8 images from .* at (http://127\\.0\\.0\\.1:\\d+/) \\(Ctrl-C to stop\\)$")
                    .matcher(first);
            assertTrue(m.matches(), first);
            Http http = new Http(URI.create(m.group(1)));
            assertEquals(200, http.get("healthz").statusCode());
            assertEquals(200, http.get("api/search?q=cat").statusCode());

            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stdout)
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not stop within 30 s of SIGTERM");
            assertEquals(143, p.exitValue(), "128 + SIGTERM: the JVM ended by the signal, after its shutdown hook");
            for (String line; (line = lines.poll(5, TimeUnit.SECONDS)) != null; ) all.add(line);
            assertEquals(
                    "clip4j: stopped",
                    all.get(all.size() - 1),
                    () -> all + "\nstderr:\n" + readQuietly(tmp.resolve("stderr.txt")));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void formatJsonPrintsTheAddressAsOneJsonLine(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FakeIndexServeMain.class.getName(),
                        "serve",
                        "--index",
                        tmp.toString(),
                        "--port",
                        "0",
                        "--format",
                        "json")
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture.runAsync(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (Exception ignored) {
                    // the child ended
                }
            });
            String first = lines.poll(90, TimeUnit.SECONDS);
            assertNotNull(
                    first, () -> "no start-up line within 90 s; stderr:\n" + readQuietly(tmp.resolve("stderr.txt")));
            JsonNode doc = new ObjectMapper().readTree(first);
            assertEquals(8, doc.get("images").asInt());
            assertEquals(tmp.toString(), doc.get("index").asText());
            assertEquals(
                    200,
                    new Http(URI.create(doc.get("url").asText())).get("healthz").statusCode());
        } finally {
            p.destroyForcibly();
        }
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
