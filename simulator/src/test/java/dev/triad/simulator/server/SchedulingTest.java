package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.await;
import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.chat;
import static dev.triad.simulator.server.ServerTestSupport.chatAsync;
import static dev.triad.simulator.server.ServerTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The replica's scheduler, latency model and prefix cache, seen from the client. */
class SchedulingTest {

    /** A system prompt of several hundred tokens, shared by the requests of one question. */
    private static final String LONG_SYSTEM =
            "You are the solver in a decompose-solve-verify team. ".repeat(40);

    private final HttpClient http = ServerTestSupport.client();

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        ServerSettings settings =
                ServerTestSupport.zero()
                        .profile("tiny")
                        .maxNumSeqs(1)
                        .maxWaiting(1)
                        .prefillOverheadMs(600_000)
                        .build();
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            CompletableFuture<HttpResponse<String>> running =
                    chatAsync(http, server, body("s", "first"));
            await("one sequence runs", () -> server.stats(0).running() == 1);
            CompletableFuture<HttpResponse<String>> waiting =
                    chatAsync(http, server, body("s", "second"));
            await("one request waits", () -> server.stats(0).waiting() == 1);

            HttpResponse<String> rejected = chat(http, server, body("s", "third"));

            assertThat(rejected.statusCode()).isEqualTo(429);
            assertThat(rejected.headers().firstValue("retry-after")).isPresent();
            assertThat(Integer.parseInt(rejected.headers().firstValue("retry-after").get()))
                    .isBetween(1, Replica.MAX_RETRY_AFTER_SECONDS);
            JsonNode error = parse(rejected.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("message").asText()).contains("max-num-seqs 1");
            assertThat(server.stats(0).requests("429")).isEqualTo(1);
            assertThat(running).isNotDone();
            assertThat(waiting).isNotDone();
        }
    }

    @Test
    void waitingRequestsRunOneAtATimeAsSlotsFree() throws Exception {
        ServerSettings settings =
                ServerTestSupport.zero().maxNumSeqs(1).maxWaiting(10).prefillOverheadMs(40).build();
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(chatAsync(http, server, body("s", "request " + i)));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            // One slot: the four prefills cannot overlap.
            assertThat(elapsedMs).isGreaterThanOrEqualTo(4 * 40);
            assertThat(server.stats(0).requests("200")).isEqualTo(4);
            assertThat(server.stats(0).running()).isZero();
            assertThat(server.stats(0).waiting()).isZero();
            assertThat(server.stats(0).runningSeconds()).isGreaterThanOrEqualTo(4 * 0.040);
        }
    }

    @Test
    void latencyIsPrefillThenOneIntervalPerToken() throws Exception {
        ServerSettings settings =
                ServerTestSupport.zero()
                        .prefillOverheadMs(50)
                        .prefillPerTokenUs(100)
                        .interTokenMs(5)
                        .prefixCache(false)
                        .build();
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            long start = System.nanoTime();
            HttpResponse<String> response = chat(http, server, body(LONG_SYSTEM, "How long?"));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            JsonNode usage = parse(response.body()).path("usage");
            double expected =
                    50
                            + usage.path("prompt_tokens").asInt() * 0.1
                            + (usage.path("completion_tokens").asInt() - 1) * 5;
            assertThat((double) elapsedMs).isGreaterThanOrEqualTo(expected);
        }
    }

    @Test
    void streamedTokensArriveOneInterTokenIntervalApart() throws Exception {
        ServerSettings settings =
                ServerTestSupport.zero().prefillOverheadMs(30).interTokenMs(4).build();
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            List<Long> arrivals = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            long start = System.nanoTime();
            HttpResponse<Stream<String>> response =
                    http.send(
                            ServerTestSupport.chatRequest(
                                    server,
                                    0,
                                    body(
                                            "m",
                                            List.of(ChatMessage.user("Stream slowly.")),
                                            true,
                                            true)),
                            HttpResponse.BodyHandlers.ofLines());
            response.body()
                    .filter(line -> line.startsWith("data: "))
                    .forEach(
                            line -> {
                                arrivals.add(System.nanoTime());
                                lines.add(line);
                            });

            int tokens =
                    parse(lines.get(lines.size() - 2).substring("data: ".length()))
                            .path("usage")
                            .path("completion_tokens")
                            .asInt();
            assertThat(tokens).isGreaterThan(5);
            assertThat((arrivals.get(0) - start) / 1e6).isGreaterThanOrEqualTo(30);
            // Arrival of the first token to the end: at least (tokens - 1) intervals, less the
            // first chunk's delivery delay (generously, half of it).
            double streamingMs = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e6;
            assertThat(streamingMs).isGreaterThanOrEqualTo((tokens - 1) * 4 * 0.5);
            assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        ServerSettings settings = ServerTestSupport.zero().prefillOverheadMs(30).build();
        try (SimulatedServer server = SimulatedServer.start(settings);
                Socket socket = new Socket("127.0.0.1", server.ports().get(0))) {
            socket.setSoTimeout(20_000);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                byte[] json = body("s", "pipelined " + i).getBytes(StandardCharsets.UTF_8);
                requests.append("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
                        .append(i == 2 ? "Connection: close\r\n" : "")
                        .append("Content-Type: application/json\r\nContent-Length: ")
                        .append(json.length)
                        .append("\r\n\r\n")
                        .append(new String(json, StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();

            String responses =
                    new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            Matcher status = Pattern.compile("HTTP/1.1 (\\d+)").matcher(responses);
            List<String> codes = new ArrayList<>();
            while (status.find()) {
                codes.add(status.group(1));
            }
            assertThat(codes).containsExactly("200", "200", "200");
            Matcher ids = Pattern.compile("\"id\":\"chatcmpl-sim-0-(\\w+)\"").matcher(responses);
            List<Long> order = new ArrayList<>();
            while (ids.find()) {
                order.add(Long.parseLong(ids.group(1), 16));
            }
            assertThat(order).hasSize(3).isSorted();
        }
    }

    @Test
    void secondRequestSharingALongPrefixHasCachedTokens() throws Exception {
        try (SimulatedServer server = SimulatedServer.start(ServerTestSupport.zero().build())) {
            JsonNode first = parse(chat(http, server, body(LONG_SYSTEM, "First question?")).body());
            JsonNode second =
                    parse(chat(http, server, body(LONG_SYSTEM, "Second question?")).body());

            int prompt = second.path("usage").path("prompt_tokens").asInt();
            int systemBlocks = (prompt - 5) / PrefixCache.BLOCK_TOKENS;
            assertThat(cached(first)).isZero();
            assertThat(cached(second))
                    .isPositive()
                    .isGreaterThanOrEqualTo((systemBlocks - 1) * PrefixCache.BLOCK_TOKENS);
            assertThat(cached(second) % PrefixCache.BLOCK_TOKENS).isZero();
            assertThat(cached(second)).isLessThan(prompt);
            assertThat(server.stats(0).prefixHitTokens()).isEqualTo(cached(second));
        }
    }

    @Test
    void cachedTokensStayZeroWithThePrefixCacheOff() throws Exception {
        try (SimulatedServer server =
                SimulatedServer.start(ServerTestSupport.zero().prefixCache(false).build())) {
            JsonNode first = parse(chat(http, server, body(LONG_SYSTEM, "First question?")).body());
            JsonNode second =
                    parse(chat(http, server, body(LONG_SYSTEM, "Second question?")).body());

            assertThat(cached(first)).isZero();
            assertThat(cached(second)).isZero();
            assertThat(server.stats(0).prefixQueryTokens()).isZero();
        }
    }

    @Test
    void eachReplicaHasItsOwnPrefixCache() throws Exception {
        try (SimulatedServer server =
                SimulatedServer.start(ServerTestSupport.zero().replicas(2).build())) {
            chat(http, server, body(LONG_SYSTEM, "Warm replica 0."));
            HttpResponse<String> onOther =
                    http.send(
                            ServerTestSupport.chatRequest(
                                    server, 1, body(LONG_SYSTEM, "On replica 1.")),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(cached(parse(onOther.body()))).isZero();
            assertThat(onOther.headers().firstValue("x-triad-replica")).hasValue("1");
        }
    }

    private static int cached(JsonNode completion) {
        return completion.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt();
    }
}
