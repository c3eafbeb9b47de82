package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.assertAllSolved;
import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.outcomes;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.requestsPerReplica;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.openai.QuestionRunner.Outcome;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.SimulatedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Prefix affinity against a simulated fleet: every call of a question lands on one replica (read
 * from the replicas' own request counters), questions spread over the fleet, the prefix cache is
 * reused, and when a replica goes away mid-run its questions move to the others and still finish.
 */
class OpenAiClientAffinityTest {

    /**
     * Wraps a model so each call records which replica's request counter it moved. Only exact when
     * one call runs at a time, which the test arranges.
     */
    private static final class CountingModel implements AsyncChatModel {
        final AsyncChatModel model;
        final SimulatedServer server;
        final Map<String, List<Integer>> replicasByQuestion = new HashMap<>();

        CountingModel(AsyncChatModel model, SimulatedServer server) {
            this.model = model;
            this.server = server;
        }

        @Override
        public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
            long[] before = requestsPerReplica(server);
            return model.complete(request)
                    .whenComplete(
                            (completion, error) -> {
                                long[] after = requestsPerReplica(server);
                                List<Integer> moved = new ArrayList<>();
                                for (int i = 0; i < after.length; i++) {
                                    for (long n = before[i]; n < after[i]; n++) {
                                        moved.add(i);
                                    }
                                }
                                assertThat(moved).as("one request per call").hasSize(1);
                                synchronized (replicasByQuestion) {
                                    replicasByQuestion
                                            .computeIfAbsent(
                                                    request.context().questionId(),
                                                    k -> new ArrayList<>())
                                            .add(moved.get(0));
                                }
                            });
        }
    }

    @Test
    void allCallsOfAQuestionLandOnOneReplicaByTheServersCounters() throws Exception {
        List<Question> questions = questions(12);
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(3, questions).build());
                OpenAiCompatibleModel model = open(binding(server).build())) {
            CountingModel counting = new CountingModel(model, server);
            QuestionRunner runner = new QuestionRunner(counting, "lm2");
            List<Outcome> outcomes = new ArrayList<>();
            for (Question q : questions) {
                // One question at a time, one call at a time: each counter step is this call's.
                outcomes.addAll(outcomes(List.of(runner.run(q))));
            }
            assertAllSolved(outcomes);

            Set<Integer> used = new HashSet<>();
            for (Question q : questions) {
                List<Integer> replicas = counting.replicasByQuestion.get(q.id());
                assertThat(replicas).hasSizeGreaterThan(3);
                assertThat(new HashSet<>(replicas))
                        .as("replicas that served %s", q.id())
                        .hasSize(1);
                used.add(replicas.get(0));
            }
            assertThat(used).as("questions spread over the fleet").hasSizeGreaterThan(1);
            // The replica's own prefix cache served the growing context.
            long hits = 0;
            for (int i = 0; i < 3; i++) {
                hits += server.stats(i).prefixHitTokens();
            }
            assertThat(hits).isPositive();
        }
    }

    @Test
    void concurrentQuestionsKeepTheirReplicaAndTheCountersAgree() throws Exception {
        List<Question> questions = questions(24);
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(3, questions).build());
                OpenAiCompatibleModel model =
                        // A generous bound: this test is about affinity, not about spill-over.
                        open(binding(server).loadFactor(3.0).build())) {
            List<Outcome> outcomes = outcomes(new QuestionRunner(model, "lm2").runAll(questions));
            assertAllSolved(outcomes);

            Map<String, Long> callsByEndpoint = new HashMap<>();
            for (Outcome o : outcomes) {
                assertThat(new HashSet<>(o.endpoints())).as(o.question().id()).hasSize(1);
                callsByEndpoint.merge(o.endpoints().get(0), (long) o.endpoints().size(), Long::sum);
                assertThat(o.cachedTokens().subList(1, o.cachedTokens().size()))
                        .as("later calls of %s reuse the prefix", o.question().id())
                        .anySatisfy(cached -> assertThat(cached).isPositive());
            }
            long[] counted = requestsPerReplica(server);
            for (int i = 0; i < counted.length; i++) {
                assertThat(counted[i])
                        .as("replica %s counted what the client says it sent there", i)
                        .isEqualTo(
                                callsByEndpoint.getOrDefault(
                                        server.baseUrls().get(i).toString(), 0L));
            }
        }
    }

    @Test
    void aReplicaRemovedMidRunGivesItsQuestionsToTheOthers() throws Exception {
        List<Question> questions = questions(15);
        // A little decode time, so questions are still running when the replica goes.
        try (SimulatedServer stays =
                SimulatedServer.start(zeroFleet(2, questions).interTokenMs(1.0).build())) {
            SimulatedServer goes =
                    SimulatedServer.start(zeroFleet(1, questions).interTokenMs(1.0).build());
            String gone = goes.baseUrls().get(0).toString();
            try (OpenAiCompatibleModel client =
                    open(binding(stays, goes).ejectFor(Duration.ofSeconds(30)).build())) {
                List<CompletableFuture<Outcome>> runs =
                        new QuestionRunner(client, "lm2").runAll(questions);
                FleetSupport.await(
                        "the replica that goes served some calls",
                        () -> FleetSupport.totalRequests(goes) >= 5);
                goes.close();
                List<Outcome> outcomes = outcomes(runs);

                assertAllSolved(outcomes);
                List<Outcome> moved =
                        outcomes.stream().filter(o -> o.endpoints().contains(gone)).toList();
                assertThat(moved).as("questions that were on the removed replica").isNotEmpty();
                for (Outcome o : moved) {
                    List<String> endpoints = o.endpoints();
                    int lastOnGone = endpoints.lastIndexOf(gone);
                    assertThat(endpoints.subList(lastOnGone + 1, endpoints.size()))
                            .as("%s after the replica went", o.question().id())
                            .isNotEmpty()
                            .doesNotContain(gone);
                }
                EndpointStats goneStats = client.stats().get(2);
                assertThat(goneStats.endpoint()).isEqualTo(gone);
                assertThat(goneStats.ejections()).isPositive();
                assertThat(goneStats.down()).isTrue();
            } finally {
                goes.close();
            }
        }
    }
}
