package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triad.model.CallContext;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.SimulatedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and {@code Retry-After} as the simulated replicas observe them: the requests and
 * tokens a replica counts stay within what a token bucket of the configured rate allows over the
 * run, and after a 429 no request reaches that replica before the time it gave.
 */
class OpenAiClientLimitsTest {

    private static final String PADDING =
            " Please answer in one short sentence and do not add anything else to it.";

    private static ModelRequest request(int i) {
        return new ModelRequest(
                Role.SOLVER,
                List.of(
                        ChatMessage.system("You are a terse assistant for a rate-limit test."),
                        ChatMessage.user("Item " + i + "." + PADDING + PADDING + PADDING)),
                0.0,
                64,
                new CallContext(
                        Question.of("rate-" + i, "item " + i),
                        "cot",
                        dev.triad.reasoning.CotPurpose.WHOLE_QUESTION,
                        0,
                        1,
                        0,
                        Map.of()));
    }

    private static void awaitAll(List<CompletableFuture<ModelCompletion>> calls) throws Exception {
        for (CompletableFuture<ModelCompletion> call : calls) {
            call.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void requestsPerMinuteHoldAtEachReplica() throws Exception {
        long rpm = 600; // 10 per second, a burst of 10
        int calls = 70;
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(2, List.of()).build());
                OpenAiCompatibleModel model =
                        open(
                                binding(server)
                                        .routing(Routing.LEAST_OUTSTANDING)
                                        .requestsPerMinute(rpm)
                                        .build())) {
            long start = System.nanoTime();
            List<CompletableFuture<ModelCompletion>> running = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                running.add(model.complete(request(i)));
            }
            awaitAll(running);
            double seconds = (System.nanoTime() - start) / 1e9;

            long burst = ReplicaEndpoint.burst(rpm);
            double perSecond = rpm / 60.0;
            long total = 0;
            for (int i = 0; i < 2; i++) {
                long requests = server.stats(i).requests();
                total += requests;
                assertThat((double) requests)
                        .as("replica %s: %s requests in %.2f s", i, requests, seconds)
                        .isLessThanOrEqualTo(burst + perSecond * seconds);
            }
            assertThat(total).isEqualTo(calls);
            // Not vacuous: unlimited, the zero-latency fleet answers 70 calls in well under 1 s.
            assertThat(seconds).isGreaterThan((calls / 2.0 - burst) / perSecond * 0.9);
        }
    }

    @Test
    void requestsPerMinuteAreForTheWholeJobWhateverItsParallelism() throws Exception {
        long rpm = 600; // for the job: each of 3 subtasks may send 200 a minute, a burst of 4
        int parallelism = 3;
        int callsPerSubtask = 20;
        OpenAiCompatibleBinding binding;
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, List.of()).build())) {
            binding = binding(server).requestsPerMinute(rpm).build();
            List<OpenAiCompatibleModel> subtasks = new ArrayList<>();
            try {
                for (int s = 0; s < parallelism; s++) {
                    subtasks.add(binding.open(s, parallelism, name -> null));
                }
                long start = System.nanoTime();
                List<CompletableFuture<ModelCompletion>> running = new ArrayList<>();
                for (int i = 0; i < callsPerSubtask; i++) {
                    for (OpenAiCompatibleModel model : subtasks) {
                        running.add(model.complete(request(running.size())));
                    }
                }
                awaitAll(running);
                double seconds = (System.nanoTime() - start) / 1e9;

                long requests = server.stats(0).requests();
                assertThat(requests).isEqualTo((long) parallelism * callsPerSubtask);
                long share = OpenAiCompatibleBinding.share(rpm, parallelism);
                double allowed =
                        parallelism * (ReplicaEndpoint.burst(share) + share / 60.0 * seconds);
                assertThat((double) requests)
                        .as("%s requests in %.2f s for rpm %s", requests, seconds, rpm)
                        .isLessThanOrEqualTo(allowed);
                // Not vacuous: 3 subtasks each holding the whole rpm would be done 3x sooner.
                double wholeRate = (callsPerSubtask - ReplicaEndpoint.burst(rpm)) / (rpm / 60.0);
                assertThat(seconds).isGreaterThan(wholeRate * 2);
            } finally {
                for (OpenAiCompatibleModel model : subtasks) {
                    model.close();
                }
            }
        }
    }

    @Test
    void tokensPerMinuteHoldCountingPromptAndCompletionTokens() throws Exception {
        long tpm = 60_000; // 1,000 per second, a burst of 1,000
        int calls = 40;
        int concurrency = 4;
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, List.of()).build());
                OpenAiCompatibleModel model =
                        open(
                                binding(server)
                                        .tokensPerMinute(tpm)
                                        .concurrencyLimit(
                                                OpenAiCompatibleBinding.ConcurrencyLimit.FIXED)
                                        .initialConcurrency(concurrency)
                                        .maxConcurrency(concurrency)
                                        .build())) {
            long start = System.nanoTime();
            List<CompletableFuture<ModelCompletion>> running = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                running.add(model.complete(request(i)));
            }
            awaitAll(running);
            double seconds = (System.nanoTime() - start) / 1e9;

            ReplicaStats stats = server.stats(0);
            long tokens = stats.promptTokens() + stats.generationTokens();
            int largest = 0;
            for (CompletableFuture<ModelCompletion> call : running) {
                ModelCompletion c = call.join();
                largest = Math.max(largest, c.promptTokens() + c.completionTokens());
            }
            // A bucket admits the burst plus the rate over the run; calls still on the wire when
            // the last one was admitted were charged their estimate, settled after: at most
            // `concurrency` whole calls of slack.
            double allowed =
                    ReplicaEndpoint.burst(tpm) + tpm / 60.0 * seconds + concurrency * largest;
            assertThat((double) tokens)
                    .as("%s tokens in %.2f s", tokens, seconds)
                    .isLessThanOrEqualTo(allowed);
            assertThat(model.stats().get(0).promptTokens()).isEqualTo(stats.promptTokens());
            // Not vacuous: the limit held the run back well beyond the zero fleet's own time.
            assertThat(seconds).isGreaterThan(1.5);
        }
    }

    @Test
    void noRequestReachesAReplicaBeforeItsRetryAfter() throws Exception {
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(1, questions(1))
                                        .faults(FaultType.RATE_LIMITED)
                                        .faultRate(1.0)
                                        .retryAfterSeconds(1)
                                        .build());
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(3).build())) {
            long start = System.nanoTime();
            CompletableFuture<ModelCompletion> call = model.complete(request(1));
            FleetSupport.await(
                    "the client saw the 429",
                    () ->
                            model.stats().get(0).failures(OpenAiCallException.Kind.RATE_LIMITED)
                                    == 1);
            long seen = System.nanoTime();
            // Watch the replica's own counter for most of the second it asked for.
            while (System.nanoTime() - seen < TimeUnit.MILLISECONDS.toNanos(800)) {
                assertThat(server.stats(0).requests()).isEqualTo(1);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            Throwable failure = catchThrowable(() -> call.get(20, TimeUnit.SECONDS));
            long elapsed = System.nanoTime() - start;

            assertThat(failure).isInstanceOf(ExecutionException.class);
            ModelCallException e = (ModelCallException) failure.getCause();
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .startsWith("gave up after 3 attempts (max-attempts); the last: 429 from ")
                    .contains("rate limited (Retry-After 1000 ms)");
            assertThat(server.stats(0).requests("429")).isEqualTo(3);
            assertThat(elapsed).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
        }
    }
}
