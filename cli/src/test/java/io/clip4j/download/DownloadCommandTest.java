package io.clip4j.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import io.clip4j.cli.DownloadCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code clip4j download} end to end through picocli, against the local fake hub. */
class DownloadCommandTest {
    static final String COMMIT = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir
    Path tmp;

    FakeHub hub;
    byte[] config;
    byte[] weights;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicReference<Exception> thrown = new AtomicReference<>();

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        config = HubDownloaderTest.readResource("config.json");
        weights = HubDownloaderTest.randomBytes(200_000, 42);
        hub.repo("acme/clip-tiny", COMMIT)
                .file("config.json", config, false)
                .file("model.safetensors", weights, true)
                .file("flax_model.msgpack", HubDownloaderTest.randomBytes(500, 43), true)
                .file("merges.txt", "#version: 0.2\n".getBytes(StandardCharsets.UTF_8), false);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    int run(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new DownloadCommand(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            thrown.set(e);
            return 1;
        });
        return cli.execute(args);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("CLIP4J_CACHE", tmp.resolve("cache").toString());
        return env;
    }

    @Test
    void printsTheSnapshotFolderAndShowsProgressOnStderr() throws IOException {
        int exit = run(env(), "acme/clip-tiny");

        assertEquals(0, exit, err.toString());
        Path snapshot =
                tmp.resolve("cache/models--acme--clip-tiny/snapshots/" + COMMIT).toAbsolutePath();
        assertEquals(snapshot + System.lineSeparator(), out.toString());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertTrue(err.toString().contains("model.safetensors: downloading 0.2 MB"), err.toString());
        assertTrue(err.toString().contains("model.safetensors [########################] 0.2/0.2 MB"), err.toString());
        assertTrue(hub.fileNamesRequested().stream().noneMatch(name -> name.contains("msgpack")));
    }

    @Test
    void jsonFormatWithTargetDirAndCacheFlag() throws IOException {
        Path target = tmp.resolve("model");
        Path cache = tmp.resolve("other-cache");

        int exit = run(
                env(),
                "acme/clip-tiny",
                "--revision",
                COMMIT,
                "--dir",
                target.toString(),
                "--cache",
                cache.toString(),
                "--format",
                "json",
                "--quiet");

        assertEquals(0, exit, err.toString());
        assertEquals("", err.toString(), "--quiet prints nothing on stderr");
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("acme/clip-tiny", json.get("repo").asText());
        assertEquals(COMMIT, json.get("revision").asText());
        assertEquals(COMMIT, json.get("commit").asText());
        assertEquals(target.toAbsolutePath().toString(), json.get("dir").asText());
        assertEquals(3, json.get("files").size());
        JsonNode model = json.get("files").get(1);
        assertEquals("model.safetensors", model.get("name").asText());
        assertEquals(weights.length, model.get("bytes").asLong());
        assertEquals(FakeHub.sha256(weights), model.get("sha256").asText());
        assertEquals(
                FakeHub.sha256(config), json.get("files").get(0).get("sha256").asText());
        assertArrayEquals(weights, Files.readAllBytes(target.resolve("model.safetensors")));
        assertTrue(
                Files.isDirectory(cache.resolve("models--acme--clip-tiny/snapshots/" + COMMIT)),
                "--cache overrides CLIP4J_CACHE");
    }

    @Test
    void tokenFromEnvironmentOpensAPrivateRepository() {
        hub.repos.get("acme/clip-tiny").requiredToken = "hf_abc";

        assertEquals(1, run(env(), "acme/clip-tiny", "-q"));
        Clip4jException failure = assertInstanceOf(Clip4jException.class, thrown.get());
        assertTrue(failure.getMessage().contains("set HF_TOKEN"), failure.getMessage());

        Map<String, String> env = env();
        env.put("HF_TOKEN", "hf_abc");
        assertEquals(0, run(env, "acme/clip-tiny", "-q"));
    }

    @Test
    void userErrorsAreThrownAsClip4jException() {
        assertEquals(1, run(env(), "not a repo!"));
        Clip4jException failure = assertInstanceOf(Clip4jException.class, thrown.get());
        assertTrue(failure.getMessage().startsWith("invalid repository id 'not a repo!'"), failure.getMessage());
    }

    @Test
    void badFormatIsAUsageError() {
        assertEquals(2, run(env(), "acme/clip-tiny", "--format", "xml"));
        assertTrue(err.toString().contains("--format"), err.toString());
    }
}
