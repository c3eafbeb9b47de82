package dev.triad.simulator;

import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The behaviour and latency of a {@link SimulatedModel}: error rates per role, how often replies
 * are malformed or wrapped, and the {@link LatencyModel} (figures per role). Built with {@link
 * #builder()} or taken from a named {@link SimulationProfile} ({@link #profile(String)}): {@code
 * default} (realistic error rates and latency), {@code zero} (the same error rates, no latency, for
 * throughput benchmarks), {@code perfect} (no errors, no latency, for tests) and {@code 8b-h100}
 * (realistic error rates, the simulated server's H100 latency without its prefix cache and load).
 *
 * <p>Every rate is a probability in [0, 1]; {@link Builder#build()} rejects anything else with a
 * message naming the setting. Results of a simulated run carry {@link #settings()}, so it is always
 * visible that the accuracy came from these rates and not from a model.
 *
 * <p>Threading: immutable and thread-safe; serialisable, so it ships with a Flink job graph.
 */
public final class SimulatorSettings implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Realistic error rates and latency ({@link SimulationProfile#DEFAULT}). */
    public static final String PROFILE_DEFAULT = "default";

    /** The default error rates without latency ({@link SimulationProfile#ZERO}). */
    public static final String PROFILE_ZERO = "zero";

    /** No errors, no malformed replies, no latency ({@link SimulationProfile#PERFECT}). */
    public static final String PROFILE_PERFECT = "perfect";

    /**
     * The simulated server's H100 latency, realistic error rates ({@link
     * SimulationProfile#H100_8B}).
     */
    public static final String PROFILE_8B_H100 = "8b-h100";

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

    /** Count tokens with jtokkit's cl100k_base by default (otherwise characters / 4). */
    public static final boolean DEFAULT_COUNT_TOKENS = true;

    private static final String OWNER = "Simulator";

    static final String KEY_PROFILE = "profile";
    static final String KEY_OFF_TRACK = "decomposer-off-track-rate";
    static final String KEY_COMPUTATIONAL = "solver-computational-rate";
    static final String KEY_CONCEPTUAL = "solver-conceptual-rate";
    static final String KEY_MISS = "verifier-miss-rate";
    static final String KEY_FALSE_ALARM = "verifier-false-alarm-rate";
    static final String KEY_UNPARSABLE = "unparsable-rate";
    static final String KEY_FENCED = "fenced-reply-rate";
    static final String KEY_PROSE = "prose-reply-rate";
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
    private final LatencyModel latency;
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
        this.latency = b.latency;
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
        b.latency = latency;
        b.countTokens = countTokens;
        return b;
    }

    /** The names {@link #profile(String)} accepts: those of {@link SimulationProfile}. */
    public static List<String> profiles() {
        return SimulationProfile.names();
    }

    /**
     * The settings of a named profile (see {@link SimulationProfile}).
     *
     * @throws IllegalArgumentException naming the profile and the known ones
     */
    public static SimulatorSettings profile(String name) {
        return profile(SimulationProfile.of(name, "simulator", "--model all=sim:zero"));
    }

    /** The settings of a profile: its latency and, unless it makes none, realistic mistakes. */
    public static SimulatorSettings profile(SimulationProfile profile) {
        Builder b = builder().profile(profile.key()).latency(profile.latency());
        if (!profile.mistakes()) {
            b.decomposerOffTrackRate(0)
                    .solverComputationalRate(0)
                    .solverConceptualRate(0)
                    .verifierMissRate(0)
                    .verifierFalseAlarmRate(0)
                    .unparsableRate(0)
                    .fencedReplyRate(0)
                    .proseReplyRate(0);
        }
        return b.build();
    }

    /** The {@code default} profile: realistic error rates and latency. */
    public static SimulatorSettings defaults() {
        return profile(SimulationProfile.DEFAULT);
    }

    /** The {@code zero} profile: the default error rates with no latency. */
    public static SimulatorSettings zero() {
        return profile(SimulationProfile.ZERO);
    }

    /** The {@code perfect} profile: no errors, no malformed or wrapped replies, no latency. */
    public static SimulatorSettings perfect() {
        return profile(SimulationProfile.PERFECT);
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

    /** The latency figures per role and the jitter. */
    public LatencyModel latency() {
        return latency;
    }

    /** Prefill overhead (latency before the first token) of a role, in milliseconds. */
    public double baseLatencyMs(Role role) {
        return latency.of(role).prefillOverheadMs();
    }

    /** Inter-token latency (per completion token after the first) of a role, in milliseconds. */
    public double perTokenLatencyMs(Role role) {
        return latency.of(role).interTokenMs();
    }

    /** Prefill time per prompt token of a role, in microseconds. */
    public double prefillPerTokenUs(Role role) {
        return latency.of(role).prefillPerTokenUs();
    }

    /** Whether any role has latency (otherwise calls complete at once). */
    public boolean hasLatency() {
        return latency.hasLatency();
    }

    public double latencyJitter() {
        return latency.jitter();
    }

    /** Whether tokens are counted with jtokkit (otherwise approximated as characters / 4). */
    public boolean countTokens() {
        return countTokens;
    }

    /**
     * The settings as a map for results and reports: the profile, every rate, latency per role
     * ({@code solver-base-ms} = prefill overhead, {@code solver-prefill-per-token-us}, {@code
     * solver-per-token-ms} = inter-token latency, ...) and {@code simulated: true}.
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
            LatencyModel.Figures f = latency.of(role);
            map.put(key(role, LatencyModel.KEY_PREFILL_OVERHEAD), f.prefillOverheadMs());
            map.put(key(role, LatencyModel.KEY_PREFILL_PER_TOKEN), f.prefillPerTokenUs());
            map.put(key(role, LatencyModel.KEY_INTER_TOKEN), f.interTokenMs());
        }
        map.put(LatencyModel.KEY_JITTER, latency.jitter());
        map.put(KEY_COUNT_TOKENS, countTokens);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The key of a role's latency figure: {@code <role>-base-ms} (prefill overhead), {@code
     * <role>-prefill-per-token-us} and {@code <role>-per-token-ms} (inter-token), the first and
     * last as results have always named them.
     */
    static String key(Role role, String figure) {
        switch (figure) {
            case LatencyModel.KEY_PREFILL_OVERHEAD:
                return role.key() + "-base-ms";
            case LatencyModel.KEY_INTER_TOKEN:
                return role.key() + "-per-token-ms";
            default:
                return role.key() + "-" + figure;
        }
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
        private LatencyModel latency = SimulationProfile.DEFAULT.latency();
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

        /**
         * Latency of one role: {@code baseMs} prefill overhead and {@code perTokenMs} per
         * completion token after the first, ± jitter; the role's prefill cost per prompt token
         * stays.
         */
        public Builder latency(Role role, double baseMs, double perTokenMs) {
            LatencyModel.Figures f = latency.of(role);
            return latency(
                    role, new LatencyModel.Figures(baseMs, f.prefillPerTokenUs(), perTokenMs));
        }

        /** Latency figures of one role. */
        public Builder latency(Role role, LatencyModel.Figures figures) {
            this.latency = latency.with(role, figures);
            return this;
        }

        /** Latency figures of every role and the jitter, e.g. a profile's. */
        public Builder latency(LatencyModel latency) {
            this.latency = latency;
            return this;
        }

        /** No latency for any role: calls return already-completed futures. */
        public Builder noLatency() {
            return latency(LatencyModel.NONE.withJitter(latency.jitter()));
        }

        /** Fraction latency varies either way, in [0, 1). */
        public Builder latencyJitter(double fraction) {
            this.latency = latency.withJitter(fraction);
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
                throw SettingRules.invalid(
                        OWNER,
                        KEY_PROFILE,
                        "must be a non-blank name",
                        "'" + profile + "'",
                        "use e.g. 'custom'");
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
            Objects.requireNonNull(latency, "latency");
            latency.validate(OWNER, SimulatorSettings::key);
            return new SimulatorSettings(this);
        }

        private static void requireRate(String key, double rate) {
            SettingRules.requireRate(OWNER, key, rate, "use e.g. 0.05 for 5%");
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
    }
}
