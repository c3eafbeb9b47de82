package dev.triad.reasoning;

import dev.triad.model.FleetStatus;
import dev.triad.model.Role;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A role's whole fleet was down for longer than {@code outage-limit}: the reasoning operator fails
 * the job with it, so that the job stops with its last checkpoint instead of ending its questions
 * FAILED (an outage is not a question's fault). The message names the role, the endpoints, how long
 * the fleet was down and its last failure; a command line turns it into its own message ({@code
 * --resume} once the fleet is back).
 */
@PublicEvolving
public final class FleetOutageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String role;
    private final String endpoints;

    FleetOutageException(Role role, FleetStatus status, Duration downFor, Duration limit) {
        super(
                "The "
                        + role.key()
                        + " fleet ("
                        + status.endpoints()
                        + ") has been down for "
                        + seconds(downFor)
                        + ", longer than outage-limit "
                        + seconds(limit)
                        + ": every replica refused connections or answered 5xx (the last: "
                        + status.lastFailure()
                        + "). The job stops with its last checkpoint; no question was failed for"
                        + " it.");
        this.role = role.key();
        this.endpoints = status.endpoints();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** The role whose fleet was down, e.g. {@code solver}. */
    public String role() {
        return role;
    }

    /** Its endpoints, comma-separated. */
    public String endpoints() {
        return endpoints;
    }
}
