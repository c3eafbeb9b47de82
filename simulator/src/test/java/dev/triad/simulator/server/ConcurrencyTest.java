package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.chatAsync;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Thousands of open keep-alive connections on a couple of event-loop threads. */
class ConcurrencyTest {

    private static final int REQUESTS = 2_000;
    private static final int IO_THREADS = 2;

    @Test
    void twoThousandConcurrentRequestsAllAnswer200OnTwoThreads() throws Exception {
        ExecutorService clientThreads = Executors.newFixedThreadPool(2);
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .executor(clientThreads)
                        .build();
        try (SimulatedServer server =
                SimulatedServer.start(ServerTestSupport.zero().ioThreads(IO_THREADS).build())) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                calls.add(
                        chatAsync(
                                http,
                                server,
                                body("You are a helpful assistant.", "Question " + i)));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(120, TimeUnit.SECONDS);

            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertThat(call.join().statusCode()).isEqualTo(200);
            }
            assertThat(server.stats(0).requests("200")).isEqualTo(REQUESTS);
            // The client keeps its connections alive, so the server holds them all open at once.
            assertThat(server.openConnections()).isGreaterThan(REQUESTS / 2);
            long serverThreads =
                    Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().startsWith(SimulatedServer.THREAD_PREFIX))
                            .count();
            assertThat(serverThreads).isLessThanOrEqualTo(IO_THREADS);
        } finally {
            clientThreads.shutdownNow();
        }
    }
}
