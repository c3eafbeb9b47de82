package dev.triad.simulator;

import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Objects;

/**
 * The latency of one simulated call, after llm-d-inference-sim: the one formula the in-process
 * {@link SimulatedModel} and the simulated HTTP server both use.
 *
 * <p>For a call of a role, with that role's {@link Figures}:
 *
 * <ul>
 *   <li>time to first token {@code = (prefillOverheadMs + uncached prompt tokens ×
 *       prefillPerTokenUs / 1000) × factor};
 *   <li>then {@code (completion tokens − 1) × interTokenMs × factor} until the last token;
 *   <li>{@code factor = slowdown × (1 + jitter × (2u − 1))}, with {@code u} a deterministic draw in
 *       [0, 1) per call and {@code slowdown = 1 + (loadFactor − 1) × running / maxNumSeqs} on a
 *       server replica.
 * </ul>
 *
 * <p>The server knows its prefix cache and its load; the in-process model has neither, so it uses
 * the same formula with every prompt token uncached and a slowdown of 1.
 *
 * <p>Immutable, thread-safe and serialisable.
 *
 * @param decomposer the decomposer's figures
 * @param solver the solver's figures (also those of a call the server cannot place)
 * @param verifier the verifier's figures
 * @param jitter the fraction a call's latency varies either way, in [0, 1) (0.2 = ±20%)
 */
public record LatencyModel(Figures decomposer, Figures solver, Figures verifier, double jitter)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** No latency at all: every call completes at once. */
    public static final LatencyModel NONE = uniform(Figures.NONE, 0);

    /** Key of the prefill overhead, in milliseconds. */
    public static final String KEY_PREFILL_OVERHEAD = "prefill-overhead-ms";

    /** Key of the prefill cost per uncached prompt token, in microseconds. */
    public static final String KEY_PREFILL_PER_TOKEN = "prefill-per-token-us";

    /** Key of the time between two output tokens, in milliseconds. */
    public static final String KEY_INTER_TOKEN = "inter-token-ms";

    /** Key of the jitter fraction. */
    public static final String KEY_JITTER = "latency-jitter";

    /**
     * One role's latency figures.
     *
     * @param prefillOverheadMs fixed part of the time to first token, in milliseconds
     * @param prefillPerTokenUs prefill time per uncached prompt token, in microseconds
     * @param interTokenMs time between two output tokens, in milliseconds
     */
    public record Figures(double prefillOverheadMs, double prefillPerTokenUs, double interTokenMs)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** No latency. */
        public static final Figures NONE = new Figures(0, 0, 0);

        /** Whether a call with these figures takes any time at all. */
        public boolean hasLatency() {
            return prefillOverheadMs > 0 || prefillPerTokenUs > 0 || interTokenMs > 0;
        }
    }

    /** Names the keys of one role's figures in error messages, e.g. {@code solver-base-ms}. */
    @FunctionalInterface
    public interface KeyNamer {
        /** The key of {@code figure} ({@code prefill-overhead-ms}, ...) for {@code role}. */
        String key(Role role, String figure);
    }

    public LatencyModel {
        Objects.requireNonNull(decomposer, "decomposer");
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(verifier, "verifier");
    }

    /** The same figures for every role. */
    public static LatencyModel uniform(Figures figures, double jitter) {
        return new LatencyModel(figures, figures, figures, jitter);
    }

    /** A role's figures. */
    public Figures of(Role role) {
        switch (role) {
            case DECOMPOSER:
                return decomposer;
            case VERIFIER:
                return verifier;
            case SOLVER:
            default:
                return solver;
        }
    }

    /** These settings with one role's figures replaced. */
    public LatencyModel with(Role role, Figures figures) {
        return new LatencyModel(
                role == Role.DECOMPOSER ? figures : decomposer,
                role == Role.SOLVER ? figures : solver,
                role == Role.VERIFIER ? figures : verifier,
                jitter);
    }

    /** These figures with another jitter. */
    public LatencyModel withJitter(double jitter) {
        return new LatencyModel(decomposer, solver, verifier, jitter);
    }

    /** Whether every role has the same figures (so a server need not know a call's role). */
    public boolean isUniform() {
        return decomposer.equals(solver) && verifier.equals(solver);
    }

    /** Whether any role's calls take any time (otherwise calls complete at once). */
    public boolean hasLatency() {
        return decomposer.hasLatency() || solver.hasLatency() || verifier.hasLatency();
    }

    /**
     * The factor a call's latency is multiplied by: the slowdown with load times the jitter.
     *
     * @param slowdown 1 with no load
     * @param unit the call's draw in [0, 1)
     */
    public double factor(double slowdown, double unit) {
        return slowdown * (1 + jitter * (2 * unit - 1));
    }

    /** Time to first token in milliseconds: prefill overhead plus the uncached prompt's prefill. */
    public double timeToFirstTokenMs(Role role, int uncachedPromptTokens, double factor) {
        Figures f = of(role);
        return (f.prefillOverheadMs + uncachedPromptTokens * f.prefillPerTokenUs / 1000.0) * factor;
    }

    /** Time from the first token to the last one, in milliseconds. */
    public double decodeMs(Role role, int completionTokens, double factor) {
        return Math.max(0, completionTokens - 1) * of(role).interTokenMs * factor;
    }

    /** The whole call in milliseconds: time to first token plus decode. */
    public double latencyMs(
            Role role, int uncachedPromptTokens, int completionTokens, double factor) {
        return timeToFirstTokenMs(role, uncachedPromptTokens, factor)
                + decodeMs(role, completionTokens, factor);
    }

    /**
     * Checks every figure (finite, 0 or more) and the jitter (in [0, 1)).
     *
     * @param owner how messages name the settings, e.g. {@code Simulator}
     * @param keys the key of each figure of each role in messages
     * @throws IllegalArgumentException naming the first setting that breaks its rule
     */
    public void validate(String owner, KeyNamer keys) {
        for (Role role : Role.values()) {
            Figures f = of(role);
            requireMillis(owner, keys.key(role, KEY_PREFILL_OVERHEAD), f.prefillOverheadMs);
            requireMillis(owner, keys.key(role, KEY_PREFILL_PER_TOKEN), f.prefillPerTokenUs);
            requireMillis(owner, keys.key(role, KEY_INTER_TOKEN), f.interTokenMs);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw SettingRules.invalid(
                    owner,
                    KEY_JITTER,
                    "must be at least 0 and below 1",
                    jitter,
                    "use a fraction such as 0.2 for ±20%");
        }
    }

    private static void requireMillis(String owner, String key, double value) {
        SettingRules.requireNonNegative(owner, key, value, "use 0 for no latency");
    }
}
