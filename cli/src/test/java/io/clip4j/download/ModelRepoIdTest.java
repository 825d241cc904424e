package io.clip4j.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model ORG/NAME}: a Hugging Face repository id, fetched through the download cache (against the fake hub). */
class ModelRepoIdTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final Path VIT = TestCheckpoints.resource("models/vit-tiny");
    static final Path CAT = TestCheckpoints.resource("image/chelsea.png");

    @TempDir
    Path tmp;

    FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.repo("acme/vit-tiny", COMMIT)
                .file("open_clip_config.json", Files.readAllBytes(VIT.resolve("open_clip_config.json")), false)
                .file(
                        "open_clip_model.safetensors",
                        Files.readAllBytes(VIT.resolve("open_clip_model.safetensors")),
                        true);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("CLIP4J_CACHE", tmp.resolve("cache").toString());
        return env;
    }

    @Test
    void aRepoIdIsDownloadedOnFirstUseAndUsedFromTheCacheOfflineAfter() {
        CliRunner local = CliRunner.run("embed", "--model", VIT.toString(), "--format", "json", CAT.toString());
        CliRunner first =
                CliRunner.runWithEnv(env(), "embed", "--model", "acme/vit-tiny", "--format", "json", CAT.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("open_clip_model.safetensors: downloading"), first.err());
        assertEquals(
                local.json().get("images").get(0).get("embedding"),
                first.json().get("images").get(0).get("embedding"));
        assertTrue(
                hub.fileNamesRequested().contains("open_clip_model.safetensors"),
                hub.fileNamesRequested().toString());

        hub.requests.clear();
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        CliRunner again = CliRunner.runWithEnv(offline, "info", "--model", "acme/vit-tiny", "--format", "json");
        assertEquals(0, again.code(), again.err());
        assertEquals("", again.err());
        assertTrue(again.json().get("path").asText().endsWith("snapshots/" + COMMIT), again.out());
        CliRunner tokens = CliRunner.runWithEnv(env(), "tokenize", "--model", "acme/vit-tiny", "a cat");
        assertEquals(0, tokens.code(), tokens.err());
        assertEquals(0, hub.requests.size(), "a cached model needs no network: " + hub.requests);
    }

    @Test
    void offlineAndNotCachedIsAOneLineError() {
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        CliRunner r = CliRunner.runWithEnv(offline, "info", "--model", "acme/vit-tiny");
        r.assertOneLineError("acme/vit-tiny: no such local path, and not in the model cache");
        assertTrue(r.err().contains("clip4j download acme/vit-tiny"), r.err());
        assertEquals(0, hub.requests.size());
        CliRunner unknown = CliRunner.runWithEnv(env(), "info", "--model", "acme/nothing-here");
        unknown.assertOneLineError("acme/nothing-here");
    }

    @Test
    void anExistingLocalPathWinsOverARepoIdOfTheSameName() throws IOException {
        // "target/<name>" is a relative path (the build folder is under the working directory) and reads as ORG/NAME
        // too
        String name = "target/repo-id-test-" + UUID.randomUUID();
        Path model = Files.createDirectories(Path.of(name));
        try {
            Files.copy(VIT.resolve("open_clip_config.json"), model.resolve("open_clip_config.json"));
            Files.copy(VIT.resolve("open_clip_model.safetensors"), model.resolve("open_clip_model.safetensors"));
            hub.repo(name, COMMIT)
                    .file("open_clip_config.json", Files.readAllBytes(VIT.resolve("open_clip_config.json")), false)
                    .file(
                            "open_clip_model.safetensors",
                            Files.readAllBytes(VIT.resolve("open_clip_model.safetensors")),
                            true);
            CliRunner r = CliRunner.runWithEnv(env(), "info", "--model", name, "--format", "json");
            assertEquals(0, r.code(), r.err());
            assertEquals(name, r.json().get("path").asText());
            assertEquals(0, hub.requests.size(), "a local path is never looked up on the hub: " + hub.requests);
        } finally {
            try (Stream<Path> files = Files.walk(model)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
