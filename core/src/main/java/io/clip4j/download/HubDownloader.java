package io.clip4j.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fetches the files of a CLIP model from the Hugging Face hub (or a mirror with the same URL layout) into the
 * local cache. Thread-safe after construction; close it to release the HTTP client.
 *
 * <pre>{@code
 * try (HubDownloader hub = HubDownloader.fromEnvironment(System.getenv()).build()) {
 *     Path folder = hub.download("openai/clip-vit-base-patch32", "main", null, DownloadProgress.none()).dir();
 * }
 * }</pre>
 */
public final class HubDownloader implements AutoCloseable {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    public static final String DEFAULT_REVISION = "main";

    private final HubHttp http;
    private final HubCache cache;
    private final FileFetcher fetcher;

    private HubDownloader(Builder builder) {
        this.http = new HubHttp(
                builder.endpoint, builder.token, builder.maxAttempts, builder.retryDelay, builder.readTimeout);
        this.cache = new HubCache(builder.cacheRoot);
        this.fetcher = new FileFetcher(http);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset from {@code HF_ENDPOINT}, {@code HF_TOKEN} and {@code CLIP4J_CACHE} of {@code env}. */
    public static Builder fromEnvironment(Map<String, String> env) {
        Builder builder = new Builder().cacheRoot(HubCache.defaultRoot(env)).token(env.get("HF_TOKEN"));
        String endpoint = env.get("HF_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpoint(endpoint);
        }
        return builder;
    }

    public HubCache cache() {
        return cache;
    }

    /**
     * Downloads what clip4j needs of {@code repoId} at {@code revision} into the cache and, when
     * {@code targetDir} is not null, copies the finished files there too.
     *
     * @param revision branch, tag or commit; null means {@code main}
     * @throws Clip4jException for every failure the user can act on (one-line message)
     */
    public DownloadResult download(String repoId, String revision, Path targetDir, DownloadProgress progress) {
        RepoId repo = new RepoId(repoId == null ? "" : repoId.strip());
        String rev = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision.strip();
        DownloadProgress listener = progress == null ? DownloadProgress.none() : progress;
        try {
            return downloadChecked(repo, rev, targetDir, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Clip4jException("download of " + repo + " interrupted");
        }
    }

    private DownloadResult downloadChecked(RepoId repo, String revision, Path targetDir, DownloadProgress progress)
            throws InterruptedException {
        byte[] json =
                http.getBytes(http.revisionInfoUri(repo, revision), new HubHttp.ErrorContext(repo, revision, null));
        RepoInfo info = RepoInfo.parse(json, repo, revision);
        String commit = info.commit();

        Deque<RepoFile> queue = new ArrayDeque<>(ClipFileSelection.select(repo, info));
        List<DownloadedFile> done = new ArrayList<>();
        while (!queue.isEmpty()) {
            RepoFile file = queue.removeFirst();
            Path snapshotFile = cache.snapshotFile(repo, commit, file.name());
            Path blob = cache.blob(repo, commit, file);
            Path lock = cache.root()
                    .resolve(".locks")
                    .resolve(repo.cacheFolderName())
                    .resolve(blob.getFileName() + ".lock");
            FileDigest.Result digest = fetcher.fetch(repo, commit, file, blob, lock, progress);
            try {
                if (!(Files.exists(snapshotFile) && Files.isSameFile(blob, snapshotFile))) {
                    HubCache.link(blob, snapshotFile);
                }
            } catch (IOException e) {
                throw FileFetcher.diskError(snapshotFile, e);
            }
            done.add(new DownloadedFile(file.name(), digest.bytes(), digest.sha256()));
            if (file.name().equals(ClipFileSelection.HF_CONFIG)) {
                checkIsClip(repo, snapshotFile);
            }
            if (ClipFileSelection.isShardIndex(file.name())) {
                queue.addAll(ClipFileSelection.shardsOf(repo, info, file.name(), snapshotFile));
            }
        }
        try {
            cache.writeRef(repo, revision, commit);
        } catch (IOException e) {
            throw FileFetcher.diskError(cache.repoDir(repo).resolve("refs"), e);
        }
        Path dir = cache.snapshotDir(repo, commit);
        if (targetDir != null) {
            dir = placeInto(repo, commit, done, targetDir);
        }
        return new DownloadResult(repo.id(), revision, commit, dir, done);
    }

    /** A transformers config names its architecture; refuse e.g. a BERT repository before fetching its weights. */
    private static void checkIsClip(RepoId repo, Path config) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new Clip4jException("config.json of " + repo + " is not valid JSON");
        }
        String modelType = root.path("model_type").asText("");
        if (!modelType.isEmpty() && !modelType.toLowerCase(Locale.ROOT).contains("clip")) {
            throw new Clip4jException(
                    "repository " + repo + " is not a CLIP model: its config.json says model_type '" + modelType + "'");
        }
    }

    /** Copies the snapshot files into {@code targetDir}, each via a temporary name so none is ever half-written. */
    private Path placeInto(RepoId repo, String commit, List<DownloadedFile> files, Path targetDir) {
        Path dir = targetDir.toAbsolutePath().normalize();
        for (DownloadedFile file : files) {
            Path source = cache.snapshotFile(repo, commit, file.name());
            Path target = dir.resolve(file.name()).normalize();
            try {
                Files.createDirectories(target.getParent());
                if (Files.isRegularFile(target)
                        && Files.size(target) == file.bytes()
                        && FileDigest.of(target, file.bytes()).sha256().equals(file.sha256())) {
                    continue;
                }
                Path tmp = target.resolveSibling(target.getFileName() + ".incomplete");
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                HubCache.moveReplacing(tmp, target);
            } catch (IOException e) {
                throw FileFetcher.diskError(target, e);
            }
        }
        return dir;
    }

    @Override
    public void close() {
        http.close();
    }

    /** Settings of a {@link HubDownloader}; defaults: the public hub, no token, {@code ~/.cache/clip4j/hub}, 4 attempts. */
    public static final class Builder {
        private URI endpoint = URI.create(DEFAULT_ENDPOINT);
        private String token;
        private Path cacheRoot = HubCache.defaultRoot(Map.of());
        private int maxAttempts = 4;
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration readTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Base URL of the hub or a mirror, e.g. {@code https://huggingface.co}. */
        public Builder endpoint(String url) {
            URI uri;
            try {
                uri = new URI(url.strip());
            } catch (URISyntaxException e) {
                throw new Clip4jException("invalid hub endpoint '" + url + "': " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new Clip4jException(
                        "invalid hub endpoint '" + url + "': expected an http(s) URL such as " + DEFAULT_ENDPOINT);
            }
            this.endpoint = uri;
            return this;
        }

        /** Bearer token for private or gated repositories; null or blank for none. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder cacheRoot(Path root) {
            this.cacheRoot = Objects.requireNonNull(root);
            return this;
        }

        /** How often a transient failure (HTTP 5xx/429, connection reset, timeout) is tried in all. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** Wait before the first retry; it doubles with every further one. */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = Objects.requireNonNull(delay);
            return this;
        }

        /** How long a transfer may receive nothing before it counts as a dropped connection (and is retried). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public HubDownloader build() {
            return new HubDownloader(this);
        }
    }
}
