package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.download.ConsoleProgress;
import io.clip4j.download.HubCache;
import io.clip4j.download.HubDownloader;
import io.clip4j.download.RepoId;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code --model} names: a local path, or else a Hugging Face repository id ({@code openai/clip-vit-base-patch32})
 * resolved through the download cache: fetched on first use (as {@code clip4j download} does), used from the cache
 * without the network afterwards. A string that exists as a local path always wins.
 */
final class ModelRefs {
    private ModelRefs() {}

    /** ORG/NAME with the hub's characters; a leading dot or a third part means a path. */
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");

    static Path resolve(CommandSpec command, String ref) {
        if (ref == null) return null;
        Path local = null;
        try {
            local = Path.of(ref);
            if (Files.exists(local)) return local;
        } catch (InvalidPathException e) {
            // not a path on this system; maybe a repository id
        }
        if (!REPO_ID.matcher(ref).matches()) {
            if (local == null) throw new Clip4jException(ref + ": not a valid path");
            return local; // the loader names it: no such file or directory
        }
        return fromHub(command, new RepoId(ref));
    }

    private static Path fromHub(CommandSpec command, RepoId repo) {
        Map<String, String> env = Main.environment(command);
        HubCache cache = new HubCache(HubCache.defaultRoot(env));
        Optional<String> commit = cache.readRef(repo, HubDownloader.DEFAULT_REVISION);
        if (commit.isPresent() && Files.isDirectory(cache.snapshotDir(repo, commit.get()))) {
            return cache.snapshotDir(repo, commit.get());
        }
        if (offline(env)) {
            throw new Clip4jException(repo + ": no such local path, and not in the model cache " + cache.root()
                    + " (offline: HF_HUB_OFFLINE is set); run 'clip4j download " + repo + "' while online");
        }
        // the progress lines name every file fetched ("open_clip_model.safetensors: downloading 605 MB")
        PrintWriter err = command.commandLine().getErr();
        try (HubDownloader hub = HubDownloader.fromEnvironment(env).build()) {
            return hub.download(
                            repo.id(),
                            HubDownloader.DEFAULT_REVISION,
                            null,
                            new ConsoleProgress(err, ConsoleProgress.stderrIsTerminal()))
                    .dir();
        } catch (Clip4jException e) {
            throw new Clip4jException(repo + ": no such local path, and not in the model cache " + cache.root()
                    + "; downloading it failed: " + ErrorLines.oneLine(e.getMessage()));
        }
    }

    private static boolean offline(Map<String, String> env) {
        String v = env.get("HF_HUB_OFFLINE");
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }
}
