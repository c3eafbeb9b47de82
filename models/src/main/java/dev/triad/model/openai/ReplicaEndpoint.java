package dev.triad.model.openai;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import dev.triad.model.openai.OpenAiCallException.Kind;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One replica as the client sees it: its adaptive concurrency limit, its request and token buckets,
 * the calls queued for it, the time before which it must not be called ({@code Retry-After}), the
 * time until which it is skipped (it refused a connection), and its counters.
 *
 * <p>Threading: the queue, {@code inFlight}, {@code blockedUntil} and the wake-up timer are guarded
 * by this object's monitor; sections are short and do no I/O. {@link #load} and {@link #downUntil}
 * are volatile so routers read them without the lock.
 */
final class ReplicaEndpoint {

    /** AIMD's decrease on a drop: × 0.75 (the library's default, 0.9, is slow for 429 storms). */
    static final double AIMD_BACKOFF_RATIO = 0.75;

    final int index;
    final String baseUrl;
    final URI chatUri;
    final URI modelsUri;

    /**
     * The replica's Prometheus page (at the server's root, as vLLM, SGLang and llama.cpp serve it).
     */
    final URI metricsUri;

    final Limit limit;

    /** {@link #limit} when it is steered by the replica's own gauges ({@code limit=queue}). */
    final ServerQueueLimit queueLimit;

    private final Bucket requests;
    private final Bucket tokens;
    private final long tokenBurst;

    private final ArrayDeque<Attempt> queue = new ArrayDeque<>();
    private int inFlight;
    private long blockedUntil;
    private ScheduledFuture<?> wake;
    private long wakeAt;

    volatile int load;

    /** {@link #inFlight} for lock-free readers ({@code load - sending} is the queue). */
    volatile int sending;

    /** A reading of {@link #metricsUri} is on its way (one at a time). */
    final java.util.concurrent.atomic.AtomicBoolean reading =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** The replica publishes no gauges the client understands: no more readings. */
    volatile boolean noGauges;

    volatile long downUntil;
    volatile long blockedUntilSeen;
    private volatile CompletableFuture<String> model;

    final LongAdder sent = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final LongAdder cachedTokens = new LongAdder();
    final LongAdder ejections = new LongAdder();
    final LongAdder streamed = new LongAdder();
    final LatencyHistogram.Recorder latency = new LatencyHistogram.Recorder();
    final LatencyHistogram.Recorder timeToFirstToken = new LatencyHistogram.Recorder();
    final Map<Kind, LongAdder> failures = new EnumMap<>(Kind.class);

    ReplicaEndpoint(
            int index,
            String baseUrl,
            OpenAiCompatibleBinding b,
            String configuredModel,
            long requestsPerMinute,
            long tokensPerMinute,
            int sharers) {
        this.index = index;
        this.baseUrl = baseUrl;
        this.chatUri = URI.create(baseUrl + "/chat/completions");
        this.modelsUri = URI.create(baseUrl + "/models");
        this.metricsUri = URI.create(baseUrl).resolve("/metrics");
        Limit limit = limit(b);
        if (b.concurrencyLimit() == OpenAiCompatibleBinding.ConcurrencyLimit.QUEUE) {
            this.queueLimit =
                    new ServerQueueLimit(
                            limit,
                            b.initialConcurrency(),
                            b.minConcurrency(),
                            b.maxConcurrency(),
                            sharers);
            this.limit = queueLimit;
        } else {
            this.queueLimit = null;
            this.limit = limit;
        }
        this.requests = bucket(requestsPerMinute);
        this.tokens = bucket(tokensPerMinute);
        this.tokenBurst = burst(tokensPerMinute);
        long now = System.nanoTime();
        this.blockedUntil = now;
        this.blockedUntilSeen = now;
        this.downUntil = now;
        this.model =
                configuredModel == null ? null : CompletableFuture.completedFuture(configuredModel);
        for (Kind kind : Kind.values()) {
            failures.put(kind, new LongAdder());
        }
    }

    private static Limit limit(OpenAiCompatibleBinding b) {
        switch (b.concurrencyLimit()) {
            case FIXED:
                return FixedLimit.of(b.maxConcurrency());
            case GRADIENT:
                return Gradient2Limit.newBuilder()
                        .initialLimit(b.initialConcurrency())
                        .minLimit(b.minConcurrency())
                        .maxConcurrency(b.maxConcurrency())
                        .build();
            case AIMD:
            case QUEUE: // its fallback
            default:
                return AIMDLimit.newBuilder()
                        .initialLimit(b.initialConcurrency())
                        .minLimit(b.minConcurrency())
                        .maxLimit(b.maxConcurrency())
                        .backoffRatio(AIMD_BACKOFF_RATIO)
                        // A call slower than half the timeout counts as a drop: the fleet is
                        // queueing.
                        .timeout(b.callTimeout().toNanos() / 2, TimeUnit.NANOSECONDS)
                        .build();
        }
    }

    /** One second's worth of the per-minute limit: OpenAI enforces limits at that granularity. */
    static long burst(long perMinute) {
        return Math.max(1, (perMinute + 59) / 60);
    }

    private static Bucket bucket(long perMinute) {
        if (perMinute <= 0) {
            return null;
        }
        return Bucket.builder()
                .addLimit(
                        limit ->
                                limit.capacity(burst(perMinute))
                                        .refillGreedy(perMinute, Duration.ofMinutes(1)))
                .withNanosecondPrecision()
                .build();
    }

    // ------------------------------------------------------------------ guarded by this

    synchronized void enqueue(Attempt attempt) {
        queue.addLast(attempt);
        load = inFlight + queue.size();
        sending = inFlight;
    }

    /**
     * Takes the calls that may start now (a concurrency slot, not before {@code Retry-After}, a
     * request and the estimated tokens from the buckets), in queue order. When the head must wait
     * for time to pass, {@code schedule} is asked for a wake-up at that time.
     */
    synchronized Attempt pollReady(long now, WakeUp schedule) {
        Attempt head = queue.peekFirst();
        if (head == null || inFlight >= limit.getLimit()) {
            return null;
        }
        if (blockedUntil - now > 0) {
            wakeAt(now, blockedUntil, schedule);
            return null;
        }
        long wait = takePermits(head.call.estimatedTokens);
        if (wait > 0) {
            wakeAt(now, now + wait, schedule);
            return null;
        }
        queue.pollFirst();
        inFlight++;
        head.inFlightAtStart = inFlight;
        load = inFlight + queue.size();
        sending = inFlight;
        return head;
    }

    /** 0 when a request and the tokens were taken; otherwise nanoseconds to wait, nothing taken. */
    private long takePermits(long estimatedTokens) {
        if (requests != null) {
            ConsumptionProbe probe = requests.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return Math.max(1, probe.getNanosToWaitForRefill());
            }
        }
        if (tokens != null && estimatedTokens > 0) {
            // A prompt larger than the burst waits for a full bucket and leaves a debt behind.
            long now = Math.min(estimatedTokens, tokenBurst);
            ConsumptionProbe probe = tokens.tryConsumeAndReturnRemaining(now);
            if (!probe.isConsumed()) {
                if (requests != null) {
                    requests.addTokens(1);
                }
                return Math.max(1, probe.getNanosToWaitForRefill());
            }
            if (estimatedTokens > now) {
                tokens.consumeIgnoringRateLimits(estimatedTokens - now);
            }
        }
        return 0;
    }

    private void wakeAt(long now, long at, WakeUp schedule) {
        // A wake-up still ahead and no later than needed will do; one that is due may be the very
        // one running this pump, so a new one is set.
        if (wake != null && !wake.isDone() && wakeAt - now > 0 && wakeAt - at <= 0) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = at;
        wake = schedule.after(Math.max(0, at - now));
    }

    /**
     * An attempt left the wire: frees its slot, honours {@code Retry-After} and settles the token
     * estimate against the usage the server reported (0 when unknown).
     */
    synchronized void release(Attempt attempt, long now, long retryAfterNanos, long usedTokens) {
        inFlight--;
        if (retryAfterNanos > 0 && now + retryAfterNanos - blockedUntil > 0) {
            blockedUntil = now + retryAfterNanos;
            blockedUntilSeen = blockedUntil;
        }
        load = inFlight + queue.size();
        sending = inFlight;
        if (tokens != null && usedTokens > 0) {
            long diff = usedTokens - attempt.call.estimatedTokens;
            if (diff > 0) {
                tokens.consumeIgnoringRateLimits(diff);
            } else if (diff < 0) {
                tokens.addTokens(-diff);
            }
        }
    }

    /** Empties the queue (to route its calls elsewhere, or to fail them on close). */
    synchronized ArrayDeque<Attempt> drain() {
        ArrayDeque<Attempt> out = new ArrayDeque<>(queue);
        queue.clear();
        load = inFlight;
        sending = inFlight;
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        return out;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int queued() {
        return queue.size();
    }

    // ------------------------------------------------------------------ lock-free

    /** Whether the replica may be routed to at {@code now}: not ejected, not asked to wait. */
    boolean available(long now, boolean honourRetryAfter) {
        return downUntil - now <= 0 && (!honourRetryAfter || blockedUntilSeen - now <= 0);
    }

    boolean down(long now) {
        return downUntil - now > 0;
    }

    /** The model name, once known; {@code null} before the first look-up. */
    CompletableFuture<String> model() {
        return model;
    }

    void model(CompletableFuture<String> lookup) {
        this.model = lookup;
    }

    /** Schedules a wake-up of the replica's queue. */
    @FunctionalInterface
    interface WakeUp {
        ScheduledFuture<?> after(long nanos);
    }
}
