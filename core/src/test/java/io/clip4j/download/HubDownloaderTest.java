package io.clip4j.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubDownloaderTest {
    static final String REPO = "acme/clip-tiny";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    FakeHub hub;
    FakeHub.Repo repo;
    byte[] config;
    byte[] weights;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        config = readResource("config.json");
        weights = randomBytes(300_000, 1);
        repo = hub.repo(REPO, COMMIT)
                .file("config.json", config, false)
                .file("model.safetensors", weights, true)
                .file("pytorch_model.bin", randomBytes(1000, 2), true)
                .file("flax_model.msgpack", randomBytes(1000, 3), true)
                .file("tf_model.h5", randomBytes(1000, 4), true)
                .file("onnx/model.onnx", randomBytes(1000, 5), true)
                .file("vocab.json", "{\"a</w>\": 0}".getBytes(StandardCharsets.UTF_8), false)
                .file("merges.txt", "#version: 0.2\na b\n".getBytes(StandardCharsets.UTF_8), false)
                .file("preprocessor_config.json", "{\"crop_size\": 32}".getBytes(StandardCharsets.UTF_8), false)
                .file("tokenizer_config.json", "{}".getBytes(StandardCharsets.UTF_8), false)
                .file("README.md", "# tiny".getBytes(StandardCharsets.UTF_8), false);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    HubDownloader.Builder downloader() {
        return HubDownloader.builder()
                .endpoint(hub.endpoint())
                .cacheRoot(tmp.resolve("cache"))
                .retryDelay(Duration.ofMillis(10));
    }

    DownloadResult download(HubDownloader.Builder builder) {
        try (HubDownloader downloader = builder.build()) {
            return downloader.download(REPO, "main", null, DownloadProgress.none());
        }
    }

    @Test
    void downloadsOnlyTheNeededFilesByteIdentical() throws IOException {
        DownloadResult result = download(downloader());

        Path snapshot = tmp.resolve("cache/models--acme--clip-tiny/snapshots/" + COMMIT);
        assertEquals(snapshot, result.dir());
        assertEquals(COMMIT, result.commit());
        assertEquals(
                List.of(
                        "config.json",
                        "model.safetensors",
                        "vocab.json",
                        "merges.txt",
                        "preprocessor_config.json",
                        "tokenizer_config.json"),
                result.files().stream().map(DownloadedFile::name).toList());
        assertEquals(
                List.of(
                        "config.json",
                        "model.safetensors",
                        "vocab.json",
                        "merges.txt",
                        "preprocessor_config.json",
                        "tokenizer_config.json"),
                hub.fileNamesRequested());
        for (String name : List.of(
                "config.json",
                "model.safetensors",
                "vocab.json",
                "merges.txt",
                "preprocessor_config.json",
                "tokenizer_config.json")) {
            assertArrayEquals(repo.files.get(name), Files.readAllBytes(snapshot.resolve(name)), name);
        }
        try (Stream<Path> listing = Files.list(snapshot)) {
            assertEquals(6, listing.count());
        }
        DownloadedFile model = result.files().get(1);
        assertEquals(weights.length, model.bytes());
        assertEquals(FakeHub.sha256(weights), model.sha256());
        // huggingface_hub layout: the snapshot links into blobs named by sha256 (LFS) or git blob id
        assertTrue(Files.isSymbolicLink(snapshot.resolve("model.safetensors")));
        Path blobs = tmp.resolve("cache/models--acme--clip-tiny/blobs");
        assertTrue(Files.isRegularFile(blobs.resolve(FakeHub.sha256(weights))));
        assertTrue(Files.isRegularFile(blobs.resolve(FakeHub.gitBlobId(config))));
        assertEquals(COMMIT, Files.readString(tmp.resolve("cache/models--acme--clip-tiny/refs/main")));
        try (Stream<Path> listing = Files.list(blobs)) {
            assertTrue(listing.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
    }

    @Test
    void tokenGoesToTheHubButNotToTheCdnAfterARedirect() {
        repo.requiredToken = "s3cret";
        download(downloader().token("s3cret"));

        List<FakeHub.Request> cdn =
                hub.requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals(1, cdn.size(), "the LFS weights come through the CDN redirect");
        assertNull(cdn.get(0).authorization());
        assertTrue(hub.requests.stream()
                .filter(r -> r.server().equals("hub"))
                .allMatch(r -> "Bearer s3cret".equals(r.authorization())));
    }

    @Test
    void secondRunDownloadsNothing() {
        DownloadResult first = download(downloader());
        int before = hub.fileRequests().size();
        DownloadResult second = download(downloader());

        assertEquals(before, hub.fileRequests().size(), "no file fetched again");
        assertEquals(first, second);
    }

    @Test
    void corruptCachedBlobIsFetchedAgain() throws IOException {
        download(downloader());
        Path blob = tmp.resolve("cache/models--acme--clip-tiny/blobs/" + FakeHub.sha256(weights));
        byte[] damaged = weights.clone();
        damaged[1234] ^= 1;
        Files.write(blob, damaged);
        int before = hub.fileNamesRequested().size();

        DownloadResult again = download(downloader());

        List<String> requested = hub.fileNamesRequested();
        assertEquals(List.of("model.safetensors"), requested.subList(before, requested.size()));
        assertArrayEquals(weights, Files.readAllBytes(again.dir().resolve("model.safetensors")));
    }

    @Test
    void interruptedRunResumesWithRangeOnTheNextRun() throws IOException {
        hub.dropOnceAfter.put("model.safetensors", 120_000);

        Clip4jException failure =
                assertThrows(Clip4jException.class, () -> download(downloader().maxAttempts(1)));
        assertTrue(failure.getMessage().startsWith("network failure"), failure.getMessage());
        Path blobs = tmp.resolve("cache/models--acme--clip-tiny/blobs");
        Path partial = blobs.resolve(FakeHub.sha256(weights) + ".incomplete");
        assertTrue(Files.isRegularFile(partial));
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept <= 120_000, "partial size " + kept);
        assertFalse(Files.exists(blobs.resolve(FakeHub.sha256(weights))), "no final file after an interrupted run");
        assertFalse(
                Files.exists(tmp.resolve("cache/models--acme--clip-tiny/snapshots/" + COMMIT + "/model.safetensors")));

        DownloadResult result = download(downloader().maxAttempts(1));

        List<FakeHub.Request> cdn =
                hub.requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals("bytes=" + kept + "-", cdn.get(cdn.size() - 1).range());
        assertArrayEquals(weights, Files.readAllBytes(result.dir().resolve("model.safetensors")));
        assertFalse(Files.exists(partial));
    }

    @Test
    void droppedConnectionIsResumedWithinTheSameRun() throws IOException {
        hub.dropOnceAfter.put("model.safetensors", 70_000);

        DownloadResult result = download(downloader());

        assertTrue(hub.requests.stream()
                .anyMatch(r -> r.server().equals("cdn")
                        && r.range() != null
                        && r.range().startsWith("bytes=")));
        assertArrayEquals(weights, Files.readAllBytes(result.dir().resolve("model.safetensors")));
    }

    @Test
    void stalledTransferTimesOutAndResumes() throws IOException {
        hub.stallOnceAfter.put("model.safetensors", 100_000);

        long start = System.nanoTime();
        DownloadResult result = download(downloader().readTimeout(Duration.ofMillis(300)));

        assertTrue(System.nanoTime() - start < 2_500_000_000L, "did not wait for the stalled connection");
        List<FakeHub.Request> cdn =
                hub.requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals(2, cdn.size());
        assertEquals("bytes=100000-", cdn.get(1).range());
        assertArrayEquals(weights, Files.readAllBytes(result.dir().resolve("model.safetensors")));
    }

    @Test
    void serverIgnoringRangeRestartsFromZero() throws IOException {
        hub.dropOnceAfter.put("model.safetensors", 50_000);
        hub.ignoreRange = true;

        DownloadResult result = download(downloader());

        assertArrayEquals(weights, Files.readAllBytes(result.dir().resolve("model.safetensors")));
    }

    @Test
    void checksumMismatchFailsAndLeavesNoFile() throws IOException {
        byte[] corrupt = weights.clone();
        corrupt[299_999] ^= 0x40;
        hub.servedInstead.put("model.safetensors", corrupt);

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(downloader()));

        String message = failure.getMessage();
        assertFalse(message.contains("\n"));
        assertTrue(message.contains("model.safetensors"), message);
        assertTrue(message.contains(FakeHub.sha256(weights)), message);
        assertTrue(message.contains(FakeHub.sha256(corrupt)), message);
        Path blobs = tmp.resolve("cache/models--acme--clip-tiny/blobs");
        try (Stream<Path> listing = Files.list(blobs)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith(FakeHub.sha256(weights))));
        }
        assertFalse(
                Files.exists(tmp.resolve("cache/models--acme--clip-tiny/snapshots/" + COMMIT + "/model.safetensors")));
    }

    @Test
    void wrongSmallFileIsCaughtByItsGitBlobId() {
        hub.servedInstead.put(
                "vocab.json", "{\"b</w>\": 0}".getBytes(StandardCharsets.UTF_8)); // same size, other bytes

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(downloader()));

        assertTrue(failure.getMessage().contains("vocab.json"), failure.getMessage());
        assertTrue(
                failure.getMessage().contains("git blob id " + FakeHub.gitBlobId(repo.files.get("vocab.json"))),
                failure.getMessage());
    }

    @Test
    void unknownRepositoryIsReportedByName() {
        Clip4jException failure = assertThrows(Clip4jException.class, () -> {
            try (HubDownloader downloader = downloader().build()) {
                downloader.download("acme/no-such-model", "main", null, DownloadProgress.none());
            }
        });
        assertEquals(
                "repository acme/no-such-model not found on " + hub.endpoint()
                        + " (if it is private or gated, set HF_TOKEN)",
                failure.getMessage());
    }

    @Test
    void privateRepositoryWithoutTokenAsksForHfToken() {
        repo.requiredToken = "s3cret";

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(downloader()));

        assertTrue(failure.getMessage().contains("HF_TOKEN"), failure.getMessage());
        assertTrue(failure.getMessage().contains("401"), failure.getMessage());
        assertTrue(failure.getMessage().contains(REPO), failure.getMessage());
    }

    @Test
    void gatedRepositoryAsksToAcceptTheConditions() {
        repo.gated = true;

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(downloader()));

        assertEquals(
                "repository " + REPO + " is gated: accept its conditions on " + hub.endpoint() + "/" + REPO
                        + " and set HF_TOKEN to a token with access (HTTP 403)",
                failure.getMessage());
    }

    @Test
    void unknownHostIsNamed() {
        HubDownloader.Builder builder = downloader().endpoint("http://no-such-host.invalid");

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(builder));

        assertEquals("network failure: cannot reach no-such-host.invalid (unknown host)", failure.getMessage());
    }

    @Test
    void unwritableCacheIsADiskError() throws IOException {
        Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");

        Clip4jException failure = assertThrows(
                Clip4jException.class, () -> download(downloader().cacheRoot(notADirectory.resolve("cache"))));

        assertEquals("disk error on " + notADirectory.resolve("cache") + ": Not a directory", failure.getMessage());
    }

    @Test
    void unknownRevisionIsReported() {
        Clip4jException failure = assertThrows(Clip4jException.class, () -> {
            try (HubDownloader downloader = downloader().build()) {
                downloader.download(REPO, "v9", null, DownloadProgress.none());
            }
        });
        assertEquals("revision 'v9' not found in repository " + REPO, failure.getMessage());
    }

    @Test
    void repositoryWithoutConfigIsNotAClipModel() {
        hub.repo("acme/words", COMMIT)
                .file("README.md", new byte[] {'x'}, false)
                .file("model.safetensors", weights, true);

        Clip4jException failure = assertThrows(Clip4jException.class, () -> {
            try (HubDownloader downloader = downloader().build()) {
                downloader.download("acme/words", "main", null, DownloadProgress.none());
            }
        });
        assertEquals(
                "repository acme/words is not a CLIP model: it has neither config.json nor open_clip_config.json",
                failure.getMessage());
        assertTrue(hub.fileRequests().isEmpty());
    }

    @Test
    void transformersConfigOfAnotherArchitectureIsRefusedBeforeTheWeights() {
        hub.repo("acme/bert", COMMIT)
                .file("config.json", "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8), false)
                .file("model.safetensors", weights, true);

        Clip4jException failure = assertThrows(Clip4jException.class, () -> {
            try (HubDownloader downloader = downloader().build()) {
                downloader.download("acme/bert", "main", null, DownloadProgress.none());
            }
        });
        assertEquals(
                "repository acme/bert is not a CLIP model: its config.json says model_type 'bert'",
                failure.getMessage());
        assertEquals(List.of("config.json"), hub.fileNamesRequested());
    }

    @Test
    void transientServerErrorsAreRetried() {
        hub.apiFailures.set(2);

        DownloadResult result = download(downloader().maxAttempts(3));

        assertEquals(COMMIT, result.commit());
        assertEquals(
                3,
                hub.requests.stream().filter(r -> r.path().startsWith("/api/")).count());
    }

    @Test
    void persistentServerErrorEndsWithTheStatus() {
        hub.apiFailures.set(5);

        Clip4jException failure =
                assertThrows(Clip4jException.class, () -> download(downloader().maxAttempts(2)));

        assertTrue(
                failure.getMessage().startsWith("the hub answered HTTP 503 for repository " + REPO),
                failure.getMessage());
    }

    @Test
    void unreachableHostIsNamed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HubDownloader.Builder builder =
                downloader().endpoint("http://127.0.0.1:" + closedPort).maxAttempts(2);

        Clip4jException failure = assertThrows(Clip4jException.class, () -> download(builder));

        assertEquals(
                "network failure: cannot reach 127.0.0.1:" + closedPort + " (connection refused)",
                failure.getMessage());
    }

    @Test
    void shardedWeightsFetchTheIndexAndEveryShard() throws IOException {
        byte[] shard1 = randomBytes(5000, 7);
        byte[] shard2 = randomBytes(4000, 8);
        String index =
                "{\"metadata\": {\"total_size\": 9000}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                        + " \"b\": \"model-00002-of-00002.safetensors\", \"c\": \"model-00001-of-00002.safetensors\"}}";
        hub.repo("acme/sharded", COMMIT)
                .file("config.json", config, false)
                .file("model.safetensors.index.json", index.getBytes(StandardCharsets.UTF_8), false)
                .file("model-00001-of-00002.safetensors", shard1, true)
                .file("model-00002-of-00002.safetensors", shard2, true)
                .file("model-00003-of-00003.safetensors", randomBytes(10, 9), true);

        DownloadResult result;
        try (HubDownloader downloader = downloader().build()) {
            result = downloader.download("acme/sharded", "main", null, DownloadProgress.none());
        }

        assertEquals(
                List.of(
                        "config.json",
                        "model.safetensors.index.json",
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors"),
                hub.fileNamesRequested());
        assertArrayEquals(shard2, Files.readAllBytes(result.dir().resolve("model-00002-of-00002.safetensors")));
    }

    @Test
    void openClipRepositoryFetchesOnlyTheOpenClipFiles() throws IOException {
        byte[] openClipConfig = "{\"model_cfg\": {\"embed_dim\": 48}}".getBytes(StandardCharsets.UTF_8);
        hub.repo("laion/tiny", COMMIT)
                .file("open_clip_config.json", openClipConfig, false)
                .file("open_clip_pytorch_model.bin", randomBytes(3000, 10), true)
                .file("open_clip_model.safetensors", weights, true)
                .file("config.json", config, false)
                .file("model.safetensors", randomBytes(3000, 11), true);

        DownloadResult result;
        try (HubDownloader downloader = downloader().build()) {
            result = downloader.download("laion/tiny", "main", null, DownloadProgress.none());
        }

        assertEquals(List.of("open_clip_config.json", "open_clip_model.safetensors"), hub.fileNamesRequested());
        assertArrayEquals(weights, Files.readAllBytes(result.dir().resolve("open_clip_model.safetensors")));
    }

    @Test
    void targetDirReceivesPlainCopies() throws IOException {
        Path target = tmp.resolve("out/model");
        DownloadResult result;
        try (HubDownloader downloader = downloader().build()) {
            result = downloader.download(REPO, COMMIT, target, DownloadProgress.none());
        }

        assertEquals(target, result.dir());
        assertFalse(Files.isSymbolicLink(target.resolve("model.safetensors")));
        assertArrayEquals(weights, Files.readAllBytes(target.resolve("model.safetensors")));
        assertArrayEquals(config, Files.readAllBytes(target.resolve("config.json")));
        try (Stream<Path> listing = Files.list(target)) {
            assertEquals(6, listing.count());
        }
    }

    @Test
    void progressReportsEveryTransferAndCachedFile() {
        StringBuilder events = new StringBuilder();
        DownloadProgress recorder = new DownloadProgress() {
            long last;

            @Override
            public void start(String fileName, long total, long already) {
                events.append("start ")
                        .append(fileName)
                        .append(' ')
                        .append(total)
                        .append('\n');
            }

            @Override
            public void update(long done) {
                assertTrue(done >= last);
                last = done;
            }

            @Override
            public void finish() {
                events.append("finish ").append(last).append('\n');
                last = 0;
            }

            @Override
            public void upToDate(String fileName, long bytes) {
                events.append("cached ").append(fileName).append('\n');
            }
        };
        try (HubDownloader downloader = downloader().build()) {
            downloader.download(REPO, "main", null, recorder);
            assertTrue(
                    events.toString().contains("start model.safetensors 300000\nfinish 300000\n"), events.toString());
            events.setLength(0);
            downloader.download(REPO, "main", null, recorder);
            assertTrue(
                    events.toString().startsWith("cached config.json\ncached model.safetensors\n"), events.toString());
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] readResource(String name) throws IOException {
        try (InputStream in = HubDownloaderTest.class.getResourceAsStream("/download/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    static Map<String, String> env(String endpoint, Path cache) {
        return Map.of("HF_ENDPOINT", endpoint, "CLIP4J_CACHE", cache.toString());
    }
}
