package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import io.clip4j.cli.ServeCommandAccess;
import io.clip4j.search.SearchService;
import io.clip4j.testing.Fixtures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `index` then the server over the real Lucene index: the HTTP answer equals the CLI's `search`. */
class RealIndexServeTest {
    @Test
    void serverAnswersFromAnIndexBuiltByTheCli(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("photos"));
        for (String f : new String[] {"chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"}) {
            Files.copy(TestCheckpoints.resource("image/" + f), images.resolve(f));
        }
        Path index = tmp.resolve("index");
        String model =
                TestCheckpoints.resource("models/vit-tiny").toAbsolutePath().toString();
        CliRunner built = CliRunner.run("index", "--model", model, "--index", index.toString(), images.toString());
        assertEquals(0, built.code(), built.err());
        JsonNode cli = CliRunner.run("search", "--index", index.toString(), "--format", "json", "--top", "4", "a cat")
                .json();

        HttpClient http = HttpClient.newHttpClient();
        try (SearchService service = ServeCommandAccess.open(index);
                SearchServer server =
                        new SearchServer(service, ServerConfig.defaults().withPort(0)).start()) {
            URI base = server.uri();
            String q = URLEncoder.encode("a cat", StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/search?k=4&q=" + q))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode results = Fixtures.JSON.readTree(r.body()).get("results");
            assertEquals(4, results.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        cli.get("results").get(i).get("path").asText(),
                        results.get(i).get("path").asText());
                assertEquals(
                        cli.get("results").get(i).get("score").asDouble(),
                        results.get(i).get("score").asDouble(),
                        1e-5);
            }
            // the real query parser behind the server: a quoted absolute path to an indexed file is still refused
            String attack = URLEncoder.encode(
                    "2:\"" + images.resolve("chelsea.png").toAbsolutePath() + "\"", StandardCharsets.UTF_8);
            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/search?q=" + attack))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("upload the image instead"), refused.body());

            String id = results.get(0).get("id").asText();
            HttpResponse<byte[]> img = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/image/" + id)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, img.statusCode());
            assertTrue(img.headers().firstValue("content-type").orElse("").startsWith("image/jpeg"));
        }
    }
}
