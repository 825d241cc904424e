package io.clip4j.cli;

import io.clip4j.search.VectorStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * rclip's habit for {@code search}: the folder the user stands in is the photo library. When the index does not
 * cover the current folder, {@code --index-here} indexes it first (and a terminal is asked); the index's summary
 * goes to stderr so that stdout stays the results.
 */
final class CurrentFolder {
    private final CommandSpec spec;
    private final Path index;
    private final String model;
    private final Path here = Path.of("").toAbsolutePath().normalize();

    CurrentFolder(CommandSpec spec, Path index, String model) {
        this.spec = spec;
        this.index = index;
        this.model = model;
    }

    /** @return the exit status of the indexing (0 when nothing was indexed; 1 when some images failed; 2 bad usage) */
    int indexIfWanted(boolean indexHere) {
        boolean exists = Files.isDirectory(index) && IndexCommand.hasIndexFiles(index);
        if (exists && covered()) return 0;
        boolean go = indexHere || System.console() != null && asked(exists);
        if (!go) return 0;
        if (!exists && model == null) {
            throw Usage.error(spec, index + " is not an index yet: give --model to index " + here + " with");
        }
        List<String> args = new ArrayList<>(List.of("index", "--index", index.toString()));
        if (model != null) args.addAll(List.of("--model", model));
        args.add(here.toString());
        PrintWriter err = spec.commandLine().getErr();
        return Main.run(args.toArray(String[]::new), err, err, Main.environment(spec));
    }

    /** The current folder is under one of the index's folders and not under one of its exclusions. */
    private boolean covered() {
        try (VectorStore store = VectorStore.openForReading(index)) {
            for (Path e : store.excludes()) if (here.startsWith(e)) return false;
            for (Path r : store.roots()) if (here.startsWith(r.toAbsolutePath().normalize())) return true;
            return false;
        }
    }

    private boolean asked(boolean exists) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                Locale.ROOT,
                "%s is not in the index %s. Index it now? [y/N] ",
                here,
                exists ? index : "(there is none yet)");
        err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            return false;
        }
    }
}
