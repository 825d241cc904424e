package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.Durations;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.search.EmbeddingImport;
import io.clip4j.search.ImageStore;
import io.clip4j.search.IndexProgress;
import io.clip4j.search.VectorStore;
import io.clip4j.solr.SolrImageStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j index import}: embeddings made elsewhere (the Spark job, clip-retrieval) into the index. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Load embeddings made elsewhere into the index, without embedding again: the Parquet output of "
                    + "'clip4j spark embed' (path, embedding, sha256, error; its _clip4j-model.json names the model) or "
                    + "clip-retrieval's img_emb/img_emb_N.npy + metadata/metadata_N.parquet (image_path).",
            "The embeddings must come from the index's model: checked against _clip4j-model.json when there is one; "
                    + "clip-retrieval output records none, so --model (or the index's model) is taken on trust.",
            "Relative paths are taken from --base (default: the current folder). Rows with an error are counted, not imported.",
            "With --solr URL --collection C the embeddings go into a SolrCloud collection (created with --shards N) instead of an index folder.",
            "JSON: {\"index\",\"layout\",\"files\",\"imported\",\"skipped\",\"images\",\"seconds\"}."
        })
public final class IndexImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "DIR",
            description = "Folder with the embeddings to import.")
    Path from;

    @Option(names = "--index", paramLabel = "DIR", description = "Index folder (default: the per-user index).")
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
            description = "With --shards: the cluster's configset of the new collection (default: ${DEFAULT-VALUE}).")
    String configSet;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description = "The model that made the embeddings (needed for a new index "
                    + "when the folder does not name it).")
    Path model;

    @Option(
            names = "--base",
            paramLabel = "DIR",
            description = "Folder that relative image paths are relative to (default: the current folder).")
    Path base;

    @Option(names = "--quantize", paramLabel = "none|int8", description = "Vector quantisation of a new index.")
    ImageStore.Quantization quantize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        IndexLocation where = solr.location(spec, index);
        Usage.require(shards == null || solr.solr != null, spec, "--shards is for a Solr collection (--solr)");
        Usage.require(
                shards == null || shards >= 1 && replicas >= 1, spec, "--shards and --replicas must be at least 1");
        String dir = where.name();
        EmbeddingImport.Layout layout = EmbeddingImport.layoutOf(from);
        ModelIdentity recorded = EmbeddingImport.recordedModel(from);
        ModelIdentity identity;
        if (model != null) {
            if (!Files.exists(model)) throw new Clip4jException(model + ": no such model");
            try (Clip clip = Clip.load(model)) {
                identity = ModelIdentity.of(clip);
            }
            if (recorded != null)
                ImageStore.checkModel(
                        new ImageStore.Meta(recorded, recorded.embedDim(), ImageStore.Quantization.none),
                        identity,
                        from.toString());
        } else if (recorded != null) {
            identity = recorded;
        } else if (where.exists()) {
            try (ImageStore existing = where.openForReading()) {
                identity = existing.meta().model();
            }
        } else {
            throw Usage.error(
                    spec,
                    from + " does not name its model (clip-retrieval output) and " + dir
                            + " is not an index yet: give --model");
        }
        if (shards != null && where instanceof IndexLocation.Solr s && !SolrImageStore.collectionExists(s.target())) {
            SolrImageStore.createCollection(s.target(), configSet, shards, replicas);
        }
        long t0 = System.nanoTime();
        try (ImageStore store = where.openForWriting(identity, quantize)) {
            // a quarter of the heap for unflushed vectors, at most 2 GB (Lucene's limit per writer thread); a Solr
            // collection's nodes buffer on their side
            if (store instanceof VectorStore lucene)
                lucene.setRamBufferMB(Math.min(2000, Runtime.getRuntime().maxMemory() / 4 / (1 << 20)));
            EmbeddingImport.Stats s = new EmbeddingImport(store, base != null ? base : Path.of(""))
                    .run(from, new ImportProgress(spec.commandLine().getErr()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (output.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", dir);
                m.put("layout", s.layout() == EmbeddingImport.Layout.clip4j ? "clip4j" : "clip-retrieval");
                m.put("files", s.files());
                m.put("imported", s.imported());
                m.put("skipped", s.skipped());
                m.put("images", store.size());
                m.put("seconds", seconds);
                OutputOptions.printJson(out, m);
            } else {
                out.printf(
                        Locale.ROOT,
                        "%s: imported %d embeddings from %d %s files in %s (%d rows with errors skipped); %d images indexed%n",
                        dir,
                        s.imported(),
                        s.files(),
                        layout == EmbeddingImport.Layout.clip4j ? "clip4j Parquet" : "clip-retrieval",
                        Durations.format(seconds),
                        s.skipped(),
                        store.size());
            }
            out.flush();
            return 0;
        }
    }

    /** One line per shard on stderr, as the indexer's failures are reported. */
    private record ImportProgress(PrintWriter err) implements IndexProgress {
        @Override
        public void update(int done, int total) {}

        @Override
        public void failed(String message) {
            err.println("clip4j: skipped " + message);
            err.flush();
        }
    }
}
