package io.clip4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Bad usage (a missing, contradictory or out-of-range option): exit status 2, as picocli's own parse errors. */
final class Usage {
    private Usage() {}

    static ParameterException error(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Fails with {@code message} as a usage error unless {@code ok}. */
    static void require(boolean ok, CommandSpec spec, String message) {
        if (!ok) throw error(spec, message);
    }
}
