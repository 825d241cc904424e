package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.Durations;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.exchange.NpyFiles;
import io.clip4j.exchange.ParquetWriter;
import io.clip4j.search.ImageStore;
import io.clip4j.search.IndexStats;
import io.clip4j.search.Indexer;
import io.clip4j.search.VectorStore;
import io.clip4j.solr.SolrImageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clip4j index}: embed the images of folders into a search index, incrementally. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = {
            "Index the images under folders (recursively, hidden files skipped) for 'clip4j search'.",
            "Only new or changed images are embedded, moved or renamed files are recognised by their content, and deleted ones are dropped.",
            "The index remembers its model, its folders and its exclusions: 'clip4j index' alone brings the whole index up to date.",
            "JSON: {\"added\",\"updated\",\"removed\",\"unchanged\",\"failed\"}. An unreadable image is reported on stderr "
                    + "(one line each) and makes the exit status 1; the others are indexed."
        },
        subcommands = {IndexCommand.Export.class, IndexImportCommand.class})
public final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--index",
            paramLabel = "DIR",
            description = "Index folder (default: $XDG_DATA_HOME/clip4j/index or ~/.local/share/clip4j/index).")
    Path index;

    @Mixin
    SolrOptions solr;

    @Option(
            names = "--shards",
            paramLabel = "N",
            description = "With --solr: create the collection when it does not exist, with N shards.")
    Integer shards;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            defaultValue = "1",
            description = "With --shards: replicas of each shard (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--configset",
            paramLabel = "NAME",
            defaultValue = "_default",
            description =
                    "With --shards: the cluster's configset of the new collection (default: ${DEFAULT-VALUE}; any with a mutable managed schema).")
    String configSet;

    @Option(
            names = "--exclude",
            paramLabel = "DIR",
            description = "Leave out this folder and everything under it (repeatable; remembered by the index).")
    List<Path> excludes = new ArrayList<>();

    @Option(
            names = "--quantize",
            paramLabel = "none|int8",
            description =
                    "Vector quantisation of a new index (HNSW over int8 vectors; the float vectors are kept for exact scores).")
    VectorStore.Quantization quantize;

    @Option(
            names = "--commit-every",
            paramLabel = "N",
            description = "Images embedded between commits: the most an interruption loses (default: 8 x --batch).")
    Integer commitEvery;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show the progress bar (default: when stderr is a terminal).")
    Boolean progress;

    @Option(names = "--pause-after-commit-ms", hidden = true, defaultValue = "0")
    long pauseAfterCommitMs;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..*",
            description = "Folders (or image files) to index (default: those the index recorded).")
    List<Path> roots = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IndexLocation where = solr.location(spec, index);
        String dir = where.name();
        Usage.require(shards == null || solr.solr != null, spec, "--shards is for a Solr collection (--solr)");
        Usage.require(
                shards == null || shards >= 1 && replicas >= 1, spec, "--shards and --replicas must be at least 1");
        model.validateLimits();
        int every = commitEvery != null ? commitEvery : 8 * model.batch;
        Usage.require(every >= 1, spec, "--commit-every must be at least 1, got " + every);

        // what the index recorded: its model, folders and exclusions
        Path recordedModel = null;
        List<Path> recordedRoots = List.of(), recordedExcludes = List.of();
        boolean exists = where.exists();
        if (exists) {
            try (ImageStore store = where.openForReading()) {
                recordedModel = store.meta().model().modelPath();
                recordedRoots = store.roots();
                recordedExcludes = store.excludes();
            }
        }
        if (model.model == null && roots.isEmpty() && !exists) {
            throw Usage.error(spec, dir + " is not an index yet: give --model and the folders to index");
        }
        if (model.model == null && !exists)
            throw Usage.error(
                    spec, "Missing required option: '--model=PATH|REPO_ID' (" + dir + " is not an index yet)");
        if (roots.isEmpty() && recordedRoots.isEmpty()) {
            throw Usage.error(
                    spec, dir + " does not record which folders it indexes (made by an older clip4j): give them");
        }
        Path modelPath;
        if (model.model != null) modelPath = model.path();
        else {
            modelPath = recordedModel;
            if (!Files.exists(modelPath))
                throw new Clip4jException(modelPath + ": model recorded in the index is gone; pass --model PATH");
        }
        List<Path> walk = roots.isEmpty() ? recordedRoots : roots;
        for (Path r : walk)
            if (!Files.exists(r))
                throw new Clip4jException(r + ": no such folder" + (roots.isEmpty() ? " (recorded in the index)" : ""));
        Set<Path> allRoots = new LinkedHashSet<>(recordedRoots), allExcludes = new LinkedHashSet<>(recordedExcludes);
        for (Path r : roots) allRoots.add(r.toAbsolutePath().normalize());
        for (Path e : excludes) allExcludes.add(e.toAbsolutePath().normalize());

        boolean tty = ProgressBar.stderrIsTerminal();
        ProgressBar bar = new ProgressBar(err, progress != null ? progress : tty, tty);
        if (shards != null && where instanceof IndexLocation.Solr s && !SolrImageStore.collectionExists(s.target())) {
            SolrImageStore.createCollection(s.target(), configSet, shards, replicas);
        }
        try (Clip clip = model.load(modelPath, true, true);
                ImageStore store = where.openForWriting(ModelIdentity.of(clip), quantize)) {
            store.recordSources(List.copyOf(allRoots), List.copyOf(allExcludes));
            IndexStats s = new Indexer(clip, store, every)
                    .pauseAfterCommit(pauseAfterCommitMs)
                    .run(walk, List.copyOf(allExcludes), bar);
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
                String work = s.embedded() == 0
                        ? "nothing to embed (" + Durations.format(s.seconds()) + ")"
                        : String.format(
                                Locale.ROOT,
                                "embedded %d in %s (%.1f images/s)",
                                s.embedded(),
                                Durations.format(s.seconds()),
                                s.embedded() / Math.max(s.seconds(), 1e-9));
                out.printf(
                        Locale.ROOT,
                        "%s: added %d, updated %d, removed %d, unchanged %d (moved %d), failed %d; %s; %d images indexed%n",
                        dir,
                        s.added(),
                        s.updated(),
                        s.removed(),
                        s.unchanged(),
                        s.moved(),
                        s.failed(),
                        work,
                        store.size());
                out.flush();
            }
            return s.failed() > 0 ? 1 : 0;
        }
    }

    static boolean hasIndexFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code clip4j index export}: the index's vectors in clip-retrieval's layout. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Export the index in clip-retrieval's layout: DIR/img_emb/img_emb_0.npy (float32 [n, dim], unit rows) "
                        + "and DIR/metadata/metadata_0.parquet (column image_path, row i names embedding i), sorted by path.",
                "The same paths are also written as DIR/metadata/metadata_0.csv for tools without a Parquet reader.",
                "JSON: {\"dir\",\"images\",\"dim\",\"embeddings\",\"metadata\"}."
            })
    public static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        OutputOptions output;

        @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: the per-user index).")
        Path index;

        @Mixin
        SolrOptions solr;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Folder to write (created if needed).")
        Path out;

        @Override
        public Integer call() {
            IndexLocation where = solr.location(spec, index);
            List<float[]> vectors = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            int dim;
            try (ImageStore store = where.openForReading()) {
                dim = store.meta().dim();
                store.forEachVector((e, v) -> {
                    paths.add(e.path());
                    vectors.add(v);
                });
            }
            Path npy = out.resolve("img_emb").resolve("img_emb_0.npy");
            Path parquet = out.resolve("metadata").resolve("metadata_0.parquet");
            Path csv = out.resolve("metadata").resolve("metadata_0.csv");
            NpyFiles.writeFloat32(npy, vectors, dim);
            ParquetWriter.writeStrings(parquet, List.of("image_path"), List.of(paths));
            List<List<String>> rows = new ArrayList<>();
            for (String p : paths) rows.add(List.of(p));
            NpyFiles.writeCsv(csv, List.of("image_path"), rows);
            PrintWriter stdout = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dir", out.toString());
                m.put("images", paths.size());
                m.put("dim", dim);
                m.put("embeddings", npy.toString());
                m.put("metadata", parquet.toString());
                OutputOptions.printJson(stdout, m);
            } else {
                stdout.println(String.format(
                        Locale.ROOT, "%s: %d images x %d dims (%s, %s)", out, paths.size(), dim, npy, parquet));
            }
            stdout.flush();
            return 0;
        }
    }
}
