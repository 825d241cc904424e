package io.clip4j.solr;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SolrCloud cluster for tests: module clip4j-solr-testcluster's MiniSolrCloudCluster (an embedded
 * ZooKeeper and N Solr nodes), in a child JVM on that module's classpath, since Solr 9's Lucene 9 cannot share a
 * JVM with clip4j-search's Lucene 10. clip4j's configset is uploaded as {@code clip4j}. The child's log goes to
 * {@code cluster.log} in the cluster's folder.
 */
public final class SolrTestCluster implements AutoCloseable {
    public static final String CONFIGSET = "clip4j";
    private static final long START_SECONDS = 240, COMMAND_SECONDS = 120;

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> nodeUrls = new ArrayList<>();
    private final Path log;

    private SolrTestCluster(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) answers.add(line);
                    } catch (IOException ignored) {
                        // the child is gone; waiting callers time out with its log's name
                    }
                    answers.add("eof");
                },
                "testcluster-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a cluster of {@code nodes} nodes in {@code dir} and waits until it is ready. */
    public static SolrTestCluster start(int nodes, Path dir, String heap) throws IOException {
        Files.createDirectories(dir);
        String classpath = Files.readString(Path.of(required("clip4j.testcluster.classpath")))
                        .strip()
                + File.pathSeparator
                + required("clip4j.testcluster.classes");
        Path log = dir.resolve("cluster.log");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpath,
                "io.clip4j.solr.testcluster.TestClusterMain",
                "--nodes",
                Integer.toString(nodes),
                "--dir",
                dir.resolve("solr").toString(),
                "--config",
                CONFIGSET + "=" + required("clip4j.solr.configset"));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        SolrTestCluster c = new SolrTestCluster(p, log);
        try {
            while (true) {
                String line = c.next(START_SECONDS);
                if (line.startsWith("node ")) c.nodeUrls.add(line.split(" ")[2]);
                else if (line.equals("ready")) break;
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null)
            throw new IllegalStateException(
                    "system property " + property + " is not set (the build sets it: run through Maven)");
        return v;
    }

    private String next(long seconds) {
        try {
            String line = answers.poll(seconds, TimeUnit.SECONDS);
            if (line == null)
                throw new IllegalStateException("test cluster did not answer in " + seconds + " s; see " + log);
            if (line.equals("eof")) throw new IllegalStateException("test cluster exited; see " + log);
            if (line.startsWith("error "))
                throw new IllegalStateException("test cluster: " + line.substring(6) + "; see " + log);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<String> nodeUrls() {
        return List.copyOf(nodeUrls);
    }

    /** Every node's URL, comma-separated, as {@code --solr} takes them. */
    public String solrUrls() {
        return String.join(",", nodeUrls);
    }

    /** Stops node {@code i} (its Jetty, and so its replicas) and waits until it is down. */
    public void stopNode(int i) {
        command("stop " + i, "stopped " + i);
    }

    public void startNode(int i) {
        commands.println("start " + i);
        String line = next(COMMAND_SECONDS);
        if (!line.startsWith("started " + i))
            throw new IllegalStateException("test cluster: unexpected answer " + line);
        nodeUrls.set(i, line.split(" ")[2]);
    }

    private void command(String command, String expected) {
        commands.println(command);
        String line = next(COMMAND_SECONDS);
        if (!line.equals(expected))
            throw new IllegalStateException("test cluster: expected '" + expected + "', got '" + line + "'");
    }

    @Override
    public void close() {
        commands.println("quit");
        commands.close();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The cluster's log, for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
