package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.solr.SolrTarget;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --solr URL --collection NAME}: a SolrCloud collection instead of an index folder. */
final class SolrOptions {
    @Option(
            names = "--solr",
            paramLabel = "URL[,URL...]",
            description = "Use a SolrCloud collection instead of an index folder: the URL of one or more of its nodes "
                    + "(e.g. http://localhost:8983/solr; one that answers is enough). Needs --collection.")
    String solr;

    @Option(names = "--collection", paramLabel = "NAME", description = "The Solr collection (with --solr).")
    String collection;

    /** The collection, or empty for an index folder; bad usage when only one of --solr and --collection is given, or --index too. */
    Optional<SolrTarget> target(CommandSpec spec, Path index) {
        if (solr == null && collection == null) return Optional.empty();
        Usage.require(solr != null, spec, "--collection needs --solr URL");
        Usage.require(collection != null, spec, "--solr needs --collection NAME");
        Usage.require(index == null, spec, "--index and --solr exclude each other");
        try {
            return Optional.of(SolrTarget.parse(solr, collection));
        } catch (Clip4jException e) {
            throw Usage.error(spec, e.getMessage());
        }
    }

    /** Where the index is: the collection of --solr, else {@code index}, else the per-user index folder. */
    IndexLocation location(CommandSpec spec, Path index) {
        return target(spec, index)
                .map(IndexLocation::solr)
                .orElseGet(() -> IndexLocation.folder(index != null ? index : Main.defaultIndex(spec)));
    }
}
