package dev.triad.jobs.plan;

import java.util.Objects;

/**
 * One role's part of an inference fleet: replicas, the sequences each runs at once (vLLM's {@code
 * --max-num-seqs}), the GPUs each takes, and how long a call holds a slot ({@link ServiceTime}).
 *
 * @param replicas replicas serving the role, at least 1
 * @param slots sequences one replica runs at once, at least 1
 * @param gpusPerReplica GPUs one replica takes (its tensor-parallel size), at least 0
 * @param service how long a call holds a slot
 */
public record RoleFleet(int replicas, int slots, double gpusPerReplica, ServiceTime service) {

    public RoleFleet {
        Objects.requireNonNull(service, "service");
        if (replicas < 1) {
            throw new IllegalArgumentException(
                    "replicas " + replicas + ": a role needs at least 1 replica");
        }
        if (slots < 1) {
            throw new IllegalArgumentException(
                    "slots " + slots + ": a replica runs at least 1 sequence at once");
        }
        if (!(gpusPerReplica >= 0) || Double.isInfinite(gpusPerReplica)) {
            throw new IllegalArgumentException(
                    "GPUs per replica " + gpusPerReplica + ": must be 0 or more");
        }
    }

    /** The same role with another replica count. */
    public RoleFleet withReplicas(int replicas) {
        return new RoleFleet(replicas, slots, gpusPerReplica, service);
    }
}
