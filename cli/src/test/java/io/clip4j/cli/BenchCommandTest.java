package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.kernels.Parallel;
import io.clip4j.model.ClipConfig;
import io.clip4j.model.ModelFlops;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();

    @Test
    void reportsThroughputAndTheModelsFlops() {
        for (String what : new String[] {"image", "text"}) {
            CliRunner r = CliRunner.run(
                    "bench",
                    "--model",
                    VIT,
                    "--what",
                    what,
                    "--batch",
                    "3",
                    "--seconds",
                    "0.3",
                    "--tokens",
                    "7",
                    "--threads",
                    "1",
                    "--format",
                    "json");
            assertEquals(0, r.code(), r.err());
            JsonNode j = r.json();
            assertEquals(what, j.get("what").asText());
            assertEquals(3, j.get("batch").asInt());
            double ips = j.get("items_per_s").asDouble();
            assertTrue(ips > 0);
            assertEquals(1000 / ips, j.get("ms_per_item").asDouble(), 1e-6 * 1000 / ips);
            assertEquals(
                    ips * j.get("gflop_per_item").asDouble(),
                    j.get("gflops_per_s").asDouble(),
                    1e-9 * ips);
            assertEquals(3.0 * j.get("iterations").asInt() / j.get("seconds").asDouble(), ips, 1e-6 * ips);
            assertEquals(1, j.get("threads").asInt());
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void flopCountsFollowTheArchitecture() {
        ClipConfig b32 = new ClipConfig(
                512,
                224,
                new int[] {12},
                768,
                32,
                12,
                77,
                49408,
                512,
                8,
                12,
                true,
                ClipConfig.OPENAI_MEAN,
                ClipConfig.OPENAI_STD);
        // ViT-B/32: 8.8 GFLOP per image (the figure the issue quotes); a 77-token text under the causal mask:
        // 12 x (2*77*512*12*512 products + 4*(77*78/2)*512 attention) + 2*512*512 projection = 5.8876 GFLOP
        assertEquals(8.82, ModelFlops.image(b32) / 1e9, 0.01);
        assertEquals(5.8876, ModelFlops.text(b32, 77) / 1e9, 0.0001);
        assertTrue(ModelFlops.text(b32, 10) < ModelFlops.text(b32, 77) / 7);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliRunner.run("bench", "--model", VIT, "--what", "video").assertUsageError("--what");
        CliRunner.run("bench", "--model", VIT, "--what", "text", "--tokens", "100")
                .assertUsageError("--tokens");
        CliRunner.run("bench", "--model", VIT, "--what", "image", "--batch", "0")
                .assertUsageError("--batch");
        CliRunner.run("bench", "--model", VIT, "--what", "image", "--seconds", "0")
                .assertUsageError("--seconds");
        CliRunner.run("bench", "--model", VIT, "--what", "image", "--threads", "0")
                .assertUsageError("--threads");
    }
}
