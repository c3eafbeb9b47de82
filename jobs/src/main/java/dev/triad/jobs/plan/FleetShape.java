package dev.triad.jobs.plan;

import dev.triad.model.Role;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * An inference fleet, role by role ({@link RoleFleet}), plus the job's own limit on questions in
 * flight (parallelism × {@code max-questions-in-flight}): what {@link RunPlanner} estimates a run
 * on. Built with {@link #builder()}; immutable.
 */
public final class FleetShape {

    /** The job's default parallelism, as {@code triad run}'s. */
    public static final int DEFAULT_PARALLELISM = 2;

    /** The job's default questions in flight per subtask, as {@code triad run}'s. */
    public static final int DEFAULT_MAX_QUESTIONS_IN_FLIGHT = 1024;

    private final Map<Role, RoleFleet> roles;
    private final int parallelism;
    private final int maxQuestionsInFlight;

    private FleetShape(Map<Role, RoleFleet> roles, int parallelism, int maxQuestionsInFlight) {
        this.roles = Collections.unmodifiableMap(new EnumMap<>(roles));
        this.parallelism = parallelism;
        this.maxQuestionsInFlight = maxQuestionsInFlight;
    }

    /** A builder with the job's default limits and no roles. */
    public static Builder builder() {
        return new Builder();
    }

    /** A role's part of the fleet, or {@code null} when the shape has none. */
    public RoleFleet role(Role role) {
        return roles.get(role);
    }

    /** Every role of the shape. */
    public Map<Role, RoleFleet> roles() {
        return roles;
    }

    /** Parallel subtasks of the reasoning operator. */
    public int parallelism() {
        return parallelism;
    }

    /** (Question, strategy) pairs in flight per subtask at most. */
    public int maxQuestionsInFlight() {
        return maxQuestionsInFlight;
    }

    /** (Question, strategy) pairs the job keeps in flight at most: parallelism × the cap. */
    public long questionsInFlight() {
        return (long) parallelism * maxQuestionsInFlight;
    }

    /** This shape with one role's replicas changed. */
    public FleetShape withReplicas(Role role, int replicas) {
        Map<Role, RoleFleet> changed = new EnumMap<>(roles);
        changed.put(role, roles.get(role).withReplicas(replicas));
        return new FleetShape(changed, parallelism, maxQuestionsInFlight);
    }

    /** Builds a {@link FleetShape}. */
    public static final class Builder {
        private final Map<Role, RoleFleet> roles = new EnumMap<>(Role.class);
        private int parallelism = DEFAULT_PARALLELISM;
        private int maxQuestionsInFlight = DEFAULT_MAX_QUESTIONS_IN_FLIGHT;

        Builder() {}

        /** A role's replicas, slots, GPUs and service time. */
        public Builder role(Role role, RoleFleet fleet) {
            roles.put(role, fleet);
            return this;
        }

        /** Every role at once, e.g. another shape's {@link FleetShape#roles()}. */
        public Builder roles(Map<Role, RoleFleet> fleets) {
            roles.putAll(fleets);
            return this;
        }

        /** The reasoning operator's parallelism (default {@value #DEFAULT_PARALLELISM}). */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Questions in flight per subtask (default {@value #DEFAULT_MAX_QUESTIONS_IN_FLIGHT}). */
        public Builder maxQuestionsInFlight(int maxQuestionsInFlight) {
            this.maxQuestionsInFlight = maxQuestionsInFlight;
            return this;
        }

        /**
         * The shape.
         *
         * @throws IllegalArgumentException naming a limit below 1
         */
        public FleetShape build() {
            if (parallelism < 1) {
                throw new IllegalArgumentException(
                        "parallelism " + parallelism + ": must be at least 1");
            }
            if (maxQuestionsInFlight < 1) {
                throw new IllegalArgumentException(
                        "max-questions-in-flight " + maxQuestionsInFlight + ": must be at least 1");
            }
            return new FleetShape(roles, parallelism, maxQuestionsInFlight);
        }
    }
}
