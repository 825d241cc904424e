package io.clip4j.cli;

import io.clip4j.search.SearchService;
import java.nio.file.Path;

/** Lets tests in other packages open an index the way `clip4j serve` does. */
public final class ServeCommandAccess {
    private ServeCommandAccess() {}

    public static SearchService open(Path index) {
        return ServeCommand.openIndex(index);
    }
}
