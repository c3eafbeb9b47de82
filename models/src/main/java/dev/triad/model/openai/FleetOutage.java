package dev.triad.model.openai;

import dev.triad.model.FleetStatus;
import dev.triad.model.openai.OpenAiCallException.Kind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one client's whole fleet is down, and the calls that wait for it: the one probe loop of a
 * role's model (per subtask), instead of every call retrying on its own.
 *
 * <p>A replica is <i>failing</i> after {@value #FAILURES_TO_FAIL} outage failures in a row (a
 * refused connection, a broken one, or a 5xx; see {@link #isOutage}), or at once after a refused
 * connection; any answer that shows a live server (a success, a 4xx, a 429, a body that does not
 * parse) clears it. When every replica is failing the fleet is <i>down</i>: the try that found it
 * so, and every try after it, is parked here rather than failed, so that no call uses up its
 * attempts and no question ends FAILED because of the fleet. While down, one parked try at a time
 * is sent as the probe, to the replicas in turn, first after {@link #FIRST_PROBE}, then with the
 * wait doubling up to {@link #MAX_PROBE_INTERVAL}; the first answer from a live server ends the
 * outage and sends every parked try again.
 *
 * <p>How long an outage may last is the caller's decision (the reasoning operator's {@code
 * outage-limit}), read from {@link #status()}. {@link #close()} hands back what is parked.
 *
 * <p>Threading: thread-safe; sections under this object's monitor are short and call nothing
 * outside it. {@link #status()} and {@link #suspect()} are volatile reads, for the hot path.
 */
final class FleetOutage {

    private static final Logger LOG = LoggerFactory.getLogger(FleetOutage.class);

    /** Outage failures in a row after which a replica counts as failing. */
    static final int FAILURES_TO_FAIL = 3;

    /** The wait before the first probe of a fleet that just went down. */
    static final Duration FIRST_PROBE = Duration.ofMillis(200);

    /** The longest wait between two probes. */
    static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

    /** What the client does for the outage: send a probe, send parked tries again, run timers. */
    interface Fleet {
        /** Sends {@code attempt} to replica {@code replica}, whether it is skipped or not. */
        void probe(int replica, Attempt attempt);

        /** Routes and sends these tries as new ones. */
        void release(List<Attempt> attempts);

        /** Runs {@code task} after {@code nanos}; false when the client is closed. */
        boolean schedule(Runnable task, long nanos);
    }

    private final String endpoints;
    private final Fleet fleet;
    private final int[] failuresInARow;
    private final ArrayDeque<Attempt> parked = new ArrayDeque<>();
    private boolean down;
    private boolean probing;
    private long probeDelayNanos;
    private int nextProbe;
    private int failing;
    private volatile FleetStatus status = FleetStatus.UP;
    private volatile boolean suspect;

    final LongAdder outages = new LongAdder();
    final LongAdder probes = new LongAdder();

    FleetOutage(String endpoints, int replicas, Fleet fleet) {
        this.endpoints = endpoints;
        this.fleet = fleet;
        this.failuresInARow = new int[replicas];
    }

    /** A failure that says the server is not there or not working: refused, broken, 5xx. */
    static boolean isOutage(OpenAiCallException error) {
        return error.kind() == Kind.CONNECT
                || error.kind() == Kind.CONNECTION
                || (error.kind() == Kind.SERVER_ERROR && error.status() >= 500);
    }

    /** A failure that says nothing about the server either way: no answer in time, or closed. */
    private static boolean neutral(OpenAiCallException error) {
        return error.kind() == Kind.TIMEOUT || error.kind() == Kind.CLOSED;
    }

    FleetStatus status() {
        return status;
    }

    /** Whether a replica is failing or the fleet is down: only then does a success change it. */
    boolean suspect() {
        return suspect;
    }

    synchronized int parked() {
        return parked.size();
    }

    /** Parks a new try while the fleet is down (a probe goes through); true when parked. */
    boolean parkIfDown(Attempt attempt) {
        if (!status.down() || attempt.probe) {
            return false;
        }
        boolean probe;
        synchronized (this) {
            if (!down) {
                return false;
            }
            parked.addLast(attempt);
            probe = startProbing();
        }
        if (probe) {
            scheduleProbe();
        }
        return true;
    }

    /**
     * A try of replica {@code replica} failed with {@code error}: counts it, and when the fleet is
     * (now) down parks it to wait for the fleet.
     *
     * @return true when parked: its future must not be completed
     */
    boolean failed(int replica, Attempt attempt, OpenAiCallException error, long now) {
        if (!isOutage(error)) {
            if (neutral(error)) {
                return attempt.probe && parkProbe(attempt, error);
            }
            alive(replica);
            return false;
        }
        boolean probe;
        synchronized (this) {
            int before = failuresInARow[replica];
            int after =
                    error.kind() == Kind.CONNECT
                            ? Math.max(before + 1, FAILURES_TO_FAIL)
                            : before + 1;
            failuresInARow[replica] = after;
            if (before < FAILURES_TO_FAIL && after >= FAILURES_TO_FAIL) {
                failing++;
            }
            suspect = true;
            if (!down && failing == failuresInARow.length) {
                down = true;
                probeDelayNanos = FIRST_PROBE.toNanos();
                outages.increment();
                status = new FleetStatus(true, now, endpoints, error.getMessage());
                LOG.warn(
                        "Every replica of {} is failing (the last: {}); calls wait for the fleet"
                                + " and one probes it",
                        endpoints,
                        error.getMessage());
            }
            if (!down) {
                return false;
            }
            if (attempt.probe) {
                status =
                        new FleetStatus(
                                true, status.downSinceNanos(), endpoints, error.getMessage());
                parked.addFirst(attempt.again());
                probing = false;
                probeDelayNanos = Math.min(probeDelayNanos * 2, MAX_PROBE_INTERVAL.toNanos());
            } else {
                parked.addLast(attempt.again());
            }
            probe = startProbing();
        }
        if (probe) {
            scheduleProbe();
        }
        return true;
    }

    /** A probe that got no answer (timed out): parks it again and probes later. */
    private boolean parkProbe(Attempt attempt, OpenAiCallException error) {
        boolean probe;
        synchronized (this) {
            if (!down) {
                return false;
            }
            parked.addFirst(attempt.again());
            probing = false;
            probeDelayNanos = Math.min(probeDelayNanos * 2, MAX_PROBE_INTERVAL.toNanos());
            probe = startProbing();
        }
        if (probe) {
            scheduleProbe();
        }
        return true;
    }

    /** Replica {@code replica} answered as a live server: it is not failing; an outage ends. */
    void alive(int replica) {
        if (!suspect) {
            return;
        }
        List<Attempt> release;
        synchronized (this) {
            if (failuresInARow[replica] >= FAILURES_TO_FAIL) {
                failing--;
            }
            failuresInARow[replica] = 0;
            if (!down) {
                suspect = failing > 0 || anyFailures();
                return;
            }
            long downFor = System.nanoTime() - status.downSinceNanos();
            down = false;
            probing = false;
            status = FleetStatus.UP;
            suspect = failing > 0 || anyFailures();
            release = new ArrayList<>(parked);
            parked.clear();
            LOG.warn(
                    "{} is back after {} ms; {} waiting calls are sent again",
                    endpoints,
                    TimeUnit.NANOSECONDS.toMillis(downFor),
                    release.size());
        }
        fleet.release(release);
    }

    private boolean anyFailures() {
        for (int n : failuresInARow) {
            if (n > 0) {
                return true;
            }
        }
        return false;
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
        if (!fleet.schedule(this::probe, delay)) {
            synchronized (this) {
                probing = false;
            }
        }
    }

    /** Sends the oldest parked try to the next replica in turn. */
    private void probe() {
        Attempt attempt;
        int replica;
        synchronized (this) {
            attempt = down ? parked.pollFirst() : null;
            if (attempt == null) {
                probing = false;
                return;
            }
            replica = nextProbe;
            nextProbe = (nextProbe + 1) % failuresInARow.length;
        }
        attempt.probe = true;
        probes.increment();
        LOG.debug("Probing {} (replica {})", endpoints, replica);
        fleet.probe(replica, attempt);
    }

    /** Empties the parked tries (to fail them when the client closes). */
    synchronized List<Attempt> close() {
        List<Attempt> out = new ArrayList<>(parked);
        parked.clear();
        return out;
    }
}
