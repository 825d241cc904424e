package io.clip4j.download;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A downloaded model folder.
 *
 * @param repo     repository id
 * @param revision the revision asked for (branch, tag or commit)
 * @param commit   the commit it resolved to
 * @param dir      the folder holding the files: the {@code --dir} target, else the cache snapshot
 * @param files    the files clip4j fetched (or found complete), in download order
 */
public record DownloadResult(String repo, String revision, String commit, Path dir, List<DownloadedFile> files) {
    public DownloadResult {
        files = List.copyOf(files);
    }

    /** {@code {"repo","revision","commit","dir","files":[{"name","bytes","sha256"}]}} on one line. */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("repo", repo);
        root.put("revision", revision);
        root.put("commit", commit);
        root.put("dir", dir.toString());
        ArrayNode list = root.putArray("files");
        for (DownloadedFile file : files) {
            list.addObject().put("name", file.name()).put("bytes", file.bytes()).put("sha256", file.sha256());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
