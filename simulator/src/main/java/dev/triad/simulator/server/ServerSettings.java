package dev.triad.simulator.server;

import dev.triad.model.Role;
import dev.triad.schemas.Question;
import dev.triad.simulator.LatencyModel;
import dev.triad.simulator.SettingRules;
import dev.triad.simulator.SimulationProfile;
import dev.triad.simulator.SimulatorSettings;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Everything the {@link SimulatedServer} needs: where it listens, how many replicas, the latency
 * and scheduling model of one replica (after llm-d-inference-sim), its prefix cache, fault
 * injection, and the oracle that writes the replies. Built with {@link #builder()} or from a named
 * {@link SimulationProfile} ({@link #builder(String)}: {@code default}, {@code zero}, {@code
 * perfect}, {@code 8b-h100}), each meaning what it means for the in-process model.
 *
 * <p>Latency of one request on a replica follows the {@link LatencyModel} (the in-process model's
 * formula, with the prefix cache and the load): with {@code running} sequences on the replica (this
 * one included) {@code slowdown = 1 + (loadFactor − 1) × running / maxNumSeqs}; time to first token
 * {@code = (prefillOverheadMs + uncached prompt tokens × prefillPerTokenUs / 1000) × slowdown};
 * then {@code (completion tokens − 1) × interTokenMs × slowdown}; times the jitter where the
 * profile has one. Where the figures differ by role (only {@code default}), a request takes those
 * of the role whose prompt template its system message is, and the solver's when it is none of
 * Triad's. At most {@code maxNumSeqs} sequences run at once; up to {@code maxWaiting} more wait in
 * a queue; beyond that the replica answers 429 with {@code Retry-After}.
 *
 * <p>The constructor validates every setting; messages name the setting, the rule and the fix.
 * Immutable and thread-safe.
 *
 * @param profile the profile name the server reports, e.g. {@code 8b-h100}
 * @param host the address every replica binds, {@value #DEFAULT_HOST} by default
 * @param port replica i listens on {@code port + i}; 0 gives every replica an ephemeral port
 * @param replicas how many replicas, each with its own scheduler and prefix cache
 * @param modelName the model {@code /v1/models} lists
 * @param maxNumSeqs sequences that run at once on one replica (vLLM's {@code --max-num-seqs})
 * @param maxWaiting requests that may wait for a slot on one replica; more get 429
 * @param latency prefill overhead, prefill per uncached prompt token and inter-token latency per
 *     role, and the jitter
 * @param loadFactor the slowdown when all {@code maxNumSeqs} sequences run (1 = none)
 * @param prefixCache whether each replica keeps a prefix cache of prompt blocks
 * @param prefixCacheBlocks capacity of one replica's prefix cache, in blocks of 16 tokens
 * @param maxModelLen the context length; longer prompts get 400 {@code context_length_exceeded}
 * @param faultRate the share of chat requests that get an injected fault, in [0, 1]
 * @param faults the fault types drawn from, with equal chance
 * @param seed fixes the oracle's replies and which requests get faults
 * @param retryAfterSeconds the {@code Retry-After} of injected 429s, and the least one a full queue
 *     gives
 * @param ioThreads event-loop threads shared by all replicas
 * @param oracle error rates and formats of the oracle's replies, the profile's unless told
 *     otherwise (its latency is not used: the server has {@code latency})
 * @param questions the oracle book: questions with gold steps, by their exact text
 */
public record ServerSettings(
        String profile,
        String host,
        int port,
        int replicas,
        String modelName,
        int maxNumSeqs,
        int maxWaiting,
        LatencyModel latency,
        double loadFactor,
        boolean prefixCache,
        int prefixCacheBlocks,
        int maxModelLen,
        double faultRate,
        Set<FaultType> faults,
        long seed,
        int retryAfterSeconds,
        int ioThreads,
        SimulatorSettings oracle,
        Map<String, Question> questions) {

    /** The default profile: {@link SimulationProfile#H100_8B}. */
    public static final String PROFILE_8B_H100 = SimulatorSettings.PROFILE_8B_H100;

    /** No latency and no limit: {@link SimulationProfile#ZERO}. */
    public static final String PROFILE_ZERO = SimulatorSettings.PROFILE_ZERO;

    /** Name of settings built from scratch. */
    public static final String PROFILE_CUSTOM = SimulatorSettings.PROFILE_CUSTOM;

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_REPLICAS = 1;
    public static final String DEFAULT_MODEL_NAME = "triad-sim";
    public static final long DEFAULT_SEED = 42;

    /** Context length of every profile, in tokens. */
    public static final int DEFAULT_MAX_MODEL_LEN = 32_768;

    /** {@code Retry-After} of injected 429s, in seconds. */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    /** The oracle's error rates under the default profile ({@code 8b-h100}): realistic ones. */
    public static final String DEFAULT_ORACLE_PROFILE = SimulatorSettings.PROFILE_DEFAULT;

    private static final String OWNER = "Simulated server";

    static final String KEY_PROFILE = "profile";
    static final String KEY_HOST = "host";
    static final String KEY_PORT = "port";
    static final String KEY_REPLICAS = "replicas";
    static final String KEY_MODEL_NAME = "model-name";
    static final String KEY_MAX_NUM_SEQS = "max-num-seqs";
    static final String KEY_MAX_WAITING = "max-waiting";
    static final String KEY_LOAD_FACTOR = "load-factor";
    static final String KEY_PREFIX_CACHE_BLOCKS = "prefix-cache-blocks";
    static final String KEY_MAX_MODEL_LEN = "max-model-len";
    static final String KEY_FAULT_RATE = "fault-rate";
    static final String KEY_FAULTS = "faults";
    static final String KEY_RETRY_AFTER = "retry-after-s";
    static final String KEY_IO_THREADS = "io-threads";

    private static final int MAX_REPLICAS = 256;
    private static final int MAX_PORT = 65_535;

    /**
     * Validates every setting.
     *
     * @throws IllegalArgumentException naming the first setting that breaks its rule and the fix
     */
    public ServerSettings {
        requireNonBlank(KEY_PROFILE, profile, "e.g. 'custom'");
        requireNonBlank(KEY_HOST, host, "e.g. 127.0.0.1");
        requireNonBlank(KEY_MODEL_NAME, modelName, "e.g. " + DEFAULT_MODEL_NAME);
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw invalid(
                    KEY_REPLICAS,
                    "must be between 1 and " + MAX_REPLICAS,
                    replicas,
                    "start more servers for a larger fleet");
        }
        if (port < 0 || port > MAX_PORT || (port > 0 && port + replicas - 1 > MAX_PORT)) {
            throw invalid(
                    KEY_PORT,
                    "must be 0 (ephemeral ports) or a port such that port + replicas - 1 <= "
                            + MAX_PORT,
                    port,
                    "use e.g. 8000 (replica i listens on port + i)");
        }
        requireAtLeast(KEY_MAX_NUM_SEQS, maxNumSeqs, 1, "use e.g. 16");
        requireAtLeast(
                KEY_MAX_WAITING, maxWaiting, 0, "use 0 to answer 429 whenever all slots are busy");
        Objects.requireNonNull(latency, "latency");
        latency.validate(OWNER, (role, figure) -> figure);
        if (!(loadFactor >= 1 && loadFactor < Double.POSITIVE_INFINITY)) {
            throw invalid(
                    KEY_LOAD_FACTOR,
                    "must be a finite number of at least 1",
                    loadFactor,
                    "use 1 for no slowdown under load, e.g. 2.0 for twice as slow when full");
        }
        requireAtLeast(KEY_PREFIX_CACHE_BLOCKS, prefixCacheBlocks, 1, "use e.g. 16384");
        requireAtLeast(KEY_MAX_MODEL_LEN, maxModelLen, 1, "use e.g. 32768");
        SettingRules.requireRate(
                OWNER, KEY_FAULT_RATE, faultRate, "use e.g. 0.05 for 5% of chat requests");
        faults = faults == null || faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
        if (faultRate > 0 && faults.isEmpty()) {
            throw invalid(
                    KEY_FAULTS,
                    "must name at least one fault type when " + KEY_FAULT_RATE + " > 0",
                    "[]",
                    "give some of " + FaultType.names());
        }
        requireAtLeast(KEY_RETRY_AFTER, retryAfterSeconds, 1, "use e.g. 1");
        requireAtLeast(KEY_IO_THREADS, ioThreads, 1, "use e.g. the number of cores");
        Objects.requireNonNull(oracle, "oracle");
        questions =
                questions == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new LinkedHashMap<>(questions));
    }

    /** A builder starting from the {@value #PROFILE_8B_H100} profile's values, named custom. */
    public static Builder builder() {
        return builder(SimulationProfile.H100_8B).profile(PROFILE_CUSTOM);
    }

    /**
     * A builder starting from a named profile's values, keeping its name.
     *
     * @throws IllegalArgumentException naming the profile and the known ones
     */
    public static Builder builder(String profile) {
        return builder(
                SimulationProfile.of(profile, "simulated server", "--profile " + PROFILE_8B_H100));
    }

    /**
     * A builder starting from a profile's values: its latency, scheduling and oracle behaviour,
     * keeping its name.
     */
    public static Builder builder(SimulationProfile profile) {
        return new Builder()
                .profile(profile.key())
                .latency(profile.latency())
                .maxNumSeqs(profile.maxNumSeqs())
                .maxWaiting(profile.maxWaiting())
                .loadFactor(profile.loadFactor())
                .oracle(SimulatorSettings.profile(profile));
    }

    /** The settings of a named profile. */
    public static ServerSettings profileSettings(String profile) {
        return builder(profile).build();
    }

    /** The names {@link #builder(String)} accepts: those of {@link SimulationProfile}. */
    public static List<String> profiles() {
        return SimulationProfile.names();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.host = host;
        b.port = port;
        b.replicas = replicas;
        b.modelName = modelName;
        b.maxNumSeqs = maxNumSeqs;
        b.maxWaiting = maxWaiting;
        b.latency = latency;
        b.loadFactor = loadFactor;
        b.prefixCache = prefixCache;
        b.prefixCacheBlocks = prefixCacheBlocks;
        b.maxModelLen = maxModelLen;
        b.faultRate = faultRate;
        b.faults = faults.isEmpty() ? EnumSet.noneOf(FaultType.class) : EnumSet.copyOf(faults);
        b.seed = seed;
        b.retryAfterSeconds = retryAfterSeconds;
        b.ioThreads = ioThreads;
        b.oracle = oracle;
        b.questions = questions;
        return b;
    }

    /** Whether any request waits at all (otherwise every request is answered at once). */
    public boolean hasLatency() {
        return latency.hasLatency();
    }

    /** The solver's prefill overhead (every role's unless the profile differs per role), in ms. */
    public double prefillOverheadMs() {
        return latency.solver().prefillOverheadMs();
    }

    /** The solver's prefill time per uncached prompt token, in microseconds. */
    public double prefillPerTokenUs() {
        return latency.solver().prefillPerTokenUs();
    }

    /** The solver's time between two output tokens, in milliseconds. */
    public double interTokenMs() {
        return latency.solver().interTokenMs();
    }

    /** The settings as {@code key=value} text for the command's banner and logs. */
    public String describe() {
        return KEY_PROFILE
                + "="
                + profile
                + " "
                + KEY_MAX_NUM_SEQS
                + "="
                + maxNumSeqs
                + " "
                + KEY_MAX_WAITING
                + "="
                + maxWaiting
                + " "
                + figure(LatencyModel.KEY_PREFILL_OVERHEAD, LatencyModel.Figures::prefillOverheadMs)
                + figure(
                        LatencyModel.KEY_PREFILL_PER_TOKEN, LatencyModel.Figures::prefillPerTokenUs)
                + figure(LatencyModel.KEY_INTER_TOKEN, LatencyModel.Figures::interTokenMs)
                + (latency.jitter() > 0
                        ? LatencyModel.KEY_JITTER + "=" + latency.jitter() + " "
                        : "")
                + KEY_LOAD_FACTOR
                + "="
                + loadFactor
                + " prefix-cache="
                + (prefixCache ? prefixCacheBlocks + " blocks" : "off")
                + " "
                + KEY_MAX_MODEL_LEN
                + "="
                + maxModelLen
                + " "
                + KEY_FAULT_RATE
                + "="
                + faultRate
                + (faultRate > 0 ? " " + KEY_FAULTS + "=" + faultNames() : "")
                + " seed="
                + seed
                + " oracle="
                + oracle.profileName()
                + " questions="
                + questions.size();
    }

    /** {@code key=value }, or {@code key=decomposer:v,solver:v,verifier:v } where roles differ. */
    private String figure(String key, ToDoubleFunction<LatencyModel.Figures> value) {
        if (latency.isUniform()) {
            return key + "=" + value.applyAsDouble(latency.solver()) + " ";
        }
        StringBuilder out = new StringBuilder(key).append('=');
        for (Role role : Role.values()) {
            out.append(role.ordinal() == 0 ? "" : ",")
                    .append(role.key())
                    .append(':')
                    .append(value.applyAsDouble(latency.of(role)));
        }
        return out.append(' ').toString();
    }

    private String faultNames() {
        StringBuilder out = new StringBuilder();
        for (FaultType type : FaultType.values()) {
            if (faults.contains(type)) {
                out.append(out.length() == 0 ? "" : ",").append(type.wireName());
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ServerSettings[" + describe() + "]";
    }

    private static void requireNonBlank(String key, String value, String fix) {
        if (value == null || value.isBlank()) {
            throw invalid(key, "must not be blank", "'" + value + "'", fix);
        }
    }

    private static void requireAtLeast(String key, int value, int least, String fix) {
        if (value < least) {
            throw invalid(key, "must be at least " + least, value, fix);
        }
    }

    private static IllegalArgumentException invalid(
            String key, String rule, Object value, String fix) {
        return SettingRules.invalid(OWNER, key, rule, value, fix);
    }

    /**
     * Builds {@link ServerSettings}; {@link ServerSettings#builder} fills it from a profile. Not
     * thread-safe; {@link #build()} validates and may be called more than once.
     */
    public static final class Builder {
        private String profile = PROFILE_CUSTOM;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int replicas = DEFAULT_REPLICAS;
        private String modelName = DEFAULT_MODEL_NAME;
        private int maxNumSeqs;
        private int maxWaiting;
        private LatencyModel latency;
        private double loadFactor;
        private boolean prefixCache = true;
        private int prefixCacheBlocks = SimulationProfile.PREFIX_CACHE_BLOCKS;
        private int maxModelLen = DEFAULT_MAX_MODEL_LEN;
        private double faultRate = 0;
        private Set<FaultType> faults = FaultType.all();
        private long seed = DEFAULT_SEED;
        private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private SimulatorSettings oracle;
        private Map<String, Question> questions = Map.of();

        Builder() {}

        /** The profile name the server reports. */
        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Replica i listens on {@code port + i}; 0 gives each replica an ephemeral port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        public Builder maxNumSeqs(int maxNumSeqs) {
            this.maxNumSeqs = maxNumSeqs;
            return this;
        }

        public Builder maxWaiting(int maxWaiting) {
            this.maxWaiting = maxWaiting;
            return this;
        }

        /** Latency figures per role and the jitter (see {@link LatencyModel}). */
        public Builder latency(LatencyModel latency) {
            this.latency = latency;
            return this;
        }

        /** Prefill overhead of every role, in milliseconds. */
        public Builder prefillOverheadMs(double ms) {
            return everyRole(
                    f -> new LatencyModel.Figures(ms, f.prefillPerTokenUs(), f.interTokenMs()));
        }

        /** Prefill time per uncached prompt token of every role, in microseconds. */
        public Builder prefillPerTokenUs(double us) {
            return everyRole(
                    f -> new LatencyModel.Figures(f.prefillOverheadMs(), us, f.interTokenMs()));
        }

        /** Time between two output tokens of every role, in milliseconds. */
        public Builder interTokenMs(double ms) {
            return everyRole(
                    f ->
                            new LatencyModel.Figures(
                                    f.prefillOverheadMs(), f.prefillPerTokenUs(), ms));
        }

        private Builder everyRole(UnaryOperator<LatencyModel.Figures> change) {
            for (Role role : Role.values()) {
                latency = latency.with(role, change.apply(latency.of(role)));
            }
            return this;
        }

        public Builder loadFactor(double loadFactor) {
            this.loadFactor = loadFactor;
            return this;
        }

        public Builder prefixCache(boolean on) {
            this.prefixCache = on;
            return this;
        }

        public Builder prefixCacheBlocks(int blocks) {
            this.prefixCacheBlocks = blocks;
            return this;
        }

        public Builder maxModelLen(int tokens) {
            this.maxModelLen = tokens;
            return this;
        }

        public Builder faultRate(double rate) {
            this.faultRate = rate;
            return this;
        }

        public Builder faults(Collection<FaultType> faults) {
            this.faults = faults == null ? Set.of() : Set.copyOf(faults);
            return this;
        }

        public Builder faults(FaultType... faults) {
            return faults(List.of(faults));
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder retryAfterSeconds(int seconds) {
            this.retryAfterSeconds = seconds;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** The oracle's error rates and reply formats (see {@link SimulatorSettings}). */
        public Builder oracle(SimulatorSettings oracle) {
            this.oracle = oracle;
            return this;
        }

        /**
         * The oracle book: questions (with gold steps) the oracle answers from, found by their
         * exact text. When two share a text the first is kept.
         */
        public Builder questions(Collection<Question> questions) {
            Map<String, Question> book = new LinkedHashMap<>();
            for (Question q : questions) {
                book.putIfAbsent(q.text(), q);
            }
            this.questions = book;
            return this;
        }

        /**
         * Checks every setting and returns the immutable settings.
         *
         * @throws IllegalArgumentException naming the first setting that breaks its rule
         */
        public ServerSettings build() {
            return new ServerSettings(
                    profile,
                    host,
                    port,
                    replicas,
                    modelName,
                    maxNumSeqs,
                    maxWaiting,
                    latency,
                    loadFactor,
                    prefixCache,
                    prefixCacheBlocks,
                    maxModelLen,
                    faultRate,
                    faults,
                    seed,
                    retryAfterSeconds,
                    ioThreads,
                    oracle,
                    questions);
        }
    }
}
