package io.clip4j.server;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses HTTP queries with a term that names a file on the server. The query syntax of
 * {@link io.clip4j.search.SearchService#search} embeds a term naming an existing image file as that image; over
 * HTTP that would let a client probe the server's file system (and rank by any readable image), so uploads are
 * the only way to query by an image that is not indexed.
 *
 * <p>The exact term syntax belongs to the search service, so candidates are over-approximated: the whole query and
 * its pieces split at '+', at ' - ' and at every '+'/'-', each with an optional "weight:" prefix removed.
 */
final class FileTermGuard {
    private static final Pattern WEIGHT = Pattern.compile("^[+-]?\\s*[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?\\s*:");

    private FileTermGuard() {
    }

    static void check(String query) {
        for (String candidate : candidates(query)) {
            if (namesFile(candidate)) {
                throw HttpError.badRequest("q: terms naming files on the server are not accepted over HTTP "
                        + "('" + SearchParameters.clip(candidate) + "'); upload the image instead");
            }
        }
    }

    static Set<String> candidates(String query) {
        Set<String> out = new LinkedHashSet<>();
        add(out, query);
        for (String part : query.split("\\+")) add(out, part);
        for (String part : query.split("\\s-\\s")) add(out, part);
        for (String part : query.split("[+-]")) add(out, part);
        return out;
    }

    private static void add(Set<String> out, String piece) {
        String t = piece.strip();
        out.add(t);
        String unweighted = WEIGHT.matcher(t).replaceFirst("").strip();
        out.add(unweighted);
    }

    private static boolean namesFile(String candidate) {
        if (candidate.isEmpty()) return false;
        try {
            Path p = Path.of(candidate);
            return Files.isRegularFile(p);   // folders are no image terms; "dogs" may well be one here
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
