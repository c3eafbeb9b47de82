package dev.triad.simulator;

import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The behaviour and latency of a {@link SimulatedModel}: error rates per role, how often replies
 * are malformed or wrapped, and latency per role. Built with {@link #builder()} or taken from a
 * named profile ({@link #profile(String)}): {@code default} (realistic error rates and latency),
 * {@code zero} (the same error rates, no latency, for throughput benchmarks) and {@code perfect}
 * (no errors, no latency, for tests).
 *
 * <p>Every rate is a probability in [0, 1]; {@link Builder#build()} rejects anything else with a
 * message naming the setting. Results of a simulated run carry {@link #settings()}, so it is always
 * visible that the accuracy came from these rates and not from a model.
 *
 * <p>Threading: immutable and thread-safe; serialisable, so it ships with a Flink job graph.
 */
public final class SimulatorSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Realistic error rates and latency. */
    public static final String PROFILE_DEFAULT = "default";

    /** The default error rates without latency: for throughput benchmarks. */
    public static final String PROFILE_ZERO = "zero";

    /** No errors, no malformed replies, no latency: for tests. */
    public static final String PROFILE_PERFECT = "perfect";

    /** Name a settings object built from scratch carries. */
    public static final String PROFILE_CUSTOM = "custom";

    /** Decomposer: chance a subquestion is plausible but not the next gold step. */
    public static final double DEFAULT_DECOMPOSER_OFF_TRACK_RATE = 0.08;

    /** Solver: chance an answer is off by a small amount (an arithmetic slip). */
    public static final double DEFAULT_SOLVER_COMPUTATIONAL_RATE = 0.06;

    /** Solver: chance an answer uses the wrong operation. */
    public static final double DEFAULT_SOLVER_CONCEPTUAL_RATE = 0.05;

    /** Verifier: chance a wrong step is judged {@code no_mistake}. */
    public static final double DEFAULT_VERIFIER_MISS_RATE = 0.15;

    /** Verifier: chance a correct step is rejected as a {@code procedural_mistake}. */
    public static final double DEFAULT_VERIFIER_FALSE_ALARM_RATE = 0.05;

    /** Any role: chance a reply is prose with no JSON, so the caller has to ask again. */
    public static final double DEFAULT_UNPARSABLE_RATE = 0.01;

    /** Any role: chance the JSON comes inside a {@code ```json} fence. */
    public static final double DEFAULT_FENCED_REPLY_RATE = 0.05;

    /** Any role: chance the JSON is preceded by a sentence of prose. */
    public static final double DEFAULT_PROSE_REPLY_RATE = 0.03;

    /** Decomposer latency before the first token, in milliseconds. */
    public static final double DEFAULT_DECOMPOSER_BASE_MS = 30;

    /** Decomposer latency per completion token, in milliseconds. */
    public static final double DEFAULT_DECOMPOSER_PER_TOKEN_MS = 4;

    /** Solver latency before the first token, in milliseconds. */
    public static final double DEFAULT_SOLVER_BASE_MS = 60;

    /** Solver latency per completion token, in milliseconds. */
    public static final double DEFAULT_SOLVER_PER_TOKEN_MS = 6;

    /** Verifier latency before the first token, in milliseconds. */
    public static final double DEFAULT_VERIFIER_BASE_MS = 30;

    /** Verifier latency per completion token, in milliseconds. */
    public static final double DEFAULT_VERIFIER_PER_TOKEN_MS = 4;

    /** Latency varies by up to this fraction either way (0.2 = ±20%). */
    public static final double DEFAULT_LATENCY_JITTER = 0.2;

    /** Count tokens with jtokkit's cl100k_base by default (otherwise characters / 4). */
    public static final boolean DEFAULT_COUNT_TOKENS = true;

    private static final List<String> PROFILES =
            List.of(PROFILE_DEFAULT, PROFILE_ZERO, PROFILE_PERFECT);

    static final String KEY_PROFILE = "profile";
    static final String KEY_OFF_TRACK = "decomposer-off-track-rate";
    static final String KEY_COMPUTATIONAL = "solver-computational-rate";
    static final String KEY_CONCEPTUAL = "solver-conceptual-rate";
    static final String KEY_MISS = "verifier-miss-rate";
    static final String KEY_FALSE_ALARM = "verifier-false-alarm-rate";
    static final String KEY_UNPARSABLE = "unparsable-rate";
    static final String KEY_FENCED = "fenced-reply-rate";
    static final String KEY_PROSE = "prose-reply-rate";
    static final String KEY_JITTER = "latency-jitter";
    static final String KEY_COUNT_TOKENS = "count-tokens";

    private final String profile;
    private final double decomposerOffTrackRate;
    private final double solverComputationalRate;
    private final double solverConceptualRate;
    private final double verifierMissRate;
    private final double verifierFalseAlarmRate;
    private final double unparsableRate;
    private final double fencedReplyRate;
    private final double proseReplyRate;
    private final double[] baseMs;
    private final double[] perTokenMs;
    private final double latencyJitter;
    private final boolean countTokens;

    SimulatorSettings(Builder b) {
        this.profile = b.profile;
        this.decomposerOffTrackRate = b.decomposerOffTrackRate;
        this.solverComputationalRate = b.solverComputationalRate;
        this.solverConceptualRate = b.solverConceptualRate;
        this.verifierMissRate = b.verifierMissRate;
        this.verifierFalseAlarmRate = b.verifierFalseAlarmRate;
        this.unparsableRate = b.unparsableRate;
        this.fencedReplyRate = b.fencedReplyRate;
        this.proseReplyRate = b.proseReplyRate;
        this.baseMs = b.baseMs.clone();
        this.perTokenMs = b.perTokenMs.clone();
        this.latencyJitter = b.latencyJitter;
        this.countTokens = b.countTokens;
    }

    /**
     * A builder starting from the {@code default} profile's values, named {@value #PROFILE_CUSTOM}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings, keeping their profile name. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.decomposerOffTrackRate = decomposerOffTrackRate;
        b.solverComputationalRate = solverComputationalRate;
        b.solverConceptualRate = solverConceptualRate;
        b.verifierMissRate = verifierMissRate;
        b.verifierFalseAlarmRate = verifierFalseAlarmRate;
        b.unparsableRate = unparsableRate;
        b.fencedReplyRate = fencedReplyRate;
        b.proseReplyRate = proseReplyRate;
        b.baseMs = baseMs.clone();
        b.perTokenMs = perTokenMs.clone();
        b.latencyJitter = latencyJitter;
        b.countTokens = countTokens;
        return b;
    }

    /**
     * The names {@link #profile(String)} accepts: {@code default}, {@code zero}, {@code perfect}.
     */
    public static List<String> profiles() {
        return PROFILES;
    }

    /**
     * The settings of a named profile.
     *
     * @throws IllegalArgumentException naming the profile and the known ones
     */
    public static SimulatorSettings profile(String name) {
        String key = name == null ? "" : name.trim();
        switch (key) {
            case PROFILE_DEFAULT:
                return defaults();
            case PROFILE_ZERO:
                return zero();
            case PROFILE_PERFECT:
                return perfect();
            default:
                throw new IllegalArgumentException(
                        "Unknown simulator profile '"
                                + name
                                + "'; expected one of "
                                + String.join(", ", PROFILES)
                                + " (e.g. --model all=sim:zero)");
        }
    }

    /** The {@code default} profile: realistic error rates and latency. */
    public static SimulatorSettings defaults() {
        return builder().profile(PROFILE_DEFAULT).build();
    }

    /** The {@code zero} profile: the default error rates with no latency. */
    public static SimulatorSettings zero() {
        return builder().profile(PROFILE_ZERO).noLatency().build();
    }

    /** The {@code perfect} profile: no errors, no malformed or wrapped replies, no latency. */
    public static SimulatorSettings perfect() {
        return builder()
                .profile(PROFILE_PERFECT)
                .decomposerOffTrackRate(0)
                .solverComputationalRate(0)
                .solverConceptualRate(0)
                .verifierMissRate(0)
                .verifierFalseAlarmRate(0)
                .unparsableRate(0)
                .fencedReplyRate(0)
                .proseReplyRate(0)
                .noLatency()
                .build();
    }

    /** The profile name, e.g. {@code default}; {@value #PROFILE_CUSTOM} when built from scratch. */
    public String profileName() {
        return profile;
    }

    public double decomposerOffTrackRate() {
        return decomposerOffTrackRate;
    }

    public double solverComputationalRate() {
        return solverComputationalRate;
    }

    public double solverConceptualRate() {
        return solverConceptualRate;
    }

    public double verifierMissRate() {
        return verifierMissRate;
    }

    public double verifierFalseAlarmRate() {
        return verifierFalseAlarmRate;
    }

    public double unparsableRate() {
        return unparsableRate;
    }

    public double fencedReplyRate() {
        return fencedReplyRate;
    }

    public double proseReplyRate() {
        return proseReplyRate;
    }

    /** Latency before the first token for a role, in milliseconds. */
    public double baseLatencyMs(Role role) {
        return baseMs[role.ordinal()];
    }

    /** Latency per completion token for a role, in milliseconds. */
    public double perTokenLatencyMs(Role role) {
        return perTokenMs[role.ordinal()];
    }

    /** Whether any role has latency (otherwise calls complete at once). */
    public boolean hasLatency() {
        for (int i = 0; i < baseMs.length; i++) {
            if (baseMs[i] > 0 || perTokenMs[i] > 0) {
                return true;
            }
        }
        return false;
    }

    public double latencyJitter() {
        return latencyJitter;
    }

    /** Whether tokens are counted with jtokkit (otherwise approximated as characters / 4). */
    public boolean countTokens() {
        return countTokens;
    }

    /**
     * The settings as a map for results and reports: the profile, every rate, latency per role
     * ({@code solver-base-ms}, {@code solver-per-token-ms}, ...) and {@code simulated: true}.
     */
    public Map<String, Object> settings() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("simulated", true);
        map.put(KEY_PROFILE, profile);
        map.put(KEY_OFF_TRACK, decomposerOffTrackRate);
        map.put(KEY_COMPUTATIONAL, solverComputationalRate);
        map.put(KEY_CONCEPTUAL, solverConceptualRate);
        map.put(KEY_MISS, verifierMissRate);
        map.put(KEY_FALSE_ALARM, verifierFalseAlarmRate);
        map.put(KEY_UNPARSABLE, unparsableRate);
        map.put(KEY_FENCED, fencedReplyRate);
        map.put(KEY_PROSE, proseReplyRate);
        for (Role role : Role.values()) {
            map.put(baseKey(role), baseMs[role.ordinal()]);
            map.put(perTokenKey(role), perTokenMs[role.ordinal()]);
        }
        map.put(KEY_JITTER, latencyJitter);
        map.put(KEY_COUNT_TOKENS, countTokens);
        return Collections.unmodifiableMap(map);
    }

    static String baseKey(Role role) {
        return role.key() + "-base-ms";
    }

    static String perTokenKey(Role role) {
        return role.key() + "-per-token-ms";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SimulatorSettings
                && settings().equals(((SimulatorSettings) other).settings());
    }

    @Override
    public int hashCode() {
        return settings().hashCode();
    }

    @Override
    public String toString() {
        return "SimulatorSettings" + settings();
    }

    /**
     * Builds {@link SimulatorSettings}; starts from the {@code default} profile's values. Not
     * thread-safe; {@link #build()} validates and may be called more than once.
     */
    public static final class Builder {
        private String profile = PROFILE_CUSTOM;
        private double decomposerOffTrackRate = DEFAULT_DECOMPOSER_OFF_TRACK_RATE;
        private double solverComputationalRate = DEFAULT_SOLVER_COMPUTATIONAL_RATE;
        private double solverConceptualRate = DEFAULT_SOLVER_CONCEPTUAL_RATE;
        private double verifierMissRate = DEFAULT_VERIFIER_MISS_RATE;
        private double verifierFalseAlarmRate = DEFAULT_VERIFIER_FALSE_ALARM_RATE;
        private double unparsableRate = DEFAULT_UNPARSABLE_RATE;
        private double fencedReplyRate = DEFAULT_FENCED_REPLY_RATE;
        private double proseReplyRate = DEFAULT_PROSE_REPLY_RATE;
        private double[] baseMs = {
            DEFAULT_DECOMPOSER_BASE_MS, DEFAULT_SOLVER_BASE_MS, DEFAULT_VERIFIER_BASE_MS
        };
        private double[] perTokenMs = {
            DEFAULT_DECOMPOSER_PER_TOKEN_MS,
            DEFAULT_SOLVER_PER_TOKEN_MS,
            DEFAULT_VERIFIER_PER_TOKEN_MS
        };
        private double latencyJitter = DEFAULT_LATENCY_JITTER;
        private boolean countTokens = DEFAULT_COUNT_TOKENS;

        Builder() {}

        /** The name results show, as in {@code sim:<name>}. */
        public Builder profile(String name) {
            this.profile = name;
            return this;
        }

        public Builder decomposerOffTrackRate(double rate) {
            this.decomposerOffTrackRate = rate;
            return this;
        }

        public Builder solverComputationalRate(double rate) {
            this.solverComputationalRate = rate;
            return this;
        }

        public Builder solverConceptualRate(double rate) {
            this.solverConceptualRate = rate;
            return this;
        }

        public Builder verifierMissRate(double rate) {
            this.verifierMissRate = rate;
            return this;
        }

        public Builder verifierFalseAlarmRate(double rate) {
            this.verifierFalseAlarmRate = rate;
            return this;
        }

        public Builder unparsableRate(double rate) {
            this.unparsableRate = rate;
            return this;
        }

        public Builder fencedReplyRate(double rate) {
            this.fencedReplyRate = rate;
            return this;
        }

        public Builder proseReplyRate(double rate) {
            this.proseReplyRate = rate;
            return this;
        }

        /** Latency of one role: {@code baseMs + perTokenMs × completion tokens}, ± jitter. */
        public Builder latency(Role role, double baseMs, double perTokenMs) {
            this.baseMs[role.ordinal()] = baseMs;
            this.perTokenMs[role.ordinal()] = perTokenMs;
            return this;
        }

        /** No latency for any role: calls return already-completed futures. */
        public Builder noLatency() {
            for (Role role : Role.values()) {
                latency(role, 0, 0);
            }
            return this;
        }

        /** Fraction latency varies either way, in [0, 1). */
        public Builder latencyJitter(double fraction) {
            this.latencyJitter = fraction;
            return this;
        }

        /** Whether to count tokens with jtokkit; false approximates characters / 4 (cheaper). */
        public Builder countTokens(boolean countTokens) {
            this.countTokens = countTokens;
            return this;
        }

        /**
         * Checks every setting and returns the immutable settings.
         *
         * @throws IllegalArgumentException naming the first setting that breaks its rule
         */
        public SimulatorSettings build() {
            if (profile == null || profile.isBlank()) {
                throw new IllegalArgumentException(
                        "Simulator setting '"
                                + KEY_PROFILE
                                + "' must be a non-blank name, but was '"
                                + profile
                                + "'; use e.g. 'custom'");
            }
            requireRate(KEY_OFF_TRACK, decomposerOffTrackRate);
            requireRate(KEY_COMPUTATIONAL, solverComputationalRate);
            requireRate(KEY_CONCEPTUAL, solverConceptualRate);
            requireRate(KEY_MISS, verifierMissRate);
            requireRate(KEY_FALSE_ALARM, verifierFalseAlarmRate);
            requireRate(KEY_UNPARSABLE, unparsableRate);
            requireRate(KEY_FENCED, fencedReplyRate);
            requireRate(KEY_PROSE, proseReplyRate);
            requireSumAtMostOne(
                    KEY_COMPUTATIONAL,
                    solverComputationalRate,
                    KEY_CONCEPTUAL,
                    solverConceptualRate,
                    "a solver answer has at most one kind of mistake");
            requireSumAtMostOne(
                    KEY_FENCED,
                    fencedReplyRate,
                    KEY_PROSE,
                    proseReplyRate,
                    "a reply is either fenced or preceded by prose");
            for (Role role : Role.values()) {
                requireLatency(baseKey(role), baseMs[role.ordinal()]);
                requireLatency(perTokenKey(role), perTokenMs[role.ordinal()]);
            }
            if (!(latencyJitter >= 0 && latencyJitter < 1)) {
                throw new IllegalArgumentException(
                        "Simulator setting '"
                                + KEY_JITTER
                                + "' must be at least 0 and below 1, but was "
                                + latencyJitter
                                + "; use a fraction such as 0.2 for ±20%");
            }
            return new SimulatorSettings(this);
        }

        private static void requireRate(String key, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(
                        "Simulator setting '"
                                + key
                                + "' must be a probability between 0 and 1, but was "
                                + rate
                                + "; use e.g. 0.05 for 5%");
            }
        }

        private static void requireSumAtMostOne(
                String keyA, double a, String keyB, double b, String why) {
            if (a + b > 1 + 1e-12) {
                throw new IllegalArgumentException(
                        "Simulator settings '"
                                + keyA
                                + "' + '"
                                + keyB
                                + "' must be at most 1 ("
                                + why
                                + "), but were "
                                + a
                                + " + "
                                + b
                                + "; lower one of them");
            }
        }

        private static void requireLatency(String key, double ms) {
            if (!(ms >= 0 && ms < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "Simulator setting '"
                                + key
                                + "' must be a finite number of milliseconds, 0 or more, but was "
                                + ms
                                + "; use 0 for no latency");
            }
        }
    }
}
