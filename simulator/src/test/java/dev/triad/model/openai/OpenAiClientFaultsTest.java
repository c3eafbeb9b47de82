package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.assertAllSolved;
import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.outcomes;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.totalRequests;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.openai.QuestionRunner.Outcome;
import dev.triad.schemas.Question;
import dev.triad.schemas.Status;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.SimulatedServer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault the simulated server injects, against the real client over loopback sockets, with
 * whole lm2 questions on top: retriable faults are retried and every question finishes (SOLVED, the
 * oracle being perfect); non-retriable ones end the question FAILED after one request, with a
 * reason naming the endpoint and the status; and no call ever makes more requests than its attempts
 * allow.
 */
class OpenAiClientFaultsTest {

    private static final Map<FaultType, OpenAiCallException.Kind> KIND =
            Map.of(
                    FaultType.RATE_LIMITED, OpenAiCallException.Kind.RATE_LIMITED,
                    FaultType.SERVER_ERROR, OpenAiCallException.Kind.SERVER_ERROR,
                    FaultType.UNAVAILABLE, OpenAiCallException.Kind.SERVER_ERROR,
                    FaultType.HANG, OpenAiCallException.Kind.TIMEOUT,
                    FaultType.RESET, OpenAiCallException.Kind.CONNECTION,
                    FaultType.MALFORMED, OpenAiCallException.Kind.BAD_RESPONSE,
                    FaultType.TRUNCATED, OpenAiCallException.Kind.CONNECTION,
                    FaultType.EMPTY_CHOICES, OpenAiCallException.Kind.BAD_RESPONSE);

    @ParameterizedTest
    @EnumSource(
            value = FaultType.class,
            names = {
                "RATE_LIMITED",
                "SERVER_ERROR",
                "UNAVAILABLE",
                "HANG",
                "RESET",
                "MALFORMED",
                "TRUNCATED",
                "EMPTY_CHOICES"
            })
    void retriableFaultsAreRetriedAndEveryQuestionFinishes(FaultType fault) throws Exception {
        // 429s pause a replica for the whole Retry-After (1 s): fewer of them keep the test short.
        boolean rateLimited = fault == FaultType.RATE_LIMITED;
        List<Question> questions = questions(rateLimited ? 4 : 6);
        try (SimulatedServer server =
                SimulatedServer.start(
                        zeroFleet(rateLimited ? 3 : 2, questions)
                                .faults(fault)
                                .faultRate(rateLimited ? 0.08 : 0.25)
                                .retryAfterSeconds(1)
                                .build())) {
            try (OpenAiCompatibleModel model =
                    open(
                            binding(server)
                                    .maxAttempts(8)
                                    .callTimeout(Duration.ofMillis(400))
                                    .build())) {
                List<Outcome> outcomes =
                        outcomes(new QuestionRunner(model, "lm2").runAll(questions));

                assertAllSolved(outcomes);
                assertThat(FleetSupport.faults(server)).as("faults injected").isPositive();
                long failures =
                        model.stats().stream().mapToLong(s -> s.failures(KIND.get(fault))).sum();
                assertThat(failures).as("failures of kind %s seen", KIND.get(fault)).isPositive();
                if (fault == FaultType.HANG) {
                    // A timed-out call's connection is closed, so the replica stops holding it.
                    FleetSupport.await(
                            "no hung request is left on the server",
                            () -> server.stats(0).hanging() + server.stats(1).hanging() == 0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = FaultType.class,
            names = {"UNAUTHORIZED", "CONTEXT_LENGTH"})
    void nonRetriableFaultsEndTheQuestionFailedAfterOneRequest(FaultType fault) throws Exception {
        List<Question> questions = questions(4);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(2, questions).faults(fault).faultRate(1.0).build());
                OpenAiCompatibleModel model = open(binding(server).build())) {
            List<Outcome> outcomes = outcomes(new QuestionRunner(model, "lm2").runAll(questions));

            String status = fault == FaultType.UNAUTHORIZED ? "401" : "400";
            String advice =
                    fault == FaultType.UNAUTHORIZED
                            ? "the server wants an API key and none was sent"
                            : "the request was refused as invalid";
            for (Outcome o : outcomes) {
                assertThat(o.status()).isEqualTo(Status.FAILED);
                assertThat(o.reason())
                        .containsPattern(
                                "the decomposer model call \\('concepts'\\) failed: "
                                        + status
                                        + " from http://127\\.0\\.0\\.1:\\d+/v1: ")
                        .contains(advice);
            }
            assertThat(totalRequests(server))
                    .as("one request per question: nothing retried")
                    .isEqualTo(questions.size());
        }
    }

    /**
     * Replies that are broken every time (retriable, but not the fleet being down: 5xx or reset
     * connections from every replica are an outage, whose calls wait instead, {@code
     * FleetOutageTest}).
     */
    @Test
    void attemptsPerCallNeverExceedTheMaximum() throws Exception {
        List<Question> questions = questions(5);
        int attempts = 4;
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(2, questions)
                                        .faults(
                                                EnumSet.of(
                                                        FaultType.MALFORMED,
                                                        FaultType.TRUNCATED,
                                                        FaultType.EMPTY_CHOICES))
                                        .faultRate(1.0)
                                        .build());
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(attempts).build())) {
            List<Outcome> outcomes = outcomes(new QuestionRunner(model, "lm2").runAll(questions));

            for (Outcome o : outcomes) {
                assertThat(o.status()).isEqualTo(Status.FAILED);
                assertThat(o.reason()).contains("gave up after " + attempts + " attempts");
            }
            // The runner retries retriable errors as the operator does; the client's last error
            // is final, so each question's one call made exactly `attempts` requests.
            assertThat(totalRequests(server)).isEqualTo((long) questions.size() * attempts);
            long sent = model.stats().stream().mapToLong(EndpointStats::sent).sum();
            assertThat(sent).isEqualTo((long) questions.size() * attempts);
        }
    }
}
