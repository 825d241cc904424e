package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.search.ClipSearchService;
import io.clip4j.search.ImageStore;
import io.clip4j.search.TextnessDirection;
import io.clip4j.search.VectorStore;
import io.clip4j.solr.SolrImageStore;
import io.clip4j.solr.SolrTarget;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the index of index, search and serve is: a folder (the embedded Lucene index) or a SolrCloud collection. */
sealed interface IndexLocation {
    /** For messages: the folder, or {@code collection C at URL}. */
    String name();

    /** Whether an index is there already (possibly empty). */
    boolean exists();

    ImageStore openForReading();

    /** @param quantization null = as recorded (new indexes: none) */
    ImageStore openForWriting(ModelIdentity model, ImageStore.Quantization quantization);

    /**
     * The search service over this index with {@code model} (null: the one the index recorded) and the textness
     * direction of {@code textnessFile} (null: a folder's textness.json, if any), loaded with {@code options}.
     */
    ClipSearchService openService(Path model, Path textnessFile, Clip.Options options);

    static IndexLocation folder(Path dir) {
        return new Folder(dir);
    }

    static IndexLocation solr(SolrTarget target) {
        return new Solr(target);
    }

    record Folder(Path dir) implements IndexLocation {
        @Override
        public String name() {
            return dir.toString();
        }

        @Override
        public boolean exists() {
            return Files.isDirectory(dir) && IndexCommand.hasIndexFiles(dir);
        }

        @Override
        public ImageStore openForReading() {
            return VectorStore.openForReading(dir);
        }

        @Override
        public ImageStore openForWriting(ModelIdentity model, ImageStore.Quantization quantization) {
            return VectorStore.openForWriting(dir, model, quantization);
        }

        @Override
        public ClipSearchService openService(Path model, Path textnessFile, Clip.Options options) {
            return ClipSearchService.open(dir, model, textnessFile, options);
        }
    }

    record Solr(SolrTarget target) implements IndexLocation {
        @Override
        public String name() {
            return target.toString();
        }

        @Override
        public boolean exists() {
            return SolrImageStore.isIndex(target);
        }

        @Override
        public ImageStore openForReading() {
            return SolrImageStore.openForReading(target);
        }

        @Override
        public ImageStore openForWriting(ModelIdentity model, ImageStore.Quantization quantization) {
            return SolrImageStore.openForWriting(target, model, quantization);
        }

        @Override
        public ClipSearchService openService(Path model, Path textnessFile, Clip.Options options) {
            SolrImageStore store = SolrImageStore.openForReading(target);
            try {
                Path modelPath = model != null ? model : store.meta().model().modelPath();
                if (model == null && !Files.exists(modelPath)) {
                    throw new Clip4jException(
                            modelPath + ": model recorded in the collection is not on this machine; pass --model PATH");
                }
                TextnessDirection textness = textnessFile != null ? TextnessDirection.load(textnessFile) : null;
                Clip clip = Clip.load(modelPath, options);
                try {
                    return new ClipSearchService(
                            clip, true, store, textness, Path.of("").toAbsolutePath());
                } catch (RuntimeException e) {
                    clip.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
    }
}
