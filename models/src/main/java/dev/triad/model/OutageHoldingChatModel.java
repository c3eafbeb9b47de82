package dev.triad.model;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the calls of a model with one endpoint while that endpoint is down, instead of failing
 * them: the outage handling of {@code langchain4j:} roles, as the {@code openai:} client has its
 * own for a fleet of replicas. Wrap the model under its {@link RetryingChatModel}, so that a call
 * held here uses up none of its attempts.
 *
 * <p>A failure counts towards an outage when its {@link ModelCallException#serverSign()} says the
 * server is not working ({@link ModelCallException.ServerSign#FAILING}: a broken connection, a 5xx)
 * or not there ({@link ModelCallException.ServerSign#REFUSED}). The endpoint is <i>down</i> after
 * {@value #FAILURES_TO_FAIL} such failures in a row, or at once after a refused connection; any
 * answer from a live server (a success, a 4xx, a 429) ends the run of failures. While down, the try
 * that found it so and every new call are parked here; one parked call at a time is sent as the
 * probe, first after {@link #FIRST_PROBE}, then with the wait doubling up to {@link
 * #MAX_PROBE_INTERVAL}; the first answer from a live server ends the outage and sends every parked
 * call again. A timeout says nothing either way. {@link #fleetStatus()} says the endpoint is down,
 * since when and the last failure; how long to wait is the caller's decision (the reasoning
 * operator's {@code outage-limit}).
 *
 * <p>Threading: thread-safe; sections under this object's monitor are short and call nothing
 * outside it. {@link #fleetStatus()} is a volatile read. {@link #close()} closes the wrapped model
 * and fails every parked call with what the closed model answers.
 */
@PublicEvolving
public final class OutageHoldingChatModel implements AsyncChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(OutageHoldingChatModel.class);

    /** Outage failures in a row after which the endpoint is down. */
    public static final int FAILURES_TO_FAIL = 3;

    /** The wait before the first probe of an endpoint that just went down. */
    public static final Duration FIRST_PROBE = Duration.ofMillis(200);

    /** The longest wait between two probes. */
    public static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

    private final AsyncChatModel delegate;
    private final String endpoint;
    private final RetryingChatModel.Scheduler scheduler;
    private final ScheduledThreadPoolExecutor ownScheduler;
    private final LongSupplier clock;
    private final ArrayDeque<Held> parked = new ArrayDeque<>();
    private final LongAdder outages = new LongAdder();
    private final LongAdder probes = new LongAdder();
    private int failuresInARow;
    private boolean down;
    private boolean probing;
    private long probeDelayNanos;
    private volatile FleetStatus status = FleetStatus.UP;
    private volatile boolean suspect;
    private volatile boolean closed;

    private OutageHoldingChatModel(Builder b) {
        this.delegate = b.delegate;
        this.endpoint = b.endpoint;
        this.clock = b.clock;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownScheduler = null;
        } else {
            this.ownScheduler = timer();
            this.scheduler =
                    (task, nanos) -> ownScheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Wraps {@code delegate}, whose endpoint {@code endpoint} names in the outage message (e.g.
     * {@code langchain4j:ollama@http://gpu-1:11434}).
     */
    public static Builder builder(AsyncChatModel delegate, String endpoint) {
        return new Builder(delegate, endpoint);
    }

    private static ScheduledThreadPoolExecutor timer() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "triad-outage-probe-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        Held call = new Held(request);
        if (!status.down() || !park(call, false)) {
            send(call);
        }
        return call.result;
    }

    /** Sends one try of {@code call} and decides what its outcome means. */
    private void send(Held call) {
        CompletableFuture<ModelCompletion> attempt;
        try {
            attempt = delegate.complete(call.request);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete(
                (completion, error) -> {
                    if (error == null) {
                        alive();
                        call.result.complete(completion);
                    } else if (!failed(call, ModelErrors.unwrap(error))) {
                        call.result.completeExceptionally(ModelErrors.unwrap(error));
                    }
                });
    }

    /**
     * A try failed with {@code error}: counts it, and when the endpoint is (now) down parks the
     * call; true when parked (its future must not be completed).
     */
    private boolean failed(Held call, Throwable error) {
        ModelCallException failure = error instanceof ModelCallException e ? e : null;
        if (closed || failure == null) {
            return false;
        }
        ModelCallException.ServerSign sign = failure.serverSign();
        if (sign == ModelCallException.ServerSign.SILENT) {
            return call.probe && park(call, true);
        }
        if (sign == ModelCallException.ServerSign.ANSWERED) {
            alive();
            return false;
        }
        boolean probe;
        synchronized (this) {
            failuresInARow =
                    sign == ModelCallException.ServerSign.REFUSED
                            ? Math.max(failuresInARow + 1, FAILURES_TO_FAIL)
                            : failuresInARow + 1;
            suspect = true;
            if (!down && failuresInARow >= FAILURES_TO_FAIL) {
                down = true;
                probeDelayNanos = FIRST_PROBE.toNanos();
                outages.increment();
                status = new FleetStatus(true, clock.getAsLong(), endpoint, failure.getMessage());
                LOG.warn(
                        "{} is failing (the last: {}); calls wait for it and one probes it",
                        endpoint,
                        failure.getMessage());
            }
            if (!down) {
                return false;
            }
            if (call.probe) {
                status =
                        new FleetStatus(
                                true, status.downSinceNanos(), endpoint, failure.getMessage());
                backOff();
                parked.addFirst(call);
            } else {
                parked.addLast(call);
            }
            probe = startProbing();
        }
        if (probe) {
            scheduleProbe();
        }
        return true;
    }

    /** Parks {@code call} while down (a probe that got no answer goes first); true when parked. */
    private boolean park(Held call, boolean unansweredProbe) {
        boolean probe;
        synchronized (this) {
            if (!down || closed) {
                return false;
            }
            if (unansweredProbe) {
                backOff();
                parked.addFirst(call);
            } else {
                parked.addLast(call);
            }
            probe = startProbing();
        }
        if (probe) {
            scheduleProbe();
        }
        return true;
    }

    /** Under the lock: the probe in flight came back without the endpoint; wait longer. */
    private void backOff() {
        probing = false;
        probeDelayNanos = Math.min(probeDelayNanos * 2, MAX_PROBE_INTERVAL.toNanos());
    }

    /** The endpoint answered as a live server: the run of failures ends, and an outage. */
    private void alive() {
        if (!suspect) {
            return;
        }
        List<Held> release;
        synchronized (this) {
            failuresInARow = 0;
            suspect = false;
            if (!down) {
                return;
            }
            long downFor = clock.getAsLong() - status.downSinceNanos();
            down = false;
            probing = false;
            status = FleetStatus.UP;
            release = new ArrayList<>(parked);
            parked.clear();
            LOG.warn(
                    "{} is back after {} ms; {} waiting calls are sent again",
                    endpoint,
                    TimeUnit.NANOSECONDS.toMillis(downFor),
                    release.size());
        }
        for (Held call : release) {
            call.probe = false;
            send(call);
        }
    }

    /** Under the lock: whether the caller must schedule the next probe (none is on its way). */
    private boolean startProbing() {
        if (probing || parked.isEmpty()) {
            return false;
        }
        probing = true;
        return true;
    }

    private void scheduleProbe() {
        long delay;
        synchronized (this) {
            delay = probeDelayNanos;
        }
        try {
            scheduler.schedule(this::probe, delay);
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                probing = false;
            }
        }
    }

    /** Sends the oldest parked call as the probe. */
    private void probe() {
        Held call;
        synchronized (this) {
            call = down && !closed ? parked.pollFirst() : null;
            if (call == null) {
                probing = false;
                return;
            }
        }
        call.probe = true;
        probes.increment();
        LOG.debug("Probing {}", endpoint);
        send(call);
    }

    /** The wrapped model. */
    public AsyncChatModel delegate() {
        return delegate;
    }

    /** Calls parked now, waiting for the endpoint. */
    public synchronized int parked() {
        return parked.size();
    }

    /** Outages so far. */
    public long outages() {
        return outages.sum();
    }

    /** Probes sent so far. */
    public long probes() {
        return probes.sum();
    }

    /** Down while the endpoint fails; a volatile read. */
    @Override
    public FleetStatus fleetStatus() {
        return status;
    }

    /** The wrapped model's. */
    @Override
    public boolean saturated() {
        return delegate.saturated();
    }

    /** The wrapped model's. */
    @Override
    public int callsWaitingLong() {
        return delegate.callsWaitingLong();
    }

    @Override
    public void registerMetrics(ModelMetricGroup group) {
        delegate.registerMetrics(group);
        group.gauge("fleetDown", () -> status.down() ? 1 : 0);
        group.gauge("fleetDownMs", () -> status.downFor(clock.getAsLong()).toMillis());
        group.counter("outages", outages::sum);
        group.counter("outageProbes", probes::sum);
        group.gauge("callsWaitingForFleet", this::parked);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Held> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(parked);
            parked.clear();
        }
        try {
            delegate.close();
        } finally {
            if (ownScheduler != null) {
                ownScheduler.shutdownNow();
            }
            for (Held call : waiting) {
                send(call); // the closed model fails it as it fails new calls
            }
        }
    }

    @Override
    public String toString() {
        return "OutageHoldingChatModel[" + delegate + "]";
    }

    /** One call, through its tries while the endpoint is down. */
    private static final class Held {
        final ModelRequest request;
        final CompletableFuture<ModelCompletion> result = new CompletableFuture<>();
        volatile boolean probe;

        Held(ModelRequest request) {
            this.request = request;
        }
    }

    /** Builds an {@link OutageHoldingChatModel}; not thread-safe. */
    @PublicEvolving
    public static final class Builder {
        private final AsyncChatModel delegate;
        private final String endpoint;
        private RetryingChatModel.Scheduler scheduler;
        private LongSupplier clock = System::nanoTime;

        Builder(AsyncChatModel delegate, String endpoint) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** Where probes wait; by default a daemon thread of this model's own, made when needed. */
        public Builder scheduler(RetryingChatModel.Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The time in nanoseconds ({@link System#nanoTime()} by default). */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "clock");
            return this;
        }

        public OutageHoldingChatModel build() {
            return new OutageHoldingChatModel(this);
        }
    }
}
