package dev.triad.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triad.model.ModelCallException.ServerSign;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outage holding on a model whose every try the test answers by hand, with a hand-stepped clock and
 * scheduler: which failures take the endpoint down, that calls are then held and not failed, the
 * probe and its backoff, and the release when the endpoint answers again.
 */
class OutageHoldingChatModelTest {

    private static final ModelRequest REQUEST =
            new ModelRequest(Role.SOLVER, List.of(ChatMessage.user("2 + 2?")), 0.0, 16, null);

    private static final ModelCompletion OK = new ModelCompletion("4", 3, 1, 0, 5, "scripted");

    private static ModelCallException failing() {
        return new ModelCallException("http://gpu:1: 503", true, ServerSign.FAILING);
    }

    private static ModelCallException refused() {
        return new ModelCallException("http://gpu:1: cannot connect", true, ServerSign.REFUSED);
    }

    private static ModelCallException badRequest() {
        return new ModelCallException("http://gpu:1: 400", false, ServerSign.ANSWERED);
    }

    private static ModelCallException timeout() {
        return new ModelCallException("http://gpu:1: no answer in time", true, ServerSign.SILENT);
    }

    /** Time and timers under the test's control. */
    private static final class ManualTime implements RetryingChatModel.Scheduler {
        long now = 1_000;
        boolean shutDown;
        final List<Long> delays = new ArrayList<>();
        final Deque<Runnable> due = new ArrayDeque<>();

        @Override
        public void schedule(Runnable task, long delayNanos) {
            if (shutDown) {
                throw new RejectedExecutionException("shut down");
            }
            delays.add(delayNanos);
            due.add(
                    () -> {
                        now += delayNanos;
                        task.run();
                    });
        }

        void runNext() {
            due.poll().run();
        }
    }

    /** A model whose tries stay open until the test completes them, in the order they came. */
    private static final class HandAnswered implements AsyncChatModel {
        final Deque<CompletableFuture<ModelCompletion>> open = new ArrayDeque<>();
        int calls;
        boolean closed;

        @Override
        public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
            calls++;
            CompletableFuture<ModelCompletion> f = new CompletableFuture<>();
            if (closed) {
                f.completeExceptionally(new ModelCallException("closed", false, ServerSign.SILENT));
            } else {
                open.add(f);
            }
            return f;
        }

        void answer() {
            open.poll().complete(OK);
        }

        void fail(ModelCallException e) {
            open.poll().completeExceptionally(e);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final ManualTime time = new ManualTime();
    private final HandAnswered endpoint = new HandAnswered();
    private final OutageHoldingChatModel model =
            OutageHoldingChatModel.builder(endpoint, "langchain4j:ollama@http://gpu:1")
                    .scheduler(time)
                    .clock(() -> time.now)
                    .build();

    @Test
    void failuresShortOfTheLimitFailTheirCallsForTheRetryPolicy() {
        CompletableFuture<ModelCompletion> a = model.complete(REQUEST);
        CompletableFuture<ModelCompletion> b = model.complete(REQUEST);
        endpoint.fail(failing());
        endpoint.fail(failing());

        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(model.fleetStatus().down()).isFalse();
        assertThat(time.due).isEmpty();
    }

    @Test
    void anAnswerFromALiveServerEndsTheRunOfFailures() {
        List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(model.complete(REQUEST));
        }
        endpoint.fail(failing());
        endpoint.fail(failing());
        endpoint.fail(badRequest()); // a 400 comes from a server that is there
        endpoint.fail(failing());
        endpoint.fail(failing());

        assertThat(model.fleetStatus().down()).isFalse();
        assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(catchThrowable(() -> calls.get(2).get()))
                .hasCauseInstanceOf(ModelCallException.class)
                .hasMessageContaining("400");
    }

    @Test
    void threeFailuresInARowTakeItDownAndHoldCallsUntilAProbeIsAnswered()
            throws ExecutionException, InterruptedException {
        List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(model.complete(REQUEST));
        }
        endpoint.fail(failing());
        endpoint.fail(failing());
        endpoint.fail(failing());

        FleetStatus status = model.fleetStatus();
        assertThat(status.down()).isTrue();
        assertThat(status.endpoints()).isEqualTo("langchain4j:ollama@http://gpu:1");
        assertThat(status.lastFailure()).contains("503");
        assertThat(status.downSinceNanos()).isEqualTo(1_000);
        assertThat(calls.get(2)).as("the try that found it down is held").isNotDone();

        CompletableFuture<ModelCompletion> later = model.complete(REQUEST);
        assertThat(later).as("a new call while down is held, not sent").isNotDone();
        assertThat(endpoint.calls).isEqualTo(3);
        assertThat(model.parked()).isEqualTo(2);
        assertThat(time.delays).containsExactly(OutageHoldingChatModel.FIRST_PROBE.toNanos());

        time.runNext(); // the probe: the oldest held call
        assertThat(endpoint.calls).isEqualTo(4);
        endpoint.fail(refused());
        assertThat(model.fleetStatus().down()).isTrue();
        assertThat(time.delays)
                .as("the wait doubles after a failed probe")
                .containsExactly(
                        OutageHoldingChatModel.FIRST_PROBE.toNanos(),
                        2 * OutageHoldingChatModel.FIRST_PROBE.toNanos());

        time.runNext();
        endpoint.fail(timeout()); // no answer: still down, wait longer
        assertThat(model.fleetStatus().down()).isTrue();
        assertThat(time.delays).last().isEqualTo(4 * OutageHoldingChatModel.FIRST_PROBE.toNanos());

        time.runNext();
        endpoint.answer(); // it is back: the probe's call succeeds and the others go again
        assertThat(model.fleetStatus()).isEqualTo(FleetStatus.UP);
        assertThat(model.parked()).isZero();
        assertThat(calls.get(2).get()).isEqualTo(OK);
        assertThat(later).isNotDone();
        endpoint.answer();
        assertThat(later.get()).isEqualTo(OK);
        assertThat(model.outages()).isEqualTo(1);
        assertThat(model.probes()).isEqualTo(3);
    }

    @Test
    void aRefusedConnectionTakesItDownAtOnce() {
        CompletableFuture<ModelCompletion> call = model.complete(REQUEST);
        endpoint.fail(refused());

        assertThat(model.fleetStatus().down()).isTrue();
        assertThat(call).isNotDone();
    }

    @Test
    void theProbeWaitStopsDoublingAtItsCeiling() {
        model.complete(REQUEST);
        endpoint.fail(refused());
        for (int i = 0; i < 10; i++) {
            time.runNext();
            endpoint.fail(refused());
        }
        assertThat(time.delays)
                .last()
                .isEqualTo(OutageHoldingChatModel.MAX_PROBE_INTERVAL.toNanos());
        assertThat(model.fleetStatus().downFor(time.now))
                .isGreaterThan(OutageHoldingChatModel.MAX_PROBE_INTERVAL);
    }

    @Test
    void closingFailsTheHeldCallsAsTheClosedModelDoes() {
        CompletableFuture<ModelCompletion> call = model.complete(REQUEST);
        endpoint.fail(refused());
        time.shutDown = true;

        model.close();

        assertThat(call).isCompletedExceptionally();
        assertThat(catchThrowable(() -> call.get(1, TimeUnit.SECONDS)))
                .hasMessageContaining("closed");
        assertThat(endpoint.closed).isTrue();
    }
}
