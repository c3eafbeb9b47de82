package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.assertAllSolved;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.totalRequests;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.langchain4j.LangChain4jBinding;
import dev.triad.model.langchain4j.LangChain4jChatModel;
import dev.triad.model.openai.QuestionRunner.Outcome;
import dev.triad.schemas.Question;
import dev.triad.schemas.Status;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole lm2 questions through each langchain4j provider's real client (langchain4j's
 * OpenAiChatModel, OllamaChatModel, AnthropicChatModel, GoogleAiGeminiChatModel) against the
 * simulated server on loopback, which answers each in its own wire format ({@code
 * /v1/chat/completions}, {@code /api/chat}, {@code /v1/messages}, {@code
 * /v1beta/models/MODEL:generateContent}) and checks the bodies the providers send. In this package
 * to reuse {@link QuestionRunner}, the operator's question loop without Flink.
 */
class LangChain4jProviderQuestionsTest {

    private static final String SECRET = "sk-sim-5f3c2a1b0e9d8c7b";
    private static final Map<String, String> ENV = Map.of("SIM_KEY", SECRET);

    /** The base URL of {@code provider}'s API on replica 0 of {@code server}. */
    private static String baseUrl(String provider, SimulatedServer server) {
        String v1 = server.baseUrls().get(0).toString();
        // Ollama's API hangs off the server's root, Gemini's off /v1beta, the others' off /v1.
        String root = v1.substring(0, v1.length() - "/v1".length());
        return switch (provider) {
            case "ollama" -> root;
            case "gemini" -> root + "/v1beta";
            default -> v1;
        };
    }

    /** The spec binding {@code provider} to replica 0 of {@code server}. */
    private static String spec(String provider, SimulatedServer server, String key) {
        return "langchain4j:"
                + provider
                + "?base-url="
                + baseUrl(provider, server)
                + "&model="
                + ServerSettings.DEFAULT_MODEL_NAME
                + key
                + "&concurrency=4&timeout=20s";
    }

    private static LangChain4jChatModel open(String provider, SimulatedServer server) {
        return LangChain4jBinding.parse(spec(provider, server, "&key-env=SIM_KEY"))
                .open(0, ENV::get);
    }

    /** One question after the other: the server's seeded fault draws then hit the same calls. */
    private static List<Outcome> runInTurn(AsyncChatModel model, List<Question> questions)
            throws Exception {
        QuestionRunner runner = new QuestionRunner(model, "lm2");
        List<Outcome> out = new ArrayList<>();
        for (Question q : questions) {
            out.add(runner.run(q).get(20, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Adds up the usage of every completed call. */
    private static final class Metered implements AsyncChatModel {
        final AsyncChatModel model;
        final AtomicLong promptTokens = new AtomicLong();
        final AtomicLong completionTokens = new AtomicLong();
        final List<String> endpoints = new java.util.concurrent.CopyOnWriteArrayList<>();

        Metered(AsyncChatModel model) {
            this.model = model;
        }

        @Override
        public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
            return model.complete(request)
                    .thenApply(
                            c -> {
                                promptTokens.addAndGet(c.promptTokens());
                                completionTokens.addAndGet(c.completionTokens());
                                endpoints.add(c.endpoint());
                                return c;
                            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "ollama", "anthropic", "gemini"})
    void lm2QuestionsAreSolvedWithTheServersUsage(String provider) throws Exception {
        List<Question> questions = questions(4);
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, questions).build());
                LangChain4jChatModel model = open(provider, server)) {
            Metered metered = new Metered(model);
            List<Outcome> outcomes =
                    FleetSupport.outcomes(new QuestionRunner(metered, "lm2").runAll(questions));

            assertAllSolved(outcomes);
            assertThat(outcomes).allSatisfy(o -> assertThat(o.answer()).isNotBlank());
            ReplicaStats stats = server.stats(0);
            assertThat(stats.requests("200")).isEqualTo(stats.requests()).isPositive();
            // The usage each call reports is what the server counted, in every format.
            assertThat(metered.promptTokens.get()).isPositive().isEqualTo(stats.promptTokens());
            assertThat(metered.completionTokens.get())
                    .isPositive()
                    .isEqualTo(stats.generationTokens());
            assertThat(metered.endpoints)
                    .allSatisfy(e -> assertThat(e).startsWith("langchain4j:" + provider + "@"));
        }
    }

    static Stream<Arguments> unauthorized() {
        return Stream.of(
                Arguments.of("openai", "&key-env=SIM_KEY", "Check key-env=SIM_KEY"),
                Arguments.of("anthropic", "&key-env=SIM_KEY", "Check key-env=SIM_KEY"),
                Arguments.of("gemini", "&key-env=SIM_KEY", "Check key-env=SIM_KEY"),
                Arguments.of("ollama", "", "Give the key with ?key-env=NAME"));
    }

    @ParameterizedTest
    @MethodSource("unauthorized")
    void unauthorizedEndsTheQuestionFailedNamingTheProviderAndWhatToDo(
            String provider, String key, String advice) throws Exception {
        List<Question> questions = questions(2);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(1, questions)
                                        .faults(FaultType.UNAUTHORIZED)
                                        .faultRate(1.0)
                                        .build());
                LangChain4jChatModel model =
                        LangChain4jBinding.parse(spec(provider, server, key)).open(0, ENV::get)) {
            List<Outcome> outcomes = runInTurn(model, questions);

            for (Outcome o : outcomes) {
                assertThat(o.status()).isEqualTo(Status.FAILED);
                assertThat(o.reason())
                        .contains("the decomposer model call ('concepts') failed: ")
                        .contains("langchain4j:" + provider + "@http://127.0.0.1:")
                        .contains(": 401, ")
                        .contains("not retried")
                        .contains(advice)
                        .doesNotContain(SECRET);
            }
            assertThat(totalRequests(server))
                    .as("one request per question: nothing retried, by langchain4j or Triad")
                    .isEqualTo(questions.size());
        }
    }

    @Test
    void geminiWithoutAKeyEndsTheQuestionFailedSayingHowToGiveOne() throws Exception {
        List<Question> questions = questions(1);
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, questions).build());
                LangChain4jChatModel model =
                        LangChain4jBinding.builder()
                                .provider("gemini")
                                .baseUrl(baseUrl("gemini", server))
                                .model(ServerSettings.DEFAULT_MODEL_NAME)
                                .apiKey(ApiKeySource.none())
                                .build()
                                .open(0, name -> null)) {
            Outcome o = runInTurn(model, questions).get(0);

            // The server refuses a call without x-goog-api-key with 403, as Gemini does.
            assertThat(o.status()).isEqualTo(Status.FAILED);
            assertThat(o.reason())
                    .contains("langchain4j:gemini@http://127.0.0.1:")
                    .contains(": 403, the server wants an API key and none was sent")
                    .contains("Give the key with ?key-env=NAME or ?key-file=PATH");
            assertThat(server.stats(0).requests("403")).isEqualTo(1);
        }
    }

    static Stream<Arguments> retriable() {
        List<Arguments> out = new ArrayList<>();
        for (String provider : List.of("openai", "ollama", "anthropic", "gemini")) {
            for (FaultType fault : List.of(FaultType.RATE_LIMITED, FaultType.SERVER_ERROR)) {
                out.add(Arguments.of(provider, fault));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("retriable")
    void rateLimitsAndServerErrorsAreRetriedAndEveryQuestionFinishes(
            String provider, FaultType fault) throws Exception {
        List<Question> questions = questions(4);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(1, questions)
                                        .faults(fault)
                                        .faultRate(0.25)
                                        .retryAfterSeconds(1)
                                        .build());
                LangChain4jChatModel model = open(provider, server)) {
            List<Outcome> outcomes = runInTurn(model, questions);

            assertAllSolved(outcomes);
            ReplicaStats stats = server.stats(0);
            assertThat(stats.faults().getOrDefault(fault, 0L)).as("faults injected").isPositive();
            assertThat(stats.requests(fault.wireName()))
                    .as("every fault answered in the format's error shape was retried")
                    .isEqualTo(stats.faults().get(fault));
            assertThat(stats.requests())
                    .isEqualTo(stats.requests("200") + stats.requests(fault.wireName()));
        }
    }
}
