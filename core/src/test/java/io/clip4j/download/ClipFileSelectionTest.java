package io.clip4j.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClipFileSelectionTest {
    static final RepoId REPO = new RepoId("acme/m");
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    static RepoInfo listing(String... names) {
        Map<String, RepoFile> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, new RepoFile(name, 10, null, null));
        }
        return new RepoInfo(COMMIT, files);
    }

    static List<String> names(RepoInfo info) {
        return ClipFileSelection.select(REPO, info).stream().map(RepoFile::name).toList();
    }

    @Test
    void takesPytorchBinOnlyWithoutSafetensors() {
        assertEquals(
                List.of("config.json", "pytorch_model.bin", "special_tokens_map.json"),
                names(listing(
                        "tf_model.h5",
                        "pytorch_model.bin",
                        "special_tokens_map.json",
                        "config.json",
                        "flax_model.msgpack")));
        assertEquals(
                List.of("config.json", "model.safetensors"),
                names(listing("pytorch_model.bin", "model.safetensors", "config.json", "tokenizer.json")));
    }

    @Test
    void openClipConfigWithoutOpenClipWeightsFallsBackToTransformersFiles() {
        assertEquals(
                List.of("config.json", "model.safetensors"),
                names(listing("open_clip_config.json", "config.json", "model.safetensors")));
        assertEquals(
                List.of("open_clip_config.json", "open_clip_pytorch_model.bin"),
                names(listing(
                        "open_clip_config.json", "open_clip_pytorch_model.bin", "config.json", "model.safetensors")));
    }

    @Test
    void missingWeightsAreNamed() {
        Clip4jException e =
                assertThrows(Clip4jException.class, () -> names(listing("config.json", "flax_model.msgpack")));
        assertEquals(
                "repository acme/m has no weights clip4j can read (model.safetensors or pytorch_model.bin)",
                e.getMessage());
        e = assertThrows(Clip4jException.class, () -> names(listing("open_clip_config.json")));
        assertTrue(
                e.getMessage().contains("open_clip_model.safetensors or open_clip_pytorch_model.bin"), e.getMessage());
    }

    @Test
    void parsesTheHubListing() {
        String json = "{\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"config.json\",\"blobId\":\""
                + "a".repeat(40)
                + "\",\"size\":813},{\"rfilename\":\"model.safetensors\",\"blobId\":\"" + "b".repeat(40)
                + "\",\"size\":135,\"lfs\":{\"sha256\":\"" + "C".repeat(64)
                + "\",\"size\":7420740,\"pointerSize\":135}}]}";
        RepoInfo info = RepoInfo.parse(json.getBytes(StandardCharsets.UTF_8), REPO, "main");
        assertEquals(COMMIT, info.commit());
        assertEquals(
                new RepoFile("config.json", 813, null, "a".repeat(40)),
                info.files().get("config.json"));
        assertEquals(
                new RepoFile("model.safetensors", 7420740, "c".repeat(64), "b".repeat(40)),
                info.files().get("model.safetensors"));

        Clip4jException e = assertThrows(
                Clip4jException.class, () -> RepoInfo.parse("<html>".getBytes(StandardCharsets.UTF_8), REPO, "main"));
        assertEquals("unexpected answer from the hub for acme/m revision main: not JSON", e.getMessage());
    }

    @Test
    void repoIdsAndFileNamesCannotEscapeTheCache() {
        assertEquals(
                "models--openai--clip-vit-base-patch32", new RepoId("openai/clip-vit-base-patch32").cacheFolderName());
        assertEquals("models--gpt2", new RepoId("gpt2").cacheFolderName());
        for (String bad : List.of("", "a/b/c", "../x", "a/..", "a b", "a/b?c", "-x/y")) {
            assertThrows(Clip4jException.class, () -> new RepoId(bad), bad);
        }
        HubCache cache = new HubCache(Path.of("/tmp/c"));
        Clip4jException e =
                assertThrows(Clip4jException.class, () -> cache.snapshotFile(REPO, COMMIT, "../../../../etc/passwd"));
        assertTrue(e.getMessage().contains("leaves the snapshot folder"), e.getMessage());
        assertEquals(
                Path.of("/tmp/c/models--acme--m/snapshots/" + COMMIT + "/sub/f.bin"),
                cache.snapshotFile(REPO, COMMIT, "sub/f.bin"));
    }

    @Test
    void revisionsAndFileNamesArePercentEncodedInUrls() {
        try (HubHttp http =
                new HubHttp(URI.create("https://hub.example/mirror/"), null, 1, Duration.ZERO, Duration.ofSeconds(1))) {
            assertEquals(
                    "https://hub.example/mirror/api/models/acme/m/revision/refs%2Fpr%2F1?blobs=true",
                    http.revisionInfoUri(REPO, "refs/pr/1").toString());
            assertEquals(
                    "https://hub.example/mirror/acme/m/resolve/main/sub/a%20b%2Bc.json",
                    http.resolveUri(REPO, "main", "sub/a b+c.json").toString());
        }
    }
}
