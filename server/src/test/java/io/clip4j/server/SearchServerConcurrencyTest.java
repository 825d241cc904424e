package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.*;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests do not wait on each other, and a graceful stop lets a search in flight finish. */
class SearchServerConcurrencyTest {
    static InMemorySearchService service(CountDownLatch entered, CountDownLatch release) {
        InMemorySearchService s = TestIndex.images(true);
        s.beforeSearch = q -> {
            if (q.equals("slow")) {
                entered.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS), "test never released the slow search");
            }
        };
        return s;
    }

    static CompletableFuture<HttpResponse<String>> async(HttpClient client, SearchServer server, String pathAndQuery) {
        return client.sendAsync(
                HttpRequest.newBuilder(server.uri().resolve(pathAndQuery))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void searchesAnswerWhileAnotherSearchIsStuckInTheService() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        try (SearchServer server = new SearchServer(
                        service(entered, release), ServerConfig.defaults().withPort(0))
                .start()) {
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> slow = async(client, server, "api/search?q=slow");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
            for (int i = 0; i < 12; i++) others.add(async(client, server, "api/search?q=cat" + i + "&k=1"));
            others.add(async(client, server, "api/image/img-0"));
            others.add(async(client, server, "healthz"));
            for (var f : others) assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
            assertFalse(slow.isDone(), "the slow search is still held in the service");
            release.countDown();
            assertEquals(200, slow.get(20, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void gracefulStopLetsTheSearchInFlightFinishThenRefusesConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        InMemorySearchService service = service(entered, release);
        SearchServer server = new SearchServer(service, ServerConfig.defaults().withPort(0)).start();
        URI base = server.uri();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> slow = async(client, server, "api/search?q=slow");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        Thread.sleep(200);
        assertFalse(stopping.isDone(), "stop waits for the search in flight");
        release.countDown();
        HttpResponse<String> answer = slow.get(20, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("\"results\""));
        stopping.get(20, TimeUnit.SECONDS);
        assertFalse(server.isRunning());
        HttpClient fresh = HttpClient.newHttpClient();
        assertThrows(
                IOException.class,
                () -> fresh.send(
                        HttpRequest.newBuilder(base.resolve("healthz")).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(0, service.closed.get(), "the server does not close the service it was given");
    }

    @Test
    void aPortInUseIsAOneLineUserError() {
        CountDownLatch never = new CountDownLatch(1);
        try (SearchServer first =
                new SearchServer(service(never, never), ServerConfig.defaults().withPort(0)).start()) {
            SearchServer second =
                    new SearchServer(first.service(), ServerConfig.defaults().withPort(first.port()));
            var e = assertThrows(Clip4jException.class, second::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
