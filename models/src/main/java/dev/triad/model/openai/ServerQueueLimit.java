package dev.triad.model.openai;

import com.netflix.concurrency.limits.Limit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A replica's concurrency limit steered by the queue the replica itself reports: its running and
 * waiting requests ({@code vllm:num_requests_running} / {@code _waiting} and their SGLang and
 * llama.cpp twins, read from {@code /metrics} by {@link ServerLoad}). The aim is a replica whose
 * slots are always full while few requests wait behind them: a request waiting at the server costs
 * a question its latency and buys no throughput once every slot is busy.
 *
 * <p><b>The rule</b>, applied at each reading of the gauges (every {@link
 * OpenAiClient#GAUGE_INTERVAL_MS} ms while the client has calls for the replica):
 *
 * <ul>
 *   <li>The replica's capacity {@code S}: the running count when requests wait (the scheduler is
 *       full; with vLLM that includes the KV-cache bound), else the most seen running since.
 *   <li>The waiting allowed {@code T = max(1, ⌈S × }{@value #WAITING_PER_SLOT}{@code ⌉)}: enough to
 *       refill a slot the moment it frees, well under half the slots.
 *   <li>More waiting than {@code T}: this client gives back its share of the excess ({@code in
 *       flight here ÷ (running + waiting)} of it): the limit becomes its calls in flight less that
 *       share, so that clients sharing a replica (the subtasks of a job, other jobs) cut in
 *       proportion to what they send and together remove the excess once.
 *   <li>Fewer waiting than {@code T} (or free slots) while this client has demand (calls queued for
 *       the replica, or as many in flight as the limit allows: the reasoning operator admits no
 *       question while calls are queued, so a full limit is what demand looks like then): it takes
 *       the room, at least an equal share of it among the job's subtasks.
 *   <li>The capacity not known yet (nothing ever waited): the limit grows by half while there is
 *       demand, as a slow start does.
 *   <li>A 429, a 503 or a timeout cuts the limit to three quarters, as AIMD does.
 * </ul>
 *
 * <p>Each reading sets the limit from the replica's state at that moment, not by accumulating
 * steps, so a slow reading does not make the limit overshoot. Where the replica publishes no such
 * gauges (an API without {@code /metrics}, a server that names them otherwise) or the last reading
 * is older than {@link #STALE_AFTER_NANOS}, the limit is the {@code fallback}'s (AIMD on latency
 * and drops), which sees every sample all along.
 *
 * <p>Threading: thread-safe; readings and samples come from the client's HTTP threads.
 */
final class ServerQueueLimit implements Limit {

    /** The waiting allowed per slot of the replica (a quarter: well under the half targeted). */
    static final double WAITING_PER_SLOT = 0.25;

    /** A reading older than this no longer steers the limit: the fallback does. */
    static final long STALE_AFTER_NANOS = 3L * OpenAiClient.GAUGE_INTERVAL_MS * 1_000_000L;

    private static final double DROP_RATIO = ReplicaEndpoint.AIMD_BACKOFF_RATIO;

    private final Limit fallback;
    private final int minLimit;
    private final int maxLimit;
    private final int sharers;
    private final List<Consumer<Integer>> listeners = new CopyOnWriteArrayList<>();

    private int limit; // guarded by this
    private int capacity; // guarded by this; 0 until requests were seen waiting
    private volatile long lastReadingNanos;
    private volatile boolean steering;

    /**
     * @param fallback the limit used while no fresh reading steers (fed every sample)
     * @param initialLimit the limit before the first reading
     * @param sharers the subtasks of the job that share the replica (an equal share of free room is
     *     taken at least)
     */
    ServerQueueLimit(Limit fallback, int initialLimit, int minLimit, int maxLimit, int sharers) {
        this.fallback = fallback;
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
        this.sharers = Math.max(1, sharers);
        this.limit = clamp(initialLimit);
    }

    /**
     * One reading of the replica's gauges.
     *
     * @param now {@link System#nanoTime()} of the reading
     * @param load what the replica reported
     * @param inFlight this client's calls at the replica now
     * @param queued this client's calls waiting for a slot of this limit
     */
    void onReading(long now, ServerLoad load, int inFlight, int queued) {
        int before;
        int after;
        synchronized (this) {
            before = current();
            int running = load.running();
            int waiting = load.waiting();
            if (waiting > 0) {
                capacity = running;
            } else if (capacity > 0) {
                capacity = Math.max(capacity, running);
            }
            int total = running + waiting;
            double share = total > 0 ? Math.min(1.0, (double) inFlight / total) : 1.0;
            boolean demand = queued > 0 || inFlight >= limit;
            if (capacity == 0) {
                if (demand) {
                    limit = clamp(Math.max(limit, inFlight + Math.max(1, inFlight / 2)));
                }
            } else {
                int allowed = allowedWaiting(capacity);
                if (waiting > allowed) {
                    limit = clamp(inFlight - (int) Math.ceil(share * (waiting - allowed)));
                } else if (demand) {
                    int room = (allowed - waiting) + Math.max(0, capacity - running);
                    if (room > 0) {
                        double take = Math.max(share, 1.0 / sharers);
                        limit = clamp(Math.max(limit, inFlight + (int) Math.ceil(take * room)));
                    }
                }
            }
            lastReadingNanos = now;
            steering = true;
            after = limit;
        }
        if (after != before) {
            listeners.forEach(l -> l.accept(after));
        }
    }

    /** The waiting a replica of {@code capacity} slots is allowed. */
    static int allowedWaiting(int capacity) {
        return Math.max(1, (int) Math.ceil(capacity * WAITING_PER_SLOT));
    }

    /** The replica publishes no gauges: the fallback steers from now on. */
    void noReadings() {
        steering = false;
    }

    /** Whether the replica's own gauges steer the limit now (a fresh reading). */
    boolean steering(long now) {
        return steering && now - lastReadingNanos <= STALE_AFTER_NANOS;
    }

    /** The replica's capacity as last read (0 before requests were seen waiting). */
    synchronized int capacity() {
        return capacity;
    }

    @Override
    public int getLimit() {
        if (steering(System.nanoTime())) {
            synchronized (this) {
                return limit;
            }
        }
        return fallback.getLimit();
    }

    private int current() {
        return steering(System.nanoTime()) ? limit : fallback.getLimit();
    }

    @Override
    public void notifyOnChange(Consumer<Integer> consumer) {
        listeners.add(consumer);
    }

    @Override
    public void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
        fallback.onSample(startTime, rtt, inflight, didDrop);
        if (didDrop) {
            synchronized (this) {
                limit = clamp((int) (limit * DROP_RATIO));
            }
        }
    }

    private int clamp(int value) {
        return Math.max(minLimit, Math.min(maxLimit, value));
    }

    @Override
    public String toString() {
        return "ServerQueueLimit["
                + getLimit()
                + (steering(System.nanoTime()) ? "" : ", fallback")
                + "]";
    }
}
