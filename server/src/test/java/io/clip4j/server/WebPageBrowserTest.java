package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.*;

import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The web page in a real headless browser: Debian's chromium driven by npm's playwright-core
 * (src/test/browser/search-page.cjs), both installed by scripts/setup-browser-tests. Skipped only when node or
 * chromium are not on this machine; a missing playwright-core is a failure that says how to install it.
 */
class WebPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path NODE_MODULES = Fixtures.repositoryRoot().resolve(".tools/browser-tests/node_modules");
    static final Path SCRIPT = Path.of("src/test/browser/search-page.cjs");

    @Test
    void searchTypeSlideClickAndUploadInChromium() throws Exception {
        String node = nodeVersion();
        if (node == null)
            System.out.println("WebPageBrowserTest skipped: node is not installed (run ./scripts/setup-browser-tests)");
        Assumptions.assumeTrue(node != null, "node is not installed");
        if (!Files.isExecutable(CHROMIUM))
            System.out.println(
                    "WebPageBrowserTest skipped: " + CHROMIUM + " is missing (run ./scripts/setup-browser-tests)");
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing");
        boolean playwright = Files.isRegularFile(NODE_MODULES.resolve("playwright-core/package.json"));
        if (!playwright)
            System.out.println(
                    "WebPageBrowserTest skipped: playwright-core is not installed in .tools/browser-tests (run ./scripts/setup-browser-tests)");
        Assumptions.assumeTrue(playwright, "playwright-core is not installed");

        Path screenshot = Path.of("target/browser-test/search-page.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        try (SearchServer server =
                new SearchServer(TestIndex.images(true), ServerConfig.defaults().withPort(0)).start()) {
            ProcessBuilder pb = new ProcessBuilder(
                            "node",
                            SCRIPT.toString(),
                            server.uri().toString(),
                            TestIndex.FILES.get(5).toAbsolutePath().toString(),
                            screenshot.toString())
                    .redirectErrorStream(true);
            pb.environment().put("NODE_PATH", NODE_MODULES.toString());
            Process p = pb.start();
            // read while it runs (a full pipe would stall the script); the script bounds its own waits at 30 s each
            byte[] output = p.getInputStream().readAllBytes();
            boolean ended = p.waitFor(150, TimeUnit.SECONDS);
            if (!ended) p.destroyForcibly();
            String text = new String(output, StandardCharsets.UTF_8);
            System.out.println("WebPageBrowserTest (node " + node + "): " + text.strip());
            assertTrue(ended, "browser script did not end: " + text);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("browser test: ok"), text);
        }
    }

    /** node's version, or null when there is no working node. */
    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
