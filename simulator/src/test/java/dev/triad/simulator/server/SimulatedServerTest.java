package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.chat;
import static dev.triad.simulator.server.ServerTestSupport.chunkViolations;
import static dev.triad.simulator.server.ServerTestSupport.completionViolations;
import static dev.triad.simulator.server.ServerTestSupport.events;
import static dev.triad.simulator.server.ServerTestSupport.get;
import static dev.triad.simulator.server.ServerTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint over real loopback sockets, and the OpenAI format of what they answer. */
class SimulatedServerTest {

    private static final String SYSTEM = "You are a helpful assistant. Answer in one sentence.";

    private static SimulatedServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = SimulatedServer.start(ServerTestSupport.zero().replicas(2).build());
        http = ServerTestSupport.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void replicasListenOnConsecutiveDistinctPorts() {
        assertThat(server.ports()).hasSize(2).doesNotHaveDuplicates();
        assertThat(server.baseUrls().get(1).toString())
                .isEqualTo("http://127.0.0.1:" + server.ports().get(1) + "/v1");
    }

    @Test
    void healthSaysOkAndSimulatedOnEveryReplica() throws Exception {
        for (int replica = 0; replica < 2; replica++) {
            HttpResponse<String> response = get(http, server, replica, "/health");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            JsonNode body = parse(response.body());
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.path("simulated").asBoolean()).isTrue();
            assertThat(body.path("replica").asInt()).isEqualTo(replica);
            assertThat(response.headers().firstValue("x-triad-simulated")).hasValue("true");
        }
    }

    @Test
    void modelsListsTheConfiguredModelName() throws Exception {
        HttpResponse<String> response = get(http, server, 0, "/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = parse(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(1);
        assertThat(body.path("data").get(0).path("id").asText()).isEqualTo("triad-sim");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
    }

    @Test
    void unknownRouteAndWrongMethodGetOpenAiErrors() throws Exception {
        HttpResponse<String> missing = get(http, server, 0, "/v1/completions");
        HttpResponse<String> wrongMethod = get(http, server, 0, "/v1/chat/completions");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(parse(missing.body()).path("error").path("message").asText())
                .contains("/v1/chat/completions");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(parse(wrongMethod.body()).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
    }

    @Test
    void chatCompletionHasEveryOpenAiField() throws Exception {
        List<ChatMessage> messages =
                List.of(ChatMessage.system(SYSTEM), ChatMessage.user("What is 2 + 2?"));

        HttpResponse<String> response =
                chat(http, server, body("my-model", messages, false, false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = parse(response.body());
        assertThat(completionViolations(body)).isEmpty();
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong())
                .isCloseTo(
                        System.currentTimeMillis() / 1000,
                        org.assertj.core.data.Offset.offset(60L));
        assertThat(body.path("model").asText()).isEqualTo("my-model");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        String content = choice.path("message").path("content").asText();
        assertThat(parse(content).path("reply").asText()).contains("SIMULATED");
        JsonNode usage = body.path("usage");
        Encoding cl100k =
                Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        assertThat(usage.path("prompt_tokens").asInt())
                .isEqualTo(
                        cl100k.countTokensOrdinary(SYSTEM)
                                + cl100k.countTokensOrdinary("What is 2 + 2?"));
        assertThat(usage.path("completion_tokens").asInt())
                .isEqualTo(cl100k.countTokensOrdinary(content));
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(
                        usage.path("prompt_tokens").asInt()
                                + usage.path("completion_tokens").asInt());
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").isInt()).isTrue();
    }

    @Test
    void streamedCompletionSendsChunksUsageAndDone() throws Exception {
        List<ChatMessage> messages =
                List.of(ChatMessage.system(SYSTEM), ChatMessage.user("Stream me a reply."));
        String plain =
                parse(chat(http, server, body("triad-sim", messages, false, false)).body())
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText();

        HttpResponse<String> response = chat(http, server, body("triad-sim", messages, true, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse(""))
                .startsWith("text/event-stream");
        List<String> events = events(response.body());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                events.subList(0, events.size() - 1).stream()
                        .map(ServerTestSupport::parse)
                        .toList();
        for (JsonNode chunk : chunks) {
            assertThat(chunkViolations(chunk)).as(chunk.toString()).isEmpty();
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asText()).isEqualTo(chunks.get(0).path("id").asText());
        }
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText())
                .isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : chunks) {
            for (JsonNode choice : chunk.path("choices")) {
                content.append(choice.path("delta").path("content").asText(""));
            }
        }
        assertThat(content.toString()).isEqualTo(plain);
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.path("usage").isNull())
                    .as("usage: null before the last chunk")
                    .isTrue();
        }
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isPositive();
        assertThat(usage.path("usage").path("prompt_tokens_details").has("cached_tokens")).isTrue();
        assertThat(chunks.size()).isGreaterThan(3);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() throws Exception {
        HttpResponse<String> response =
                chat(
                        http,
                        server,
                        body(
                                "triad-sim",
                                List.of(
                                        ChatMessage.system(SYSTEM),
                                        ChatMessage.user("No usage, please.")),
                                true,
                                false));

        List<String> events = events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        for (String event : events.subList(0, events.size() - 1)) {
            assertThat(parse(event).has("usage")).isFalse();
            assertThat(parse(event).path("choices")).hasSize(1);
        }
    }

    @Test
    void maxTokensCutsTheReplyWithFinishReasonLength() throws Exception {
        String request =
                Json.mapper()
                        .writeValueAsString(
                                Map.of(
                                        "model",
                                        "triad-sim",
                                        "max_tokens",
                                        3,
                                        "messages",
                                        List.of(Map.of("role", "user", "content", "Say a lot."))));

        JsonNode body = parse(chat(http, server, request).body());

        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void contentAsTextPartsIsAccepted() throws Exception {
        String request =
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\":"
                        + " \"text\", \"text\": \"Hello\"}]}]}";

        HttpResponse<String> response = chat(http, server, request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parse(response.body()).path("usage").path("prompt_tokens").asInt()).isEqualTo(1);
    }

    @Test
    void badRequestsGet400WithTheParameter() throws Exception {
        HttpResponse<String> notJson = chat(http, server, "{\"model\": ");
        HttpResponse<String> noMessages =
                chat(http, server, "{\"model\": \"m\", \"messages\": []}");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(parse(notJson.body()).path("error").path("message").asText())
                .contains("not valid JSON");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(parse(noMessages.body()).path("error").path("param").asText())
                .isEqualTo("messages");
    }

    @Test
    void promptLongerThanTheContextGets400ContextLengthExceeded() throws Exception {
        try (SimulatedServer small =
                SimulatedServer.start(ServerTestSupport.zero().maxModelLen(10).build())) {
            HttpResponse<String> response =
                    chat(
                            http,
                            small,
                            body(SYSTEM, "This prompt is longer than ten tokens, surely."));

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = parse(response.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText())
                    .contains("maximum context length is 10 tokens");
        }
    }

    @Test
    void metricsAreInPrometheusTextFormatAndCountRequests() throws Exception {
        String before = get(http, server, 1, "/metrics").body();
        HttpRequest chat = ServerTestSupport.chatRequest(server, 1, body(SYSTEM, "Count me."));
        assertThat(http.send(chat, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);

        HttpResponse<String> response = get(http, server, 1, "/metrics");

        assertThat(response.headers().firstValue("content-type").orElse(""))
                .startsWith("text/plain; version=0.0.4");
        String after = response.body();
        assertThat(after)
                .contains("# TYPE vllm:num_requests_running gauge")
                .contains("vllm:num_requests_running{model_name=\"triad-sim\",replica=\"1\"} 0")
                .contains("vllm:num_requests_waiting{model_name=\"triad-sim\",replica=\"1\"} 0")
                .contains("# TYPE vllm:gpu_prefix_cache_hit_rate gauge")
                .contains("# TYPE triad_sim_requests_total counter");
        assertThat(
                        sample(
                                after,
                                "triad_sim_requests_total{model_name=\"triad-sim\",replica=\"1\",code=\"200\"}"))
                .isEqualTo(
                        sample(
                                        before,
                                        "triad_sim_requests_total{model_name=\"triad-sim\",replica=\"1\",code=\"200\"}")
                                + 1);
        assertThat(
                        sample(
                                after,
                                "vllm:prompt_tokens_total{model_name=\"triad-sim\",replica=\"1\"}"))
                .isGreaterThan(
                        sample(
                                before,
                                "vllm:prompt_tokens_total{model_name=\"triad-sim\",replica=\"1\"}"));
        for (String line : after.split("\n")) {
            assertThat(line).matches("(# (HELP|TYPE) \\S+ .+)|([a-z_:]+\\{[^}]*\\} -?[0-9.eE+-]+)");
        }
    }

    /** The value of one sample line, 0 when absent. */
    static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }
}
