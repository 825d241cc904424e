package io.clip4j.server;

import io.clip4j.cli.Main;
import io.clip4j.cli.ServeCommand;

/**
 * {@code clip4j} with {@code serve} opening the test index instead of a real one: lets tests run the real command
 * in a child JVM (to send it SIGTERM) and serves the browser test. Run from the project folder.
 */
public final class FakeIndexServeMain {
    private FakeIndexServeMain() {}

    public static void main(String[] args) {
        ServeCommand.opener = dir -> TestIndex.images(true);
        Main.main(args);
    }
}
