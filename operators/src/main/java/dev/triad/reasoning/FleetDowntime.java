package dev.triad.reasoning;

import java.util.ArrayDeque;

/**
 * The stretches of processing time during which some fleet the operator calls was down, so that a
 * question's deadline does not run while its calls could not be answered: {@link #overlap} says how
 * much of a question's life fell into them. The operator's fleet watch opens and closes them once a
 * second; only the most recent {@value #KEPT} are kept (older ones end before any question still
 * running began, or their time is forgotten).
 *
 * <p>Not thread-safe: the task thread only.
 */
final class FleetDowntime {

    static final int KEPT = 64;

    /** Closed stretches, oldest first: {start, end} in milliseconds. */
    private final ArrayDeque<long[]> closed = new ArrayDeque<>();

    /** Start of the stretch going on now, or -1. */
    private long openSince = -1;

    /** Some fleet is down at {@code now}; {@code since} is when it went down (at most now). */
    void down(long since, long now) {
        if (openSince < 0) {
            long last = closed.isEmpty() ? Long.MIN_VALUE : closed.peekLast()[1];
            openSince = Math.max(Math.min(since, now), last);
        }
    }

    /** Every fleet is up at {@code now}. */
    void up(long now) {
        if (openSince >= 0) {
            closed.addLast(new long[] {openSince, now});
            if (closed.size() > KEPT) {
                closed.removeFirst();
            }
            openSince = -1;
        }
    }

    boolean isDown() {
        return openSince >= 0;
    }

    /** Milliseconds of downtime within {@code [from, to]}, the stretch going on now included. */
    long overlap(long from, long to) {
        long sum = 0;
        for (long[] s : closed) {
            sum += Math.max(0, Math.min(to, s[1]) - Math.max(from, s[0]));
        }
        if (openSince >= 0) {
            sum += Math.max(0, to - Math.max(from, openSince));
        }
        return sum;
    }
}
