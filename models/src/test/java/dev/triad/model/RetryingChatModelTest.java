package dev.triad.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The retry decorator on a scripted model, with a hand-stepped clock and scheduler: no sleeps, no
 * threads; every wait the decorator asks for is recorded and then run by the test.
 */
class RetryingChatModelTest {

    private static final ModelRequest REQUEST =
            new ModelRequest(Role.SOLVER, List.of(ChatMessage.user("2 + 2?")), 0.0, 16, null);

    private static final ModelCompletion OK = new ModelCompletion("4", 3, 1, 0, 5, "scripted");

    /** Time and timers under the test's control. */
    private static final class ManualTime implements RetryingChatModel.Scheduler {
        long now;
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

        /** Runs the waits in order until none is left; returns how many ran. */
        int runAll() {
            int n = 0;
            while (!due.isEmpty()) {
                due.poll().run();
                n++;
            }
            return n;
        }
    }

    /** A model answering each call from a script of outcomes, counting calls. */
    private static final class ScriptedModel implements AsyncChatModel {
        final Deque<Supplier<CompletableFuture<ModelCompletion>>> script = new ArrayDeque<>();
        int calls;
        boolean closed;

        ScriptedModel then(ModelCallException failure) {
            script.add(() -> CompletableFuture.failedFuture(failure));
            return this;
        }

        ScriptedModel thenOk() {
            script.add(() -> CompletableFuture.completedFuture(OK));
            return this;
        }

        @Override
        public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
            calls++;
            if (closed) {
                return CompletableFuture.failedFuture(
                        new ModelCallException("the model was closed", false));
            }
            Supplier<CompletableFuture<ModelCompletion>> next = script.poll();
            return next == null
                    ? CompletableFuture.failedFuture(
                            new ModelCallException("500: the server failed", true))
                    : next.get();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ModelCallException serverError() {
        return new ModelCallException("500: the server failed; retried", true);
    }

    private static ModelCallException rateLimited(Duration retryAfter) {
        return new ModelCallException("429: rate limited; retried", true, retryAfter, null);
    }

    private static RetryPolicy.Builder policy(int attempts) {
        return RetryPolicy.builder()
                .maxAttempts(attempts)
                .backoff(Duration.ofMillis(100), 2.0, 1.0, Duration.ofSeconds(1))
                .options("attempts=N in the test: binding", "budget=DURATION in the test: binding");
    }

    private static RetryingChatModel retrying(
            ScriptedModel model, RetryPolicy policy, ManualTime time, double random) {
        return RetryingChatModel.builder(model, policy)
                .scheduler(time)
                .clock(() -> time.now)
                .random(() -> random)
                .build();
    }

    private static ModelCallException failure(CompletableFuture<?> future) {
        Throwable t = catchThrowable(() -> future.get(1, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(ModelCallException.class);
        return (ModelCallException) t.getCause();
    }

    @Test
    void aCallThatSucceedsAtOnceIsNotDelayed() throws Exception {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel().thenOk();
        RetryingChatModel retrying = retrying(model, policy(3).build(), time, 0.5);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);

        assertThat(call).isCompletedWithValue(OK);
        assertThat(model.calls).isEqualTo(1);
        assertThat(time.delays).isEmpty();
        assertThat(retrying.retries()).isZero();
    }

    @Test
    void aRetriableFailureIsTriedAgainAfterTheBackoff() throws Exception {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel().then(serverError()).then(serverError()).thenOk();
        RetryingChatModel retrying = retrying(model, policy(5).build(), time, 0.0);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);
        assertThat(call).as("waiting, not failed").isNotDone();
        assertThat(time.runAll()).isEqualTo(2);

        assertThat(call).isCompletedWithValue(OK);
        assertThat(model.calls).isEqualTo(3);
        // random 0 draws the top of the full-jitter range: the exponential cap itself.
        assertThat(time.delays)
                .containsExactly(
                        TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(retrying.retries()).isEqualTo(2);
    }

    @Test
    void backoffGrowsExponentiallyUpToTheMaximumWithinTheJitterRange() {
        RetryPolicy full = policy(10).build();
        long cap3 = TimeUnit.MILLISECONDS.toNanos(400);
        assertThat(full.delayNanos(3, 0, 0.0)).isEqualTo(cap3);
        assertThat(full.delayNanos(3, 0, 0.999)).isBetween(0L, cap3 / 100);
        assertThat(full.delayNanos(3, 0, 0.5)).isEqualTo(cap3 / 2);
        // 100 ms × 2^9 is far past the 1 s maximum.
        assertThat(full.delayNanos(10, 0, 0.0)).isEqualTo(TimeUnit.SECONDS.toNanos(1));

        RetryPolicy half =
                policy(10).backoff(Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(1)).build();
        for (double r = 0; r < 1; r += 0.125) {
            assertThat(half.delayNanos(2, 0, r))
                    .as("random %s", r)
                    .isBetween(
                            TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    @Test
    void retryAfterIsWaitedOutEvenWhenTheBackoffIsShorter() throws Exception {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel().then(rateLimited(Duration.ofSeconds(3))).thenOk();
        RetryingChatModel retrying = retrying(model, policy(3).build(), time, 0.0);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);
        time.runAll();

        assertThat(call).isCompletedWithValue(OK);
        assertThat(time.delays).containsExactly(TimeUnit.SECONDS.toNanos(3));
        assertThat(time.now).isEqualTo(TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aFailureThatIsNotRetriableIsPassedOnAfterOneTry() {
        ManualTime time = new ManualTime();
        ModelCallException unauthorized =
                new ModelCallException("401: the API key was refused; check key-env", false);
        ScriptedModel model = new ScriptedModel().then(unauthorized).thenOk();
        RetryingChatModel retrying = retrying(model, policy(5).build(), time, 0.0);

        ModelCallException e = failure(retrying.complete(REQUEST));

        assertThat(e).isSameAs(unauthorized);
        assertThat(model.calls).isEqualTo(1);
        assertThat(time.delays).isEmpty();
    }

    @Test
    void whenAttemptsRunOutTheFailureIsFinalAndSaysWhatRaisesTheLimit() {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel();
        RetryingChatModel retrying = retrying(model, policy(3).build(), time, 0.0);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);
        time.runAll();
        ModelCallException e = failure(call);

        assertThat(model.calls).isEqualTo(3);
        assertThat(e.retriable()).as("no caller multiplies the attempts").isFalse();
        assertThat(e.getMessage())
                .isEqualTo(
                        "gave up after 3 attempts (max-attempts); the last: 500: the server"
                                + " failed. To allow more, raise attempts=N in the test: binding");
        assertThat(e.getCause()).isInstanceOf(ModelCallException.class);
        assertThat(retrying.gaveUp()).isEqualTo(1);
    }

    @Test
    void theBudgetStopsRetriesThatWouldStartTooLate() {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel();
        // Waits of 100, 200, 400 ms: the third would start the fourth try 700 ms after the start.
        RetryingChatModel retrying =
                retrying(model, policy(10).budget(Duration.ofMillis(500)).build(), time, 0.0);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);
        time.runAll();
        ModelCallException e = failure(call);

        assertThat(model.calls).isEqualTo(3);
        assertThat(time.now).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage())
                .startsWith(
                        "gave up after 3 attempts (the next would start past the budget of 500"
                                + " ms); the last: 500: the server failed")
                .endsWith("raise budget=DURATION in the test: binding");
    }

    @Test
    void closeEndsWaitingCallsTheWayTheClosedModelFailsNewOnes() {
        ManualTime time = new ManualTime();
        ScriptedModel model = new ScriptedModel().then(serverError()).thenOk();
        RetryingChatModel retrying = retrying(model, policy(5).build(), time, 0.0);

        CompletableFuture<ModelCompletion> call = retrying.complete(REQUEST);
        assertThat(call).isNotDone();
        retrying.close();
        time.shutDown = true;

        ModelCallException e = failure(call);
        assertThat(model.closed).isTrue();
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("the model was closed");
        // The timer that fires later finds nothing to do.
        time.runAll();
        assertThat(model.calls).isEqualTo(2);
    }

    @Test
    void aSchedulerThatRefusesStartsTheNextTryAtOnce() {
        ManualTime time = new ManualTime();
        time.shutDown = true;
        ScriptedModel model = new ScriptedModel().then(serverError()).thenOk();
        RetryingChatModel retrying = retrying(model, policy(5).build(), time, 0.0);

        assertThat(retrying.complete(REQUEST)).isCompletedWithValue(OK);
        assertThat(model.calls).isEqualTo(2);
    }

    @Test
    void aModelThatThrowsInsteadOfFailingItsFutureFailsTheCall() {
        AsyncChatModel throwing =
                request -> {
                    throw new ModelCallException("cannot render", false);
                };
        RetryingChatModel retrying =
                RetryingChatModel.builder(throwing, policy(3).build())
                        .scheduler(new ManualTime())
                        .build();

        assertThat(failure(retrying.complete(REQUEST)).getMessage()).isEqualTo("cannot render");
    }

    @Test
    void badPoliciesAreRefusedNamingTheSetting() {
        assertThat(catchThrowable(() -> RetryPolicy.builder().maxAttempts(0).build()))
                .hasMessageContaining("attempts must be at least 1");
        assertThat(
                        catchThrowable(
                                () ->
                                        RetryPolicy.builder()
                                                .backoff(
                                                        Duration.ofMillis(1),
                                                        2,
                                                        1.5,
                                                        Duration.ofSeconds(1))
                                                .build()))
                .hasMessageContaining("jitter must be in [0, 1]");
        assertThat(
                        catchThrowable(
                                () -> RetryPolicy.builder().budget(Duration.ofSeconds(-1)).build()))
                .hasMessageContaining("budget must be zero (none) or a positive duration");
    }
}
