package dev.triad.model;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Whether a model's whole fleet is reachable: up, or down since a moment (every replica refused
 * connections, broke them or answered 5xx), with the endpoints and the last failure for the message
 * that names them. A model that is down holds its calls until it is back (they neither fail nor are
 * retried one by one); the caller decides how long it waits ({@code outage-limit} of the reasoning
 * operator) and whether it starts new work meanwhile.
 *
 * @param down whether every replica is failing now
 * @param downSinceNanos {@link System#nanoTime()} when the fleet went down; 0 when up
 * @param endpoints the fleet's endpoints, e.g. {@code http://gpu-1:8000/v1,http://gpu-2:8000/v1}
 * @param lastFailure the failure that made or kept it down (no key, prompt or answer); empty when
 *     up
 */
@PublicEvolving
public record FleetStatus(boolean down, long downSinceNanos, String endpoints, String lastFailure) {

    /** A fleet that is up (and the status of every model that cannot tell). */
    public static final FleetStatus UP = new FleetStatus(false, 0, "", "");

    /** How long it has been down at {@code nowNanos} ({@link System#nanoTime()}); zero when up. */
    public Duration downFor(long nowNanos) {
        return down ? Duration.ofNanos(Math.max(0, nowNanos - downSinceNanos)) : Duration.ZERO;
    }
}
