package dev.triad.model.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.CallContext;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** langchain4j's OpenAiChatModel through the binding, against the simulated server on loopback. */
class LangChain4jSimulatedServerTest {

    private static final String SECRET = "sk-sim-5f3c2a1b0e9d8c7b";
    private static final Question QUESTION = new ProblemGenerator(7).stream(1).toList().get(0);

    private static ServerSettings.Builder server(String profile) {
        return ServerSettings.builder(profile)
                .port(0)
                .ioThreads(2)
                .seed(7)
                .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_PERFECT))
                .questions(List.of(QUESTION));
    }

    private static LangChain4jChatModel open(SimulatedServer server) {
        return binding(server).open(0, Map.of("SIM_KEY", SECRET)::get);
    }

    private static LangChain4jBinding binding(SimulatedServer server) {
        return LangChain4jBinding.parse(
                "langchain4j:openai?base-url="
                        + server.baseUrls().get(0)
                        + "&model="
                        + ServerSettings.DEFAULT_MODEL_NAME
                        + "&key-env=SIM_KEY&concurrency=4&timeout=20s");
    }

    /** A real lm2 prompt: the decomposer asked for the question's concepts. */
    private static ModelRequest lm2Request() {
        Map<String, Object> inputs = Map.of("question", QUESTION.text());
        return ModelRequest.rendering(
                Role.DECOMPOSER,
                () -> PromptLibrary.render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs),
                0.0,
                512,
                new CallContext(QUESTION, "lm2", Lm2Purpose.CONCEPTS_AND_FIRST, 0, 1, 0, inputs));
    }

    private static ModelCallException failure(CompletableFuture<ModelCompletion> f)
            throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ModelCallException.class);
            ModelCallException m = (ModelCallException) e.getCause();
            assertThat(m.getMessage()).doesNotContain(SECRET);
            return m;
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void answersAnLm2PromptWithUsage() throws Exception {
        try (SimulatedServer server =
                        SimulatedServer.start(server(ServerSettings.PROFILE_ZERO).build());
                LangChain4jChatModel model = open(server)) {
            ModelCompletion c = model.complete(lm2Request()).get(20, TimeUnit.SECONDS);

            assertThat(c.text()).isNotBlank();
            assertThat(c.promptTokens()).isPositive();
            assertThat(c.completionTokens()).isPositive();
            assertThat(c.cachedTokens()).isNotNegative();
            assertThat(c.endpoint()).isEqualTo("langchain4j:openai@" + server.baseUrls().get(0));
            assertThat(server.stats(0).requests()).isEqualTo(1);
        }
    }

    @Test
    void completeDoesNotWaitForTheReply() throws Exception {
        try (SimulatedServer server =
                        SimulatedServer.start(server(ServerSettings.PROFILE_8B_H100).build());
                LangChain4jChatModel model = open(server)) {
            CompletableFuture<ModelCompletion> f = model.complete(lm2Request());

            // 8b-h100 spends at least its 30 ms prefill overhead before the first token.
            assertThat(f).isNotDone();
            assertThat(f.get(20, TimeUnit.SECONDS).text()).isNotBlank();
        }
    }

    @Test
    void unauthorizedIsNotRetriedAndNamesWhereTheKeyCameFrom() throws Exception {
        try (SimulatedServer server =
                        SimulatedServer.start(
                                server(ServerSettings.PROFILE_ZERO)
                                        .faults(FaultType.UNAUTHORIZED)
                                        .faultRate(1.0)
                                        .build());
                LangChain4jChatModel model = open(server)) {
            ModelCallException e = failure(model.complete(lm2Request()));

            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("401").contains("key-env=SIM_KEY");
            assertThat(String.valueOf(e)).doesNotContain(SECRET);
            assertThat(model.toString()).doesNotContain(SECRET);
            assertThat(binding(server).describe()).doesNotContain(SECRET);
            // langchain4j's own retries are off: one request reached the server.
            assertThat(server.stats(0).requests()).isEqualTo(1);
        }
    }

    @Test
    void unavailableAndRateLimitedAreRetriable() throws Exception {
        for (FaultType fault : List.of(FaultType.UNAVAILABLE, FaultType.RATE_LIMITED)) {
            try (SimulatedServer server =
                            SimulatedServer.start(
                                    server(ServerSettings.PROFILE_ZERO)
                                            .faults(fault)
                                            .faultRate(1.0)
                                            .build());
                    LangChain4jChatModel model = open(server)) {
                ModelCallException e = failure(model.complete(lm2Request()));

                assertThat(e.retriable()).as(fault.name()).isTrue();
                assertThat(e.getMessage()).contains(fault.wireName());
                assertThat(server.stats(0).requests()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRefusedConnectionIsRetriable() throws Exception {
        String url;
        try (SimulatedServer server =
                SimulatedServer.start(server(ServerSettings.PROFILE_ZERO).build())) {
            url = server.baseUrls().get(0).toString();
        }
        try (LangChain4jChatModel model =
                LangChain4jBinding.parse(
                                "openai?model=m&key-env=SIM_KEY&timeout=5s&base-url=" + url)
                        .open(0, Map.of("SIM_KEY", SECRET)::get)) {
            ModelCallException e = failure(model.complete(lm2Request()));

            assertThat(e.retriable()).isTrue();
        }
    }
}
