package io.clip4j.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** A repository revision: the commit it resolves to and its files, parsed from {@code /api/models/{repo}/revision/{rev}?blobs=true}. */
public record RepoInfo(String commit, Map<String, RepoFile> files) {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    public RepoInfo {
        files = Map.copyOf(files);
    }

    public Optional<RepoFile> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    public boolean has(String name) {
        return files.containsKey(name);
    }

    static RepoInfo parse(byte[] json, RepoId repo, String revision) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw malformed(repo, revision, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw malformed(repo, revision, "not a JSON object");
        }
        String commit = root.path("sha").asText("").toLowerCase(Locale.ROOT);
        if (!COMMIT.matcher(commit).matches()) {
            throw malformed(repo, revision, "no commit \"sha\"");
        }
        JsonNode siblings = root.path("siblings");
        if (!siblings.isArray()) {
            throw malformed(repo, revision, "no \"siblings\" list");
        }
        Map<String, RepoFile> files = new LinkedHashMap<>();
        for (JsonNode sibling : siblings) {
            String name = sibling.path("rfilename").asText(null);
            if (name == null || name.isEmpty()) {
                continue;
            }
            JsonNode lfs = sibling.path("lfs");
            String sha256 = null;
            long size = sibling.path("size").asLong(-1);
            if (lfs.isObject()) {
                sha256 = lfs.path("sha256").asText(lfs.path("oid").asText("")).toLowerCase(Locale.ROOT);
                if (sha256.startsWith("sha256:")) {
                    sha256 = sha256.substring("sha256:".length());
                }
                if (!SHA256.matcher(sha256).matches()) {
                    throw malformed(repo, revision, "bad LFS sha256 for " + name);
                }
                size = lfs.path("size").asLong(size);
            }
            String blobId = sibling.path("blobId").asText("").toLowerCase(Locale.ROOT);
            files.put(
                    name, new RepoFile(name, size, sha256, SHA1.matcher(blobId).matches() ? blobId : null));
        }
        return new RepoInfo(commit, files);
    }

    private static Clip4jException malformed(RepoId repo, String revision, String what) {
        return new Clip4jException(
                "unexpected answer from the hub for " + repo + " revision " + revision + ": " + what);
    }
}
