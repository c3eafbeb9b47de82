package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.SEED;
import static dev.triad.model.openai.FleetSupport.assertAllSolved;
import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.outcomes;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.triad.model.ChatMessage;
import dev.triad.model.openai.QuestionRunner.Outcome;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.SimulationProfile;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code stream=true} against the simulated server over loopback sockets: streamed questions end
 * exactly as plain ones with the same seed, the time to first token is below the whole call's
 * latency on an {@code 8b-h100} replica, what the client parses is OpenAI's chunk format (validated
 * against its JSON schema), and every fault inside a stream is retried until the question finishes.
 */
class OpenAiClientStreamingTest {

    private static final JsonSchema CHUNK = schema("chat-completion-chunk.schema.json");
    private static final JsonSchema REQUEST = schema("chat-completion-request.schema.json");

    private static final Map<FaultType, OpenAiCallException.Kind> KIND =
            Map.of(
                    FaultType.SERVER_ERROR, OpenAiCallException.Kind.SERVER_ERROR,
                    FaultType.HANG, OpenAiCallException.Kind.TIMEOUT,
                    FaultType.RESET, OpenAiCallException.Kind.CONNECTION,
                    FaultType.MALFORMED, OpenAiCallException.Kind.BAD_RESPONSE,
                    FaultType.TRUNCATED, OpenAiCallException.Kind.CONNECTION,
                    FaultType.EMPTY_CHOICES, OpenAiCallException.Kind.BAD_RESPONSE);

    @Test
    void streamedQuestionsEndExactlyAsPlainOnesWithTheSameSeed() throws Exception {
        List<Question> questions = questions(8);
        // The realistic oracle, so rejections and re-decompositions happen on both sides.
        SimulatorSettings oracle = SimulatorSettings.profile(SimulatorSettings.PROFILE_DEFAULT);
        try (SimulatedServer plainServer =
                        SimulatedServer.start(zeroFleet(2, questions).oracle(oracle).build());
                SimulatedServer streamServer =
                        SimulatedServer.start(zeroFleet(2, questions).oracle(oracle).build());
                OpenAiCompatibleModel plain = open(binding(plainServer).build());
                OpenAiCompatibleModel streamed = open(binding(streamServer).stream(true).build())) {
            List<Outcome> a = outcomes(new QuestionRunner(plain, "lm2").runAll(questions));
            List<Outcome> b = outcomes(new QuestionRunner(streamed, "lm2").runAll(questions));

            for (int i = 0; i < questions.size(); i++) {
                assertThat(b.get(i).status()).isEqualTo(a.get(i).status());
                assertThat(b.get(i).answer()).isEqualTo(a.get(i).answer());
                assertThat(b.get(i).reason()).isEqualTo(a.get(i).reason());
                assertThat(b.get(i).endpoints()).hasSameSizeAs(a.get(i).endpoints());
            }
            Totals p = Totals.of(plain.stats());
            Totals s = Totals.of(streamed.stats());
            assertThat(s.calls).isEqualTo(p.calls).isPositive();
            assertThat(s.promptTokens).isEqualTo(p.promptTokens);
            assertThat(s.completionTokens).isEqualTo(p.completionTokens).isPositive();
            assertThat(s.streamed)
                    .as("every streamed call was read as a stream")
                    .isEqualTo(s.calls);
            assertThat(p.streamed).isZero();
            assertThat(s.timeToFirstTokens).isEqualTo(s.calls);
        }
    }

    @Test
    void timeToFirstTokenIsBelowTheWholeCallOnAn8bH100Replica() throws Exception {
        List<Question> questions = questions(3);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                ServerSettings.builder(ServerSettings.PROFILE_8B_H100)
                                        .port(0)
                                        .ioThreads(2)
                                        .replicas(1)
                                        .seed(SEED)
                                        .oracle(
                                                SimulatorSettings.profile(
                                                        SimulatorSettings.PROFILE_PERFECT))
                                        .questions(questions)
                                        .build());
                OpenAiCompatibleModel model = open(binding(server).stream(true).build())) {
            assertAllSolved(outcomes(new QuestionRunner(model, "lm2").runAll(questions)));

            EndpointStats stats = model.stats().get(0);
            LatencyHistogram ttft = stats.timeToFirstToken();
            LatencyHistogram latency = stats.latency();
            assertThat(ttft.count()).isEqualTo(stats.succeeded()).isEqualTo(latency.count());
            // Prefill takes at least its fixed overhead; decoding one token after another takes
            // (tokens - 1) x 12 ms more, so the first token comes well before the last.
            assertThat(ttft.percentileMillis(0))
                    .isGreaterThanOrEqualTo(SimulationProfile.H100_PREFILL_OVERHEAD_MS - 1);
            assertThat(ttft.p50Millis()).isLessThan(latency.p50Millis());
            assertThat(ttft.maxMillis()).isLessThan(latency.maxMillis());
            double decodeMs =
                    (stats.completionTokens() - stats.succeeded())
                            * SimulationProfile.H100_INTER_TOKEN_MS;
            assertThat((latency.meanMillis() - ttft.meanMillis()) * stats.succeeded())
                    .as("time after the first token, summed over the calls")
                    .isGreaterThanOrEqualTo(decodeMs * 0.9);
        }
    }

    @Test
    void theClientsRequestAndTheChunksItReadsAreOpenAiFormat() throws Exception {
        List<Question> questions = questions(1);
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, questions).build())) {
            List<ChatMessage> messages =
                    PromptLibrary.render(
                            "lm2",
                            dev.triad.reasoning.Lm2Purpose.CONCEPTS_AND_FIRST,
                            Map.of("question", questions.get(0).text()));
            byte[] body =
                    ChatWire.requestBody(
                            ServerSettings.DEFAULT_MODEL_NAME,
                            messages,
                            0.0,
                            512,
                            true,
                            ChatWire.responseFormat(
                                    StructuredOutput.JSON_SCHEMA,
                                    "lm2_concepts",
                                    dev.triad.reasoning.Lm2Purpose.CONCEPTS_AND_FIRST.replyFields(),
                                    0,
                                    0));
            assertThat(violations(REQUEST, Json.mapper().readTree(body))).isEmpty();

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    server.baseUrls().get(0) + "/chat/completions"))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElse(""))
                    .startsWith("text/event-stream");

            // Every event is a schema-valid chunk (or [DONE]); the deltas and the usage chunk
            // are what the client's reader must give back.
            StringBuilder deltas = new StringBuilder();
            JsonNode usage = null;
            String text = new String(response.body(), StandardCharsets.UTF_8);
            List<String> events = new ArrayList<>();
            for (String event : text.split("\n\n")) {
                assertThat(event).startsWith("data: ");
                events.add(event.substring("data: ".length()));
            }
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            for (String event : events.subList(0, events.size() - 1)) {
                JsonNode chunk = Json.mapper().readTree(event);
                assertThat(violations(CHUNK, chunk)).as(event).isEmpty();
                for (JsonNode choice : chunk.path("choices")) {
                    deltas.append(choice.path("delta").path("content").asText(""));
                }
                if (chunk.path("usage").isObject()) {
                    usage = chunk.path("usage");
                }
            }
            assertThat(usage).as("the usage chunk of include_usage").isNotNull();

            ChatStream.Result read = readInPieces(response.body(), 7);
            assertThat(read.reply().text()).isEqualTo(deltas.toString()).isNotEmpty();
            assertThat(read.reply().promptTokens()).isEqualTo(usage.path("prompt_tokens").asInt());
            assertThat(read.reply().completionTokens())
                    .isEqualTo(usage.path("completion_tokens").asInt());
            assertThat(read.chunks()).isEqualTo(events.size() - 1);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = FaultType.class,
            names = {"SERVER_ERROR", "HANG", "RESET", "MALFORMED", "TRUNCATED", "EMPTY_CHOICES"})
    void faultsInStreamsAreRetriedAndEveryQuestionFinishes(FaultType fault) throws Exception {
        List<Question> questions = questions(6);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(2, questions).faults(fault).faultRate(0.25).build());
                OpenAiCompatibleModel model =
                        open(
                                binding(server).stream(true)
                                        .maxAttempts(8)
                                        .callTimeout(Duration.ofMillis(400))
                                        .build())) {
            assertAllSolved(outcomes(new QuestionRunner(model, "lm2").runAll(questions)));

            assertThat(FleetSupport.faults(server)).as("faults injected").isPositive();
            long failures =
                    model.stats().stream().mapToLong(s -> s.failures(KIND.get(fault))).sum();
            assertThat(failures).as("failures of kind %s seen", KIND.get(fault)).isPositive();
            assertThat(model.stats().stream().mapToLong(EndpointStats::streamed).sum())
                    .isEqualTo(model.stats().stream().mapToLong(EndpointStats::succeeded).sum());
            if (fault == FaultType.HANG) {
                FleetSupport.await(
                        "no hung request is left on the server",
                        () -> server.stats(0).hanging() + server.stats(1).hanging() == 0);
            }
        }
    }

    /** The client's stream reader fed {@code bytes} in buffers of {@code size} bytes. */
    private static ChatStream.Result readInPieces(byte[] bytes, int size) throws Exception {
        ChatStream stream = new ChatStream("http://127.0.0.1/v1", ApiKey.NONE);
        List<Long> requested = new ArrayList<>();
        stream.onSubscribe(
                new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        requested.add(n);
                    }

                    @Override
                    public void cancel() {}
                });
        for (int from = 0; from < bytes.length; from += size) {
            int to = Math.min(bytes.length, from + size);
            stream.onNext(List.of(ByteBuffer.wrap(bytes, from, to - from)));
        }
        stream.onComplete();
        assertThat(requested).isNotEmpty();
        return stream.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String violations(JsonSchema schema, JsonNode node) {
        return schema.validate(node).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.joining("; "));
    }

    private static JsonSchema schema(String name) {
        try (InputStream in =
                OpenAiClientStreamingTest.class.getResourceAsStream("/openai/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sums over the replicas of one client. */
    private record Totals(
            long calls,
            long promptTokens,
            long completionTokens,
            long streamed,
            long timeToFirstTokens) {
        static Totals of(List<EndpointStats> stats) {
            long calls = 0;
            long prompt = 0;
            long completion = 0;
            long streamed = 0;
            long ttft = 0;
            for (EndpointStats s : stats) {
                calls += s.succeeded();
                prompt += s.promptTokens();
                completion += s.completionTokens();
                streamed += s.streamed();
                ttft += s.timeToFirstToken().count();
            }
            return new Totals(calls, prompt, completion, streamed, ttft);
        }
    }
}
