package io.clip4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same embeddings, bit for bit, whether the Vector API kernels run JIT-compiled (this JVM, warmed up) or
 * as the API's plain-Java fallback (a second JVM held at C1, which does not intrinsify vector operations) — so
 * an embedding does not change between the first calls of a process and the later ones.
 */
class TierIndependenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"vit-tiny", "rn-tiny"})
    void embeddingsDoNotDependOnTheJitTier(String model) throws IOException, InterruptedException {
        String here = null;
        for (int i = 0; i < 20; i++) here = TierProbe.embeddingBits(model); // let C2 compile the kernels
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "--add-modules=jdk.incubator.vector",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        TierProbe.class.getName(),
                        model))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, p.exitValue(), "probe JVM failed");
        assertEquals(here, out, model + ": JIT-compiled kernels vs the Vector API's Java fallback");
    }
}
