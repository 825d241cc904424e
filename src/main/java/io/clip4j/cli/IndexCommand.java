package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.search.IndexStats;
import io.clip4j.search.Indexer;
import io.clip4j.search.ModelIdentity;
import io.clip4j.search.VectorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j index}: embed the images of folders into a search index, incrementally. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Index the images under folders (recursively, hidden files skipped) for 'clip4j search'.",
                "Only new or changed images are embedded; moved/renamed files are recognised by content; deleted ones are dropped.",
                "JSON: {\"added\",\"updated\",\"removed\",\"unchanged\",\"failed\"}. Unreadable images are reported on stderr",
                "(one line each) and the exit status is then 1; the others are indexed."})
public final class IndexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOption model;
    @Mixin OutputOptions output;

    @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: $XDG_DATA_HOME/clip4j/index or ~/.local/share/clip4j/index).")
    Path index;

    @Option(names = "--quantize", paramLabel = "none|int8", description = "Vector quantisation of a new index (HNSW over int8 vectors; the float vectors are kept for exact scores).")
    VectorStore.Quantization quantize;

    @Option(names = "--commit-every", paramLabel = "N", description = "Images embedded between commits: the most an interruption loses (default: 8 x --batch).")
    Integer commitEvery;

    @Option(names = "--progress", negatable = true, description = "Show the progress bar (default: when stderr is a terminal).")
    Boolean progress;

    @Option(names = "--pause-after-commit-ms", hidden = true, defaultValue = "0")
    long pauseAfterCommitMs;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Folders (or image files) to index.")
    List<Path> roots;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = index != null ? index : VectorStore.defaultLocation();
        int every = commitEvery != null ? commitEvery : 8 * model.batch;
        if (every < 1) throw new Clip4jException("--commit-every must be at least 1, got " + every);
        for (Path r : roots) if (!java.nio.file.Files.exists(r)) throw new Clip4jException(r + ": no such folder");
        boolean tty = ProgressBar.stderrIsTerminal();
        ProgressBar bar = new ProgressBar(err, progress != null ? progress : tty, tty);
        try (Clip clip = model.load(true, true);
             VectorStore store = VectorStore.openForWriting(dir, ModelIdentity.of(clip), quantize)) {
            IndexStats s = new Indexer(clip, store, every).pauseAfterCommit(pauseAfterCommitMs).run(roots, bar);
            bar.finish();
            if (output.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("added", s.added());
                m.put("updated", s.updated());
                m.put("removed", s.removed());
                m.put("unchanged", s.unchanged());
                m.put("failed", s.failed());
                OutputOptions.printJson(out, m);
            } else {
                out.printf(Locale.ROOT, "%s: added %d, updated %d, removed %d, unchanged %d (moved %d), failed %d; embedded %d in %.1f s (%.1f images/s); %d images indexed%n",
                        dir, s.added(), s.updated(), s.removed(), s.unchanged(), s.moved(), s.failed(), s.embedded(), s.seconds(),
                        s.seconds() > 0 ? s.embedded() / s.seconds() : 0.0, store.size());
                out.flush();
            }
            return s.failed() > 0 ? 1 : 0;
        }
    }
}
