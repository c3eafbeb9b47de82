package dev.triad.model.openai;

import static dev.triad.model.openai.OpenAiCompatibleModelTest.await;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.binding;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.open;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.ModelCompletion;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A request that hangs on one replica is sent to another once it has waited far longer than that
 * replica usually takes (its own p99 × hedge-factor, at least hedge-floor), long before the call
 * timeout; the first answer wins, the hung exchange is abandoned, and hedges are capped.
 */
class HedgingTest {

    private static final int WARM_UP = 2 * 40; // enough answers from each replica for a p99

    @Test
    void aHungRequestIsHedgedOnAnotherReplicaLongBeforeItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(false);
        try (FakeOpenAiServer slow =
                        FakeOpenAiServer.start(
                                i ->
                                        hang.get()
                                                ? Answer.ok("too late", 1, 1, 0).heldUntil(never)
                                                : Answer.ok("a", 1, 1, 0));
                FakeOpenAiServer fine = FakeOpenAiServer.start(i -> Answer.ok("b", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                binding(slow)
                                        .baseUrls(slow.baseUrl(), fine.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .hedgeFloor(Duration.ofMillis(100))
                                        .build())) {
            warmUp(model);
            hang.set(true);

            // Round robin: the next request goes to the first replica, which now hangs.
            CompletableFuture<ModelCompletion> call = model.complete(request("q", "hung"));
            FakeOpenAiServer.await("the call waits unusually long", () -> slow.inFlightNow() == 1);
            ModelCompletion completion = await(call);

            assertThat(completion.text()).isEqualTo("b");
            assertThat(completion.endpoint()).isEqualTo(fine.baseUrl());
            assertThat(model.hedged()).isEqualTo(1);
            assertThat(model.hedgesWon()).isEqualTo(1);
            assertThat(model.retries()).as("a hedge is not a retry").isZero();
            FakeOpenAiServer.await(
                    "nothing counted as waiting long", () -> model.callsWaitingLong() == 0);
            assertThat(model.stats().get(0).inFlight()).as("the hung request's slot").isZero();
        } finally {
            never.countDown();
        }
    }

    /**
     * A replica hangs its very first request, before it has answered enough for a percentile: the
     * call is hedged after {@link HedgePolicy#COLD_DELAY}, not left to its call timeout (60 s).
     */
    @Test
    void aColdReplicasHungFirstRequestIsHedgedAfterTheColdDelay() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FakeOpenAiServer hung =
                        FakeOpenAiServer.start(
                                i -> Answer.ok("too late", 1, 1, 0).heldUntil(never));
                FakeOpenAiServer fine = FakeOpenAiServer.start(i -> Answer.ok("b", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                binding(hung)
                                        .baseUrls(hung.baseUrl(), fine.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .hedgeFloor(Duration.ofMillis(100))
                                        .build())) {
            long start = System.nanoTime();
            ModelCompletion completion =
                    model.complete(request("q", "cold")).get(45, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(completion.text()).isEqualTo("b");
            assertThat(model.hedged()).isEqualTo(1);
            assertThat(took).isGreaterThanOrEqualTo(HedgePolicy.COLD_DELAY);
        } finally {
            never.countDown();
        }
    }

    /**
     * The hedge of a hung request fails (a 500): the call does not wait for the hung try's timeout
     * (60 s here) but goes to its retry policy at once, and the retry answers.
     */
    @Test
    void aFailedHedgeOfAHungRequestIsRetriedWithoutWaitingForTheHungTry() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(false);
        AtomicBoolean failNext = new AtomicBoolean(false);
        try (FakeOpenAiServer slow =
                        FakeOpenAiServer.start(
                                i ->
                                        hang.get()
                                                ? Answer.ok("too late", 1, 1, 0).heldUntil(never)
                                                : Answer.ok("a", 1, 1, 0));
                FakeOpenAiServer fine =
                        FakeOpenAiServer.start(
                                i ->
                                        failNext.getAndSet(false)
                                                ? Answer.status(500, "engine error")
                                                : Answer.ok("b", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                binding(slow)
                                        .baseUrls(slow.baseUrl(), fine.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .hedgeFloor(Duration.ofMillis(100))
                                        .build())) {
            warmUp(model);
            hang.set(true);
            failNext.set(true);

            ModelCompletion completion = await(model.complete(request("q", "hung")));

            assertThat(completion.text()).isEqualTo("b");
            assertThat(model.hedged()).isGreaterThanOrEqualTo(1);
            assertThat(model.retries())
                    .as("the failed hedge went to the retry policy")
                    .isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    /**
     * A request and its hedge both hang: once the hedge too has waited unusually long, both are
     * ended and the call is retried, long before the call timeout (60 s here).
     */
    @Test
    void aCallWhoseHedgeHangsTooIsEndedAndRetried() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(false);
        AtomicBoolean hangNext = new AtomicBoolean(false);
        try (FakeOpenAiServer first =
                        FakeOpenAiServer.start(
                                i ->
                                        hang.get()
                                                ? Answer.ok("too late", 1, 1, 0).heldUntil(never)
                                                : Answer.ok("a", 1, 1, 0));
                FakeOpenAiServer second =
                        FakeOpenAiServer.start(
                                i ->
                                        hangNext.getAndSet(false)
                                                ? Answer.ok("too late", 1, 1, 0).heldUntil(never)
                                                : Answer.ok("b", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                binding(first)
                                        .baseUrls(first.baseUrl(), second.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .hedgeFloor(Duration.ofMillis(100))
                                        .build())) {
            warmUp(model);
            hang.set(true);
            hangNext.set(true);

            ModelCompletion completion = await(model.complete(request("q", "hung")));

            assertThat(completion.text()).isEqualTo("b");
            assertThat(counter(model, "hedgesHung")).isEqualTo(1);
            assertThat(model.retries()).isGreaterThanOrEqualTo(1);
            FakeOpenAiServer.await(
                    "nothing counted as waiting long", () -> model.callsWaitingLong() == 0);
        } finally {
            never.countDown();
        }
    }

    @Test
    void hedgesAreCappedSoThatASlowFleetIsNotFlooded() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(false);
        IntFunction<Answer> script =
                i ->
                        hang.get()
                                ? Answer.ok("late", 1, 1, 0).heldUntil(never)
                                : Answer.ok("a", 1, 1, 0);
        try (FakeOpenAiServer first = FakeOpenAiServer.start(script);
                FakeOpenAiServer second = FakeOpenAiServer.start(script);
                OpenAiCompatibleModel model =
                        open(
                                binding(first)
                                        .baseUrls(first.baseUrl(), second.baseUrl())
                                        .routing(Routing.ROUND_ROBIN)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .hedgeFloor(Duration.ofMillis(100))
                                        .hedgeRatio(0.01)
                                        // No retries: a call whose hedge hangs too ends, and
                                        // its retry would be a new request earning budget.
                                        .maxAttempts(1)
                                        .build())) {
            warmUp(model);
            hang.set(true); // the whole fleet is slow now

            int calls = 2 * HedgePolicy.BURST;
            for (int i = 0; i < calls; i++) {
                model.complete(request("q" + i, "slow"));
            }
            FakeOpenAiServer.await(
                    "every request found slow",
                    () -> model.hedged() + hedgesRefused(model) == calls);

            // The reserve of hedges, plus 1 % of the requests sent (well under one more hedge).
            assertThat(model.hedged()).isEqualTo(HedgePolicy.BURST);
            assertThat(hedgesRefused(model)).isEqualTo(calls - HedgePolicy.BURST);
            assertThat(model.callsWaitingLong())
                    .as("the refused ones wait for their timeout")
                    .isGreaterThanOrEqualTo(calls - HedgePolicy.BURST);
        } finally {
            never.countDown();
        }
    }

    private static long hedgesRefused(OpenAiCompatibleModel model) {
        return counter(model, "hedgesRefused");
    }

    private static long counter(OpenAiCompatibleModel model, String counter) {
        long[] refused = {0};
        model.registerMetrics(
                new dev.triad.model.ModelMetricGroup() {
                    @Override
                    public dev.triad.model.ModelMetricGroup addGroup(String key, String value) {
                        return dev.triad.model.ModelMetricGroup.NONE;
                    }

                    @Override
                    public void counter(String name, java.util.function.LongSupplier count) {
                        if (name.equals(counter)) {
                            refused[0] = count.getAsLong();
                        }
                    }

                    @Override
                    public <T extends Number> void gauge(
                            String name, java.util.function.Supplier<T> value) {}
                });
        return refused[0];
    }

    private static void warmUp(OpenAiCompatibleModel model) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            await(model.complete(request("w" + i, "warm")));
        }
    }
}
