package dev.triad.model;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the calls of any {@link AsyncChatModel} that fail with a retriable {@link
 * ModelCallException}, as a {@link RetryPolicy} says: the one place where Triad decides whether and
 * when a model call is made again.
 *
 * <p>What happens to a failed try, in order ({@link Retry#onFailure}):
 *
 * <ol>
 *   <li>not a retriable {@link ModelCallException} (401, 400, 404, a closed model, …): the call
 *       fails with it as it is;
 *   <li>the policy's attempts are used up: the call fails with {@link ModelCallException#gaveUp},
 *       not retriable, saying how many attempts were made, the last error and which option raises
 *       the limit;
 *   <li>otherwise the next try waits {@link RetryPolicy#delayNanos}: the exponential backoff with
 *       jitter, and at least the {@code Retry-After} the model asked for (a 429's); a wait that
 *       would start the next try past the policy's budget gives up as in 2.
 * </ol>
 *
 * <p>Followed through, with the adapters' classification ({@link ModelErrors}):
 *
 * <ul>
 *   <li>429 with {@code Retry-After: 2}: retriable, {@code retryAfter} 2 s (from a sole replica);
 *       the next try waits max(backoff, 2 s);
 *   <li>500, 502, 503: retriable; the next try waits the backoff;
 *   <li>connection reset or refused, no answer within {@code timeout}: retriable; the backoff;
 *   <li>400, 401, 403, 404: not retriable; the call fails at once with the adapter's message;
 *   <li>any of the retriable ones on the last attempt, or past the budget: the call fails, not
 *       retriable, "gave up after N attempts (max-attempts); the last: …. To allow more, raise
 *       attempts=N in the openai: binding".
 * </ul>
 *
 * <p>Guarantees: {@link #complete} never blocks and no thread waits out a backoff: the next try is
 * a task on the scheduler. A call that succeeds at once costs one dependent future. Once retries
 * ran out the failure is not retriable, so a caller that retries retriable failures itself does not
 * multiply the attempts. The clock, the scheduler and the jitter's random numbers can be replaced
 * ({@link Builder}) so tests step time by hand.
 *
 * <p>Threading: thread-safe. {@link #close()} closes the wrapped model, then starts every waiting
 * try at once, so it fails the way the closed model fails new calls.
 */
@PublicEvolving
public final class RetryingChatModel implements AsyncChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingChatModel.class);

    /** Runs a task after a delay; refuses ({@link RejectedExecutionException}) once shut down. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    private final AsyncChatModel delegate;
    private final RetryPolicy policy;
    private final Scheduler scheduler;
    private final ScheduledThreadPoolExecutor ownScheduler;
    private final LongSupplier clock;
    private final DoubleSupplier random;
    private final Set<Retry> waiting = ConcurrentHashMap.newKeySet();
    private final LongAdder retries = new LongAdder();
    private final LongAdder gaveUp = new LongAdder();
    private volatile boolean closed;

    private RetryingChatModel(Builder b) {
        this.delegate = b.delegate;
        this.policy = b.policy;
        this.clock = b.clock;
        this.random = b.random;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownScheduler = null;
        } else {
            this.ownScheduler = timer(String.valueOf(b.delegate));
            this.scheduler =
                    (task, nanos) -> ownScheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Wraps {@code delegate} in {@code policy}; {@link Builder#build()} makes the model. */
    public static Builder builder(AsyncChatModel delegate, RetryPolicy policy) {
        return new Builder(delegate, policy);
    }

    /** A single daemon thread, started on the first retry and gone when idle. */
    private static ScheduledThreadPoolExecutor timer(String name) {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "triad-retry-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        LOG.debug("Retry timer for {}", name);
        return timer;
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        long start = policy.budgetNanos() > 0 ? clock.getAsLong() : 0;
        return attempt(request)
                .exceptionallyCompose(error -> new Retry(request, start).onFailure(error));
    }

    /** One try; a model that throws instead of failing its future fails the try all the same. */
    private CompletableFuture<ModelCompletion> attempt(ModelRequest request) {
        try {
            return delegate.complete(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The wrapped model. */
    public AsyncChatModel delegate() {
        return delegate;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Tries made again so far, over all calls. */
    public long retries() {
        return retries.sum();
    }

    /** Calls that failed because their attempts or their budget ran out. */
    public long gaveUp() {
        return gaveUp.sum();
    }

    @Override
    public void registerMetrics(ModelMetricGroup group) {
        delegate.registerMetrics(group);
    }

    /** The wrapped model's. */
    @Override
    public FleetStatus fleetStatus() {
        return delegate.fleetStatus();
    }

    /** The wrapped model's (a call waiting for its retry does not count). */
    @Override
    public boolean saturated() {
        return delegate.saturated();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            delegate.close();
        } finally {
            if (ownScheduler != null) {
                ownScheduler.shutdownNow();
            }
            for (Retry retry : waiting) {
                retry.run();
            }
        }
    }

    @Override
    public String toString() {
        return "RetryingChatModel[" + delegate + ", " + policy + "]";
    }

    /** A call after its first failed try: counts its tries and waits between them. */
    private final class Retry implements Runnable {
        private final ModelRequest request;
        private final long start;
        private final CompletableFuture<ModelCompletion> result = new CompletableFuture<>();
        private int attempts = 1;

        Retry(ModelRequest request, long start) {
            this.request = request;
            this.start = start;
        }

        /** Decides what a failed try leads to; returns the call's future. */
        CompletableFuture<ModelCompletion> onFailure(Throwable error) {
            Throwable cause = ModelErrors.unwrap(error);
            if (!(cause instanceof ModelCallException failure) || !failure.retriable()) {
                result.completeExceptionally(cause);
                return result;
            }
            if (attempts >= policy.maxAttempts()) {
                return giveUp(failure, "max-attempts", policy.attemptsOption());
            }
            long delay =
                    policy.delayNanos(
                            attempts, failure.retryAfterNanosHint(), random.getAsDouble());
            if (policy.budgetNanos() > 0
                    && clock.getAsLong() + delay - start > policy.budgetNanos()) {
                return giveUp(
                        failure,
                        "the next would start past the budget of "
                                + policy.budget().toMillis()
                                + " ms",
                        policy.budgetOption());
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Attempt {} of a {} call failed; the next in {} ms: {}",
                        attempts,
                        request,
                        TimeUnit.NANOSECONDS.toMillis(delay),
                        failure.getMessage());
            }
            waiting.add(this);
            if (closed) {
                run(); // the closed model fails the try as it fails new calls
                return result;
            }
            try {
                scheduler.schedule(this, delay);
            } catch (RejectedExecutionException closing) {
                run();
            }
            return result;
        }

        private CompletableFuture<ModelCompletion> giveUp(
                ModelCallException last, String limit, String option) {
            gaveUp.increment();
            result.completeExceptionally(
                    last.gaveUp(
                            "gave up after "
                                    + attempts
                                    + " attempt"
                                    + (attempts == 1 ? "" : "s")
                                    + " ("
                                    + limit
                                    + "); the last: "
                                    + last.getMessage()
                                    + ". To allow more, raise "
                                    + option));
            return result;
        }

        /** The next try, when its wait is over (or at close); runs once per wait. */
        @Override
        public void run() {
            if (!waiting.remove(this)) {
                return;
            }
            attempts++;
            retries.increment();
            attempt(request)
                    .whenComplete(
                            (completion, error) -> {
                                if (error == null) {
                                    result.complete(completion);
                                } else {
                                    onFailure(error);
                                }
                            });
        }
    }

    /** Builds a {@link RetryingChatModel}; not thread-safe. */
    @PublicEvolving
    public static final class Builder {
        private final AsyncChatModel delegate;
        private final RetryPolicy policy;
        private Scheduler scheduler;
        private LongSupplier clock = System::nanoTime;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        Builder(AsyncChatModel delegate, RetryPolicy policy) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /**
         * Where waits run; by default a daemon thread of this model's own, started on the first
         * retry. A model with a timer thread of its own passes it, so no second thread is made.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The time in nanoseconds, for the budget ({@link System#nanoTime()} by default). */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "clock");
            return this;
        }

        /** Numbers in {@code [0, 1)} drawing the jitter. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public RetryingChatModel build() {
            return new RetryingChatModel(this);
        }
    }
}
