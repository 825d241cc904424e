package io.clip4j.cli;

/** Entry point of the {@code clip4j} command (placeholder until the subcommands land). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("clip4j");
    }
}
