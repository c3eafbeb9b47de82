package dev.triad.model.openai;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * When a request counts as hung and may be sent again to another replica (hedged), and how many may
 * be: a request is slow once it has waited {@code hedge-factor} × its replica's own p99 latency (at
 * least {@code hedge-floor}) once the replica has answered {@value #MIN_SAMPLES} requests, so that
 * the percentile means something; before that (a cold replica, whose first requests may hang too)
 * once it has waited {@link #COLD_DELAY} (at least {@code hedge-floor}). A hedge then goes to
 * another replica unless the budget is spent. The budget earns {@code hedge-ratio} of a hedge per
 * request sent, up to {@value #BURST} hedges in reserve, so that hedges stay a small share of the
 * traffic and a fleet that is slow everywhere is not sent twice the load.
 *
 * <p>Threading: thread-safe; {@link #onRequest()} and {@link #tryHedge()} are one CAS each.
 */
final class HedgePolicy {

    /** Answers a replica must have given before its latency decides when to hedge. */
    static final int MIN_SAMPLES = 20;

    /** Hedges kept in reserve at most. */
    static final int BURST = 10;

    /**
     * The hedge delay of a replica with too few answers for a percentile: long for a short chat
     * call, short against the 120 s call timeout. A model slower than this at first is hedged at
     * most the budget's reserve ({@value #BURST}) times before its own latency takes over.
     */
    static final java.time.Duration COLD_DELAY = java.time.Duration.ofSeconds(10);

    /** Successes between two updates of a replica's hedge delay. */
    static final int UPDATE_EVERY = 16;

    /**
     * Whether a replica's hedge delay is computed again at its {@code successes}-th success: as
     * soon as there are enough for a percentile, then every {@value #UPDATE_EVERY}.
     */
    static boolean update(long successes) {
        return successes == MIN_SAMPLES || successes % UPDATE_EVERY == 0;
    }

    private static final long ONE = 1000; // a hedge, in thousandths

    private final boolean enabled;
    private final double factor;
    private final long floorNanos;
    private final long earnedPerRequest;
    private final AtomicLong credit = new AtomicLong(BURST * ONE);

    final LongAdder hedged = new LongAdder();
    final LongAdder hedgesWon = new LongAdder();
    final LongAdder refused = new LongAdder();

    HedgePolicy(OpenAiCompatibleBinding binding) {
        this.enabled = binding.hedge() && binding.baseUrls().size() > 1 && binding.hedgeRatio() > 0;
        this.factor = binding.hedgeFactor();
        this.floorNanos = binding.hedgeFloor().toNanos();
        this.earnedPerRequest = Math.round(binding.hedgeRatio() * ONE);
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * How long after sending a request to {@code replica} it counts as slow: factor × p99, at least
     * the floor; {@link #COLD_DELAY} (at least the floor) while the replica has too few answers; 0
     * (never) when hedging is off.
     */
    long delayNanos(LatencyHistogram.Recorder latency) {
        if (!enabled) {
            return 0;
        }
        if (latency.count() < MIN_SAMPLES) {
            return Math.max(floorNanos, COLD_DELAY.toNanos());
        }
        long p99 = TimeUnit.MICROSECONDS.toNanos(latency.percentileMicros(99));
        return Math.max(floorNanos, (long) (p99 * factor));
    }

    /** A request was sent: the budget earns its share of a hedge. */
    void onRequest() {
        if (!enabled) {
            return;
        }
        long max = BURST * ONE;
        long c;
        do {
            c = credit.get();
            if (c >= max) {
                return;
            }
        } while (!credit.compareAndSet(c, Math.min(max, c + earnedPerRequest)));
    }

    /** Takes one hedge from the budget; false (counted as refused) when it is spent. */
    boolean tryHedge() {
        long c;
        do {
            c = credit.get();
            if (c < ONE) {
                refused.increment();
                return false;
            }
        } while (!credit.compareAndSet(c, c - ONE));
        hedged.increment();
        return true;
    }
}
