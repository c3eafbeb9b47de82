package dev.triad.model.openai;

import static dev.triad.model.openai.OpenAiCompatibleModelTest.await;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.binding;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.failure;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.open;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.FleetStatus;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelMetricGroup;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import dev.triad.model.openai.OpenAiCallException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A fleet whose every replica fails (5xx, refused connections) is down: its calls wait in the
 * client, neither failing nor using up their attempts, one probe at a time checks whether it is
 * back, and when it is every waiting call is sent again. A fleet with one replica alive is not
 * down.
 */
class FleetOutageTest {

    @Test
    void callsWaitWhileEveryReplicaAnswers5xxAndAllSucceedWhenItIsBack() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        up.get()
                                                ? Answer.ok("back", 1, 1, 0)
                                                : Answer.status(503, "engine is down"));
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(2).build())) {
            Map<String, Object> metrics = metrics(model);
            List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(model.complete(request("q" + i, "a" + i)));
            }
            FakeOpenAiServer.await("the fleet is down", () -> model.fleetStatus().down());
            FleetStatus down = model.fleetStatus();
            assertThat(down.endpoints()).isEqualTo(server.baseUrl());
            assertThat(down.lastFailure()).contains("503 from " + server.baseUrl());
            FakeOpenAiServer.await(
                    "every call waits for the fleet", () -> waiting(metrics) == calls.size());
            assertThat(calls).noneMatch(CompletableFuture::isDone);
            assertThat(gauge(metrics, "fleetDown")).isEqualTo(1);
            // While down only the probes reach the server, one at a time, not every call's retry.
            long probes = count(metrics, "outageProbes");
            int requests = server.chatRequests();
            FakeOpenAiServer.await(
                    "two more probes", () -> count(metrics, "outageProbes") >= probes + 2);
            FakeOpenAiServer.await(
                    "the second probe answered", () -> waiting(metrics) == calls.size());
            assertThat(server.chatRequests() - requests)
                    .isEqualTo(count(metrics, "outageProbes") - probes);
            int seenWhileDown = server.chatRequests();

            up.set(true);
            for (CompletableFuture<ModelCompletion> call : calls) {
                assertThat(await(call).text()).isEqualTo("back");
            }
            assertThat(model.fleetStatus()).isEqualTo(FleetStatus.UP);
            assertThat(gauge(metrics, "fleetDown")).isZero();
            assertThat(count(metrics, "outages")).isEqualTo(1);
            assertThat(server.chatRequests() - seenWhileDown)
                    .as("one request per call once back (and maybe one more failed probe)")
                    .isBetween(calls.size(), calls.size() + 1);
        }
    }

    @Test
    void aFleetThatRefusesConnectionsIsDownAtOnceAndCloseEndsTheWaitingCalls() throws Exception {
        String dead;
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("x", 1, 1, 0))) {
            dead = server.baseUrl();
        }
        OpenAiCompatibleModel model =
                open(
                        OpenAiCompatibleBinding.builder()
                                .baseUrls(dead)
                                .model("m")
                                .apiKey(ApiKeySource.none())
                                .maxAttempts(2)
                                .backoff(Duration.ofMillis(5), 2, 0, Duration.ofMillis(10))
                                .build());
        CompletableFuture<ModelCompletion> call = model.complete(request("q", "a"));
        FakeOpenAiServer.await("the fleet is down", () -> model.fleetStatus().down());
        assertThat(model.fleetStatus().lastFailure()).contains("cannot connect to " + dead);
        assertThat(call).isNotDone();
        model.close();
        assertThat(((OpenAiCallException) failure(call)).kind()).isEqualTo(Kind.CLOSED);
    }

    @Test
    void oneReplicaAnswering5xxIsNotAnOutageWhileAnotherAnswers() throws Exception {
        try (FakeOpenAiServer broken =
                        FakeOpenAiServer.start(i -> Answer.status(500, "always broken"));
                FakeOpenAiServer fine = FakeOpenAiServer.start(i -> Answer.ok("ok", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                binding(broken)
                                        .baseUrls(broken.baseUrl(), fine.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .maxAttempts(3)
                                        .build())) {
            for (int i = 0; i < 10; i++) {
                assertThat(await(model.complete(request("q" + i, "a"))).text()).isEqualTo("ok");
            }
            assertThat(broken.chatRequests()).as("the broken replica was tried").isPositive();
            assertThat(model.fleetStatus().down()).isFalse();
        }
    }

    private static int waiting(Map<String, Object> metrics) {
        return (int) gauge(metrics, "callsWaitingForFleet");
    }

    private static long gauge(Map<String, Object> metrics, String name) {
        return ((Supplier<?>) metrics.get(name)).get() instanceof Number n ? n.longValue() : -1;
    }

    private static long count(Map<String, Object> metrics, String name) {
        return ((LongSupplier) metrics.get(name)).getAsLong();
    }

    /** The role-level metrics the model registers, by name (replica groups dropped). */
    private static Map<String, Object> metrics(OpenAiCompatibleModel model) {
        Map<String, Object> out = new HashMap<>();
        model.registerMetrics(
                new ModelMetricGroup() {
                    @Override
                    public ModelMetricGroup addGroup(String key, String value) {
                        return ModelMetricGroup.NONE;
                    }

                    @Override
                    public void counter(String name, LongSupplier count) {
                        out.put(name, count);
                    }

                    @Override
                    public <T extends Number> void gauge(String name, Supplier<T> value) {
                        out.put(name, value);
                    }
                });
        return out;
    }
}
