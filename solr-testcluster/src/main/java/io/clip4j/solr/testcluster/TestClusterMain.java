package io.clip4j.solr.testcluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a SolrCloud cluster (an embedded ZooKeeper and N Solr nodes) until told to stop, for tests that must not
 * share a JVM with Solr's Lucene 9.
 *
 * <pre>
 * java -cp ... io.clip4j.solr.testcluster.TestClusterMain --nodes 2 --dir DIR [--config NAME=CONFDIR]...
 * </pre>
 *
 * <p>It prints {@code zk HOST:PORT}, one {@code node I URL} per node and then {@code ready}. Then it reads commands
 * from stdin, one a line, and answers each with one line: {@code stop I} (answers {@code stopped I}), {@code start
 * I} ({@code started I URL}), {@code quit} ({@code bye}, then it exits). It also exits when stdin closes, so that a
 * test JVM that dies takes its cluster with it. A failed command answers {@code error MESSAGE}.
 */
public final class TestClusterMain {
    private final MiniSolrCloudCluster cluster;
    private final List<JettySolrRunner> nodes;
    private final PrintStream out;

    private TestClusterMain(MiniSolrCloudCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.nodes = new ArrayList<>(cluster.getJettySolrRunners());
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int nodeCount = 2;
        Path dir = null;
        Map<String, Path> configs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodeCount = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--config" -> {
                    String[] kv = args[++i].split("=", 2);
                    configs.put(kv[0], Path.of(kv[1]));
                }
                default -> {
                    System.err.println("testcluster: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (dir == null) dir = Files.createTempDirectory("clip4j-testcluster");
        Files.createDirectories(dir);
        // Solr warns at ERROR level without a log folder; the cluster's log is its stderr
        System.setProperty("solr.log.dir", dir.toAbsolutePath().toString());
        // the protocol's lines must not mix with what Solr prints: they get their own stream, and System.out
        // (where some of Solr's start-up messages go) is sent to stderr
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        MiniSolrCloudCluster.Builder builder = new MiniSolrCloudCluster.Builder(nodeCount, dir);
        for (Map.Entry<String, Path> c : configs.entrySet()) builder.addConfig(c.getKey(), c.getValue());
        MiniSolrCloudCluster cluster = builder.build();
        TestClusterMain main = new TestClusterMain(cluster, protocol);
        Runtime.getRuntime().addShutdownHook(new Thread(main::shutdownQuietly, "testcluster-shutdown"));
        main.announce();
        main.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        main.shutdownQuietly();
        protocol.println("bye");
        System.exit(0);
    }

    private void announce() {
        out.println("zk " + cluster.getZkServer().getZkAddress());
        for (int i = 0; i < nodes.size(); i++)
            out.println("node " + i + " " + nodes.get(i).getBaseUrl());
        out.println("ready");
    }

    private void serve(BufferedReader in) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            try {
                switch (words[0]) {
                    case "stop" -> {
                        int i = Integer.parseInt(words[1]);
                        JettySolrRunner stopped = cluster.stopJettySolrRunner(nodes.get(i));
                        cluster.waitForJettyToStop(stopped);
                        out.println("stopped " + i);
                    }
                    case "start" -> {
                        int i = Integer.parseInt(words[1]);
                        JettySolrRunner started = cluster.startJettySolrRunner(nodes.get(i), true);
                        cluster.waitForNode(started, 60);
                        nodes.set(i, started);
                        out.println("started " + i + " " + started.getBaseUrl());
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("error unknown command: " + line);
                }
            } catch (Exception e) {
                out.println(
                        String.format(Locale.ROOT, "error %s: %s", words[0], e).replaceAll("\\s+", " "));
            }
        }
    }

    private boolean shutDown;

    private synchronized void shutdownQuietly() {
        if (shutDown) return;
        shutDown = true;
        try {
            cluster.shutdown();
        } catch (Exception e) {
            System.err.println("testcluster: shutdown: " + e);
        }
    }
}
