package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.await;
import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.chat;
import static dev.triad.simulator.server.ServerTestSupport.completionViolations;
import static dev.triad.simulator.server.ServerTestSupport.events;
import static dev.triad.simulator.server.ServerTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every injected fault type, as the client sees it. */
class FaultInjectionTest {

    private static final String CHAT = body("You are a helpful assistant.", "Hello?");

    private final HttpClient http = ServerTestSupport.client();

    private static SimulatedServer serverWith(FaultType fault) throws IOException {
        return SimulatedServer.start(ServerTestSupport.zero().faultRate(1).faults(fault).build());
    }

    @ParameterizedTest
    @CsvSource({
        "RATE_LIMITED, 429, requests, rate_limit_exceeded",
        "SERVER_ERROR, 500, server_error, ",
        "UNAVAILABLE, 503, server_error, service_unavailable",
        "UNAUTHORIZED, 401, invalid_request_error, invalid_api_key",
        "CONTEXT_LENGTH, 400, invalid_request_error, context_length_exceeded"
    })
    void statusFaultsAnswerWithOpenAiErrors(FaultType fault, int status, String type, String code)
            throws Exception {
        try (SimulatedServer server = serverWith(fault)) {
            HttpResponse<String> response = chat(http, server, CHAT);

            assertThat(response.statusCode()).isEqualTo(status);
            JsonNode error = parse(response.body()).path("error");
            assertThat(error.path("message").asText()).contains("SIMULATED");
            assertThat(error.path("type").asText()).isEqualTo(type);
            assertThat(error.has("code")).isTrue();
            assertThat(error.path("code").isNull() ? null : error.path("code").asText())
                    .isEqualTo(code);
            assertThat(response.headers().firstValue("retry-after").isPresent())
                    .isEqualTo(fault == FaultType.RATE_LIMITED);
            assertThat(server.stats(0).requests(Integer.toString(status))).isEqualTo(1);
            assertThat(server.stats(0).faults()).containsEntry(fault, 1L);
            // The connection stays usable: a second request on it is answered too.
            assertThat(chat(http, server, CHAT).statusCode()).isEqualTo(status);
        }
    }

    @Test
    void hangNeverAnswersUntilTheClientGivesUp() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.HANG)) {
            HttpRequest request =
                    HttpRequest.newBuilder(
                                    ServerTestSupport.url(server, 0, ReplicaHandler.PATH_CHAT))
                            .timeout(Duration.ofMillis(300))
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                            .build();

            assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(server.stats(0).requests("none")).isEqualTo(1);
            await(
                    "the client's closed connection ends the hang",
                    () -> server.stats(0).hanging() == 0);
        }
    }

    @Test
    void hangHoldsTheConnectionOpen() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.HANG);
                Socket socket = rawPost(server, CHAT)) {
            await("the request hangs", () -> server.stats(0).hanging() == 1);
            assertThat(server.openConnections()).isEqualTo(1);
            socket.setSoTimeout(200);
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void resetClosesTheConnectionAbruptly() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.RESET)) {
            assertThatThrownBy(() -> chat(http, server, CHAT)).isInstanceOf(IOException.class);

            try (Socket socket = rawPost(server, CHAT)) {
                assertThatThrownBy(() -> readAll(socket.getInputStream()))
                        .isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
            }
            assertThat(server.stats(0).faults()).containsEntry(FaultType.RESET, 2L);
        }
    }

    @Test
    void truncatedBodyPromisesMoreThanItSends() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.TRUNCATED)) {
            assertThatThrownBy(() -> chat(http, server, CHAT)).isInstanceOf(IOException.class);

            try (Socket socket = rawPost(server, CHAT)) {
                String response =
                        new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
                int split = response.indexOf("\r\n\r\n");
                Matcher length =
                        Pattern.compile("(?i)content-length: (\\d+)")
                                .matcher(response.substring(0, split));
                assertThat(length.find()).isTrue();
                int sent = response.substring(split + 4).getBytes(StandardCharsets.UTF_8).length;
                assertThat(sent).isPositive().isLessThan(Integer.parseInt(length.group(1)));
            }
        }
    }

    @Test
    void truncatedStreamEndsWithoutDone() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.TRUNCATED)) {
            String stream = body("m", List.of(ChatMessage.user("Stream, please.")), true, true);
            assertThatThrownBy(() -> chat(http, server, stream)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void malformedBodyIs200ButNotJson() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.MALFORMED)) {
            HttpResponse<String> response = chat(http, server, CHAT);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThatThrownBy(() -> Json.mapper().readTree(response.body()))
                    .isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void malformedStreamHasAChunkThatIsNotJson() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.MALFORMED)) {
            HttpResponse<String> response =
                    chat(
                            http,
                            server,
                            body("m", List.of(ChatMessage.user("Stream, please.")), true, false));

            assertThat(response.statusCode()).isEqualTo(200);
            List<String> bad = new ArrayList<>();
            for (String event : events(response.body())) {
                if (!event.equals("[DONE]")) {
                    try {
                        Json.mapper().readTree(event);
                    } catch (JsonProcessingException e) {
                        bad.add(event);
                    }
                }
            }
            assertThat(bad).hasSize(1);
        }
    }

    @Test
    void emptyChoicesIsAWellFormedCompletionWithNoChoices() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.EMPTY_CHOICES)) {
            HttpResponse<String> response = chat(http, server, CHAT);

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = parse(response.body());
            assertThat(completionViolations(body)).isEmpty();
            assertThat(body.path("choices").isArray()).isTrue();
            assertThat(body.path("choices")).isEmpty();
        }
    }

    @Test
    void theSameSeedGivesTheSameFaultsInTheSameOrder() throws Exception {
        ServerSettings settings =
                ServerTestSupport.zero()
                        .faultRate(0.4)
                        .faults(
                                FaultType.SERVER_ERROR,
                                FaultType.UNAVAILABLE,
                                FaultType.RATE_LIMITED)
                        .seed(3)
                        .build();
        List<Integer> first = statuses(settings, 30);
        List<Integer> second = statuses(settings, 30);

        assertThat(first).isEqualTo(second).contains(200, 500, 503, 429);
    }

    @Test
    void faultTypesAreCountedInMetrics() throws Exception {
        try (SimulatedServer server = serverWith(FaultType.UNAVAILABLE)) {
            chat(http, server, CHAT);
            String metrics = ServerTestSupport.get(http, server, 0, "/metrics").body();

            assertThat(metrics)
                    .contains(
                            "triad_sim_faults_injected_total{model_name=\"triad-sim\",replica=\"0\",type=\"503\"} 1")
                    .contains(
                            "triad_sim_faults_injected_total{model_name=\"triad-sim\",replica=\"0\",type=\"hang\"} 0")
                    .contains(
                            "triad_sim_requests_total{model_name=\"triad-sim\",replica=\"0\",code=\"503\"} 1");
        }
    }

    private List<Integer> statuses(ServerSettings settings, int n) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            for (int i = 0; i < n; i++) {
                statuses.add(chat(http, server, CHAT).statusCode());
            }
        }
        return statuses;
    }

    /** Sends one chat request on a raw socket (to see bytes the HTTP client hides). */
    private static Socket rawPost(SimulatedServer server, String body) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.ports().get(0)), 5_000);
        socket.setSoTimeout(10_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(
                ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\nContent-Length: "
                                + bytes.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
