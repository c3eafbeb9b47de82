package dev.triad.model.openai;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.BindingSpec;
import dev.triad.model.ModelBinding;
import dev.triad.model.RetryPolicy;
import dev.triad.schemas.ModelIdentity;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A role's model on one fleet of OpenAI-compatible replicas (vLLM, SGLang, TGI, Ollama, llama.cpp,
 * OpenAI): the replicas' base URLs, the model name, where the API key comes from, and how calls are
 * routed, limited and retried. What {@code --model ROLE=openai:URL[,URL…][#model][?key-env=NAME]}
 * resolves to ({@link #parse}); in code, {@link #builder()}.
 *
 * <p>Serialisable with the job graph; it holds where the key comes from, never the key: {@link
 * #open} reads it (see {@link ApiKeySource}). {@link #describe()} and {@link #toString()} never
 * show it. Immutable and thread-safe.
 *
 * <p>Settings and their spec parameters (all optional). Each parallel subtask opens its own model:
 * concurrency limits are per replica and subtask; {@code rpm} and {@code tpm} are per replica for
 * the whole job, each subtask taking an equal share.
 *
 * <ul>
 *   <li>{@code key-env=NAME} / {@code key-file=PATH}: the API key's source (default: {@value
 *       ApiKeySource#DEFAULT_ENV} when set, else no key)
 *   <li>{@code routing=affinity|least-outstanding|round-robin} (default affinity), {@code
 *       load-factor=F} (bounded load, default {@value #DEFAULT_LOAD_FACTOR}, for prompts up to
 *       1,024 tokens, rising to twice it at 2,048)
 *   <li>{@code stream=true|false} (default false): ask for the answer as server-sent events ({@code
 *       stream: true} with {@code stream_options.include_usage}); the completion is the same, and
 *       the client records each call's time to first token ({@link
 *       EndpointStats#timeToFirstToken()})
 *   <li>{@code structured=json_schema|json_object|off} (default json_schema): how each call's reply
 *       shape is sent ({@link StructuredOutput}); {@code max-chars=N} and {@code max-items=N} bound
 *       every string and list of that schema (default none; set them for small models that
 *       otherwise loop inside a string until the token limit)
 *   <li>{@code max-tokens=N}: the most completion tokens a call may ask for (default none: each
 *       call's own limit)
 *   <li>{@code timeout=DURATION}: one attempt on the wire (default 120 s); {@code attempts=N}:
 *       tries per call, the first included (default {@value #DEFAULT_MAX_ATTEMPTS}); {@code
 *       budget=DURATION}: no try starts later than this after the call's start (default none).
 *       Retries are {@link dev.triad.model.RetryingChatModel}'s, for retriable failures only
 *   <li>{@code limit=queue|aimd|gradient|fixed} (default queue: each replica's slots full with few
 *       requests waiting, from its {@code /metrics} gauges; AIMD where it publishes none), {@code
 *       concurrency=N} (initial, default {@value #DEFAULT_INITIAL_CONCURRENCY}), {@code
 *       max-concurrency=N} (default {@value #DEFAULT_MAX_CONCURRENCY})
 *   <li>{@code model-file=PATH} (default none): the weights file the fleet serves (e.g. the GGUF
 *       given to {@code llama-server -m}), hashed once where the binding is made so that results
 *       name the model ({@link #identity()}: file name and SHA-256); {@code engine=NAME} says what
 *       serves it (e.g. {@code llama.cpp-b1234}), with {@code model-file} only
 *   <li>{@code rpm=N}, {@code tpm=N}: requests and tokens (prompt + completion) per minute at each
 *       replica from the whole job (each of P subtasks allows N / P), 0 for no limit (default)
 *   <li>{@code hedge=true|false} (default true, with two or more replicas): a request that has
 *       waited longer than {@code hedge-factor} (default {@value #DEFAULT_HEDGE_FACTOR}) times its
 *       replica's p99 latency, and at least {@code hedge-floor} (default 1 s), is sent again to
 *       another replica; the first answer wins and the other is cancelled. At most {@code
 *       hedge-ratio} (default {@value #DEFAULT_HEDGE_RATIO}) of the requests are hedged, so a slow
 *       fleet is not flooded ({@link HedgePolicy})
 *   <li>{@code first-token-timeout=DURATION} (default 60 s), {@code idle-timeout=DURATION} (default
 *       30 s): with {@code stream=true}, a request whose first token has not come by then, or whose
 *       stream sends nothing for that long, is abandoned as stalled and retried (streamed requests
 *       are watched this way instead of being hedged)
 * </ul>
 */
@PublicEvolving
public final class OpenAiCompatibleBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    /** The scheme of the spec, {@code openai:}. */
    public static final String SCHEME = "openai";

    /** The spec parameters, in the order messages list them. */
    static final List<String> PARAMETERS =
            List.of(
                    "key-env",
                    "key-file",
                    "routing",
                    "load-factor",
                    "timeout",
                    "attempts",
                    "limit",
                    "concurrency",
                    "max-concurrency",
                    "rpm",
                    "tpm",
                    "stream",
                    "budget",
                    "structured",
                    "max-chars",
                    "max-items",
                    "max-tokens",
                    "hedge",
                    "hedge-factor",
                    "hedge-floor",
                    "hedge-ratio",
                    "first-token-timeout",
                    "idle-timeout",
                    "model-file",
                    "engine");

    public static final Routing DEFAULT_ROUTING = Routing.AFFINITY;
    public static final double DEFAULT_LOAD_FACTOR = 1.25;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
    public static final Duration DEFAULT_INITIAL_BACKOFF = RetryPolicy.DEFAULT_INITIAL_BACKOFF;
    public static final double DEFAULT_BACKOFF_MULTIPLIER = RetryPolicy.DEFAULT_MULTIPLIER;
    public static final double DEFAULT_JITTER = RetryPolicy.DEFAULT_JITTER;
    public static final Duration DEFAULT_MAX_BACKOFF = RetryPolicy.DEFAULT_MAX_BACKOFF;
    public static final Duration DEFAULT_BUDGET = RetryPolicy.NO_BUDGET;
    public static final ConcurrencyLimit DEFAULT_LIMIT = ConcurrencyLimit.QUEUE;
    public static final int DEFAULT_INITIAL_CONCURRENCY = 32;
    public static final int DEFAULT_MIN_CONCURRENCY = 1;
    public static final int DEFAULT_MAX_CONCURRENCY = 512;
    public static final Duration DEFAULT_EJECT_FOR = Duration.ofSeconds(5);
    public static final int DEFAULT_HTTP_THREADS = 2;
    public static final boolean DEFAULT_STREAM = false;
    public static final StructuredOutput DEFAULT_STRUCTURED = ReplyOptions.DEFAULT_STRUCTURED;
    public static final boolean DEFAULT_HEDGE = true;
    public static final double DEFAULT_HEDGE_FACTOR = 3.0;
    public static final Duration DEFAULT_HEDGE_FLOOR = Duration.ofSeconds(1);
    public static final double DEFAULT_HEDGE_RATIO = 0.1;
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** The algorithm of each replica's adaptive concurrency limit (Netflix concurrency-limits). */
    public enum ConcurrencyLimit {
        /**
         * Steered by the replica's own running and waiting gauges ({@code /metrics}, as vLLM,
         * SGLang and llama.cpp publish them): its slots full, few requests waiting behind them
         * ({@link ServerQueueLimit}); AIMD where a replica publishes none.
         */
        QUEUE("queue"),
        /**
         * Additive increase while calls succeed with demand, multiplicative decrease (× 0.75) on
         * 429, 503, a timeout, or a call slower than half the call timeout.
         */
        AIMD("aimd"),
        /**
         * Gradient2: follows the ratio of long-term to recent latency; for fleets whose latency
         * rises before they shed load. 429s still pause the replica through {@code Retry-After}.
         */
        GRADIENT("gradient"),
        /** {@code max-concurrency} calls per replica, always. */
        FIXED("fixed");

        private final String key;

        ConcurrencyLimit(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final List<String> baseUrls;
    private final String model;
    private final ApiKeySource apiKey;
    private final Routing routing;
    private final double loadFactor;
    private final Duration callTimeout;
    private final Duration connectTimeout;
    private final ConcurrencyLimit limit;
    private final int initialConcurrency;
    private final int minConcurrency;
    private final int maxConcurrency;
    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final Duration ejectFor;
    private final int httpThreads;
    private final boolean stream;
    private final ReplyOptions reply;
    private final boolean hedge;
    private final double hedgeFactor;
    private final Duration hedgeFloor;
    private final double hedgeRatio;
    private final Duration firstTokenTimeout;
    private final Duration idleTimeout;
    private final String modelFile;
    private final ModelIdentity identity;
    private final RetryPolicy retryPolicy;

    OpenAiCompatibleBinding(Builder b, RetryPolicy retryPolicy) {
        this.baseUrls = List.copyOf(b.baseUrls);
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.routing = b.routing;
        this.loadFactor = b.loadFactor;
        this.callTimeout = b.callTimeout;
        this.connectTimeout = b.connectTimeout;
        this.limit = b.limit;
        this.initialConcurrency = b.initialConcurrency;
        this.minConcurrency = b.minConcurrency;
        this.maxConcurrency = b.maxConcurrency;
        this.requestsPerMinute = b.requestsPerMinute;
        this.tokensPerMinute = b.tokensPerMinute;
        this.ejectFor = b.ejectFor;
        this.httpThreads = b.httpThreads;
        this.stream = b.stream;
        this.reply = new ReplyOptions(b.structured, b.maxChars, b.maxItems, b.maxTokens);
        this.hedge = b.hedge;
        this.hedgeFactor = b.hedgeFactor;
        this.hedgeFloor = b.hedgeFloor;
        this.hedgeRatio = b.hedgeRatio;
        this.firstTokenTimeout = b.firstTokenTimeout;
        this.idleTimeout = b.idleTimeout;
        this.modelFile = b.modelFile;
        this.identity = b.identity;
        this.retryPolicy = retryPolicy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses the part of a spec after {@code openai:}: {@code URL[,URL…][#model][?key=value&…]}
     * with the parameters listed in the class comment.
     *
     * @throws IllegalArgumentException naming the part that is wrong and the accepted form
     */
    public static OpenAiCompatibleBinding parse(String spec) {
        BindingSpec parsed = BindingSpec.parse(SCHEME, spec, PARAMETERS);
        String text = parsed.target();
        Builder b = builder();
        int hash = text.indexOf('#');
        if (hash >= 0) {
            String name = text.substring(hash + 1).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(
                        "the model name after '#' is empty; write e.g."
                                + " openai:http://host:8000/v1#my-model, or drop the '#' to use the"
                                + " first model the server lists");
            }
            b.model(name);
            text = text.substring(0, hash);
        }
        List<String> urls = new ArrayList<>();
        for (String url : text.split(",", -1)) {
            urls.add(url.trim());
        }
        return b
                .baseUrls(urls)
                .apiKey(ApiKeySource.fromSpec(parsed, ApiKeySource.defaultEnv()))
                .routing(parsed.choice("routing", DEFAULT_ROUTING, Routing.ALL, Routing::key))
                .loadFactor(parsed.number("load-factor", DEFAULT_LOAD_FACTOR))
                .callTimeout(parsed.duration("timeout", DEFAULT_CALL_TIMEOUT))
                .maxAttempts(parsed.integer("attempts", DEFAULT_MAX_ATTEMPTS))
                .concurrencyLimit(
                        parsed.choice(
                                "limit",
                                DEFAULT_LIMIT,
                                List.of(ConcurrencyLimit.values()),
                                ConcurrencyLimit::key))
                .initialConcurrency(parsed.integer("concurrency", DEFAULT_INITIAL_CONCURRENCY))
                .maxConcurrency(parsed.integer("max-concurrency", DEFAULT_MAX_CONCURRENCY))
                .requestsPerMinute(parsed.whole("rpm", 0))
                .tokensPerMinute(parsed.whole("tpm", 0))
                .stream(parsed.bool("stream", DEFAULT_STREAM))
                .replyOptions(ReplyOptions.parse(parsed))
                .modelFile(parsed.string("model-file", null), parsed.string("engine", null))
                .retryBudget(parsed.duration("budget", DEFAULT_BUDGET))
                .hedge(parsed.bool("hedge", DEFAULT_HEDGE))
                .hedgeFactor(parsed.number("hedge-factor", DEFAULT_HEDGE_FACTOR))
                .hedgeFloor(parsed.duration("hedge-floor", DEFAULT_HEDGE_FLOOR))
                .hedgeRatio(parsed.number("hedge-ratio", DEFAULT_HEDGE_RATIO))
                .firstTokenTimeout(
                        parsed.duration("first-token-timeout", DEFAULT_FIRST_TOKEN_TIMEOUT))
                .idleTimeout(parsed.duration("idle-timeout", DEFAULT_IDLE_TIMEOUT))
                .build();
    }

    @Override
    public AsyncChatModel open(int subtaskIndex) {
        return open(subtaskIndex, 1, System::getenv);
    }

    /**
     * Opens subtask {@code subtaskIndex}'s model; {@code rpm} and {@code tpm} are limits of the
     * whole job at each replica, so each of the {@code parallelism} subtasks gets its share.
     */
    @Override
    public AsyncChatModel open(int subtaskIndex, int parallelism) {
        return open(subtaskIndex, parallelism, System::getenv);
    }

    /** Opens the model with the key read through {@code environment} (tests pass a map). */
    OpenAiCompatibleModel open(int subtaskIndex, UnaryOperator<String> environment) {
        return open(subtaskIndex, 1, environment);
    }

    OpenAiCompatibleModel open(
            int subtaskIndex, int parallelism, UnaryOperator<String> environment) {
        return new OpenAiCompatibleModel(
                this, apiKey.resolve(environment), subtaskIndex, parallelism);
    }

    /**
     * One subtask's share of a per-minute limit of the whole job: {@code 0} (no limit) stays 0, and
     * every subtask may make at least one request or token per minute.
     */
    static long share(long perMinute, int parallelism) {
        if (perMinute <= 0) {
            return perMinute;
        }
        return Math.max(1, perMinute / Math.max(1, parallelism));
    }

    /**
     * The binding as a spec, e.g. {@code
     * openai:http://10.0.0.5:8000/v1,http://10.0.0.6:8000/v1#llama?key-env=VLLM_KEY&rpm=600}: the
     * replicas, the model, and the parameters that differ from the defaults. Never the key.
     */
    @Override
    public String describe() {
        return toSpec().toString();
    }

    /** The binding as a spec: the replicas, the model, the parameters unlike the defaults. */
    BindingSpec toSpec() {
        BindingSpec.Builder spec =
                BindingSpec.builder(
                        SCHEME, String.join(",", baseUrls) + (model == null ? "" : "#" + model));
        apiKey.describeInto(spec, ApiKeySource.defaultEnv());
        spec.paramUnlessDefault("routing", routing.key(), DEFAULT_ROUTING.key())
                .paramUnlessDefault("load-factor", loadFactor, DEFAULT_LOAD_FACTOR)
                .paramUnlessDefault("timeout", callTimeout, DEFAULT_CALL_TIMEOUT)
                .paramUnlessDefault("attempts", retryPolicy.maxAttempts(), DEFAULT_MAX_ATTEMPTS)
                .paramUnlessDefault("limit", limit.key(), DEFAULT_LIMIT.key())
                .paramUnlessDefault("concurrency", initialConcurrency, DEFAULT_INITIAL_CONCURRENCY)
                .paramUnlessDefault("max-concurrency", maxConcurrency, DEFAULT_MAX_CONCURRENCY)
                .paramUnlessDefault("rpm", requestsPerMinute, 0L)
                .paramUnlessDefault("tpm", tokensPerMinute, 0L)
                .paramUnlessDefault("stream", stream, DEFAULT_STREAM)
                .paramUnlessDefault("budget", retryPolicy.budget(), DEFAULT_BUDGET);
        return reply.describeInto(spec)
                .paramUnlessDefault("hedge", hedge, DEFAULT_HEDGE)
                .paramUnlessDefault("hedge-factor", hedgeFactor, DEFAULT_HEDGE_FACTOR)
                .paramUnlessDefault("hedge-floor", hedgeFloor, DEFAULT_HEDGE_FLOOR)
                .paramUnlessDefault("hedge-ratio", hedgeRatio, DEFAULT_HEDGE_RATIO)
                .paramUnlessDefault(
                        "first-token-timeout", firstTokenTimeout, DEFAULT_FIRST_TOKEN_TIMEOUT)
                .paramUnlessDefault("idle-timeout", idleTimeout, DEFAULT_IDLE_TIMEOUT)
                .paramUnlessDefault("model-file", modelFile, null)
                .paramUnlessDefault("engine", identity == null ? null : identity.engine(), null)
                .build();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleBinding[" + describe() + "]";
    }

    public List<String> baseUrls() {
        return baseUrls;
    }

    /** The model name sent, or {@code null}: then each replica's first listed model is used. */
    public String model() {
        return model;
    }

    public ApiKeySource apiKey() {
        return apiKey;
    }

    public Routing routing() {
        return routing;
    }

    public double loadFactor() {
        return loadFactor;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int maxAttempts() {
        return retryPolicy.maxAttempts();
    }

    public Duration initialBackoff() {
        return retryPolicy.initialBackoff();
    }

    public double backoffMultiplier() {
        return retryPolicy.multiplier();
    }

    public double jitter() {
        return retryPolicy.jitter();
    }

    public Duration maxBackoff() {
        return retryPolicy.maxBackoff();
    }

    /**
     * How calls are retried ({@link dev.triad.model.RetryingChatModel}): {@code attempts}, the
     * backoff, and {@code budget} (the most time from a call's start to its last try; none by
     * default).
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public ConcurrencyLimit concurrencyLimit() {
        return limit;
    }

    public int initialConcurrency() {
        return initialConcurrency;
    }

    public int minConcurrency() {
        return minConcurrency;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public long requestsPerMinute() {
        return requestsPerMinute;
    }

    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    public Duration ejectFor() {
        return ejectFor;
    }

    public int httpThreads() {
        return httpThreads;
    }

    /** Whether answers are asked for as server-sent events ({@code stream: true}). */
    public boolean stream() {
        return stream;
    }

    /** {@code structured}, {@code max-chars}, {@code max-items} and {@code max-tokens}. */
    public ReplyOptions replyOptions() {
        return reply;
    }

    /** How each call's reply shape is sent ({@code structured=}). */
    public StructuredOutput structured() {
        return reply.structured();
    }

    /** The {@code maxLength} of every string in the reply schema, or 0 for none. */
    public int maxChars() {
        return reply.maxChars();
    }

    /** The {@code maxItems} of every list in the reply schema, or 0 for none. */
    public int maxItems() {
        return reply.maxItems();
    }

    /** The most completion tokens a call asks for, or 0 for each call's own limit. */
    public int maxTokens() {
        return reply.maxTokens();
    }

    /** Whether slow requests are hedged on another replica ({@link HedgePolicy}). */
    public boolean hedge() {
        return hedge;
    }

    /** A request is hedged after this many times its replica's p99 latency. */
    public double hedgeFactor() {
        return hedgeFactor;
    }

    /** A request is never hedged sooner than this. */
    public Duration hedgeFloor() {
        return hedgeFloor;
    }

    /** The largest share of requests that may be hedged. */
    public double hedgeRatio() {
        return hedgeRatio;
    }

    /** With {@code stream=true}: the longest wait for the first token. */
    public Duration firstTokenTimeout() {
        return firstTokenTimeout;
    }

    /** With {@code stream=true}: the longest gap in a stream. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The weights file the fleet serves and the engine, as {@code model-file=PATH} and {@code
     * engine=NAME} named them; {@code null} without {@code model-file}.
     */
    @Override
    public ModelIdentity identity() {
        return identity;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenAiCompatibleBinding other && fields().equals(other.fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    private List<Object> fields() {
        return List.of(
                baseUrls,
                Objects.toString(model),
                apiKey,
                routing,
                loadFactor,
                callTimeout,
                connectTimeout,
                retryPolicy,
                limit,
                initialConcurrency,
                minConcurrency,
                maxConcurrency,
                requestsPerMinute,
                tokensPerMinute,
                ejectFor,
                httpThreads,
                stream,
                reply,
                hedge,
                hedgeFactor,
                hedgeFloor,
                hedgeRatio,
                firstTokenTimeout,
                idleTimeout,
                Objects.toString(modelFile),
                Objects.toString(identity));
    }

    /**
     * Builds an {@link OpenAiCompatibleBinding}. Not thread-safe; {@link #build()} checks every
     * setting and may be called more than once.
     */
    @PublicEvolving
    public static final class Builder {
        private List<String> baseUrls = List.of();
        private String model;
        private ApiKeySource apiKey = ApiKeySource.defaultEnv();
        private Routing routing = DEFAULT_ROUTING;
        private double loadFactor = DEFAULT_LOAD_FACTOR;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private final RetryPolicy.Builder retry =
                RetryPolicy.builder()
                        .options(
                                "attempts=N in the " + SCHEME + ": binding",
                                "budget=DURATION in the " + SCHEME + ": binding");
        private ConcurrencyLimit limit = DEFAULT_LIMIT;
        private int initialConcurrency = DEFAULT_INITIAL_CONCURRENCY;
        private int minConcurrency = DEFAULT_MIN_CONCURRENCY;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private long requestsPerMinute;
        private long tokensPerMinute;
        private Duration ejectFor = DEFAULT_EJECT_FOR;
        private int httpThreads = DEFAULT_HTTP_THREADS;
        private boolean stream = DEFAULT_STREAM;
        private StructuredOutput structured = DEFAULT_STRUCTURED;
        private int maxChars;
        private int maxItems;
        private int maxTokens;
        private boolean hedge = DEFAULT_HEDGE;
        private double hedgeFactor = DEFAULT_HEDGE_FACTOR;
        private Duration hedgeFloor = DEFAULT_HEDGE_FLOOR;
        private double hedgeRatio = DEFAULT_HEDGE_RATIO;
        private Duration firstTokenTimeout = DEFAULT_FIRST_TOKEN_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private String modelFile;
        private String engine;
        private ModelIdentity identity;

        Builder() {}

        /**
         * The replicas' base URLs, each ending in {@code /v1}, e.g. {@code http://host:8000/v1}.
         */
        public Builder baseUrls(List<String> urls) {
            this.baseUrls = urls == null ? List.of() : new ArrayList<>(urls);
            return this;
        }

        public Builder baseUrls(String... urls) {
            return baseUrls(List.of(urls));
        }

        public Builder baseUrls(Iterable<URI> urls) {
            List<String> list = new ArrayList<>();
            urls.forEach(u -> list.add(u.toString()));
            return baseUrls(list);
        }

        /** The served model name; without one each replica's first listed model is used. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder apiKey(ApiKeySource source) {
            this.apiKey = Objects.requireNonNull(source, "apiKey");
            return this;
        }

        public Builder routing(Routing routing) {
            this.routing = Objects.requireNonNull(routing, "routing");
            return this;
        }

        /** Bounded load for affinity routing: a replica takes at most this × the mean load. */
        public Builder loadFactor(double factor) {
            this.loadFactor = factor;
            return this;
        }

        /** The longest one attempt may take on the wire. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Tries per call for retriable errors, the first included. */
        public Builder maxAttempts(int attempts) {
            retry.maxAttempts(attempts);
            return this;
        }

        /**
         * Exponential backoff between tries: {@code initial × multiplier^(n−1)}, at most {@code
         * max}, of which a fraction {@code jitter} is drawn at random (1, the default: full
         * jitter); never less than a sole replica's {@code Retry-After}.
         */
        public Builder backoff(Duration initial, double multiplier, double jitter, Duration max) {
            retry.backoff(initial, multiplier, jitter, max);
            return this;
        }

        /** The most time from a call's start to the start of its last try; zero for none. */
        public Builder retryBudget(Duration budget) {
            retry.budget(budget);
            return this;
        }

        public Builder concurrencyLimit(ConcurrencyLimit limit) {
            this.limit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Calls in flight per replica at the start (the adaptive limit moves from there). */
        public Builder initialConcurrency(int calls) {
            this.initialConcurrency = calls;
            return this;
        }

        public Builder minConcurrency(int calls) {
            this.minConcurrency = calls;
            return this;
        }

        /** The most calls in flight per replica, whatever the adaptive limit says. */
        public Builder maxConcurrency(int calls) {
            this.maxConcurrency = calls;
            return this;
        }

        /** Requests per minute per replica; 0 for no limit. */
        public Builder requestsPerMinute(long rpm) {
            this.requestsPerMinute = rpm;
            return this;
        }

        /** Tokens (prompt + completion) per minute per replica; 0 for no limit. */
        public Builder tokensPerMinute(long tpm) {
            this.tokensPerMinute = tpm;
            return this;
        }

        /** How long a replica that refused a connection is skipped. */
        public Builder ejectFor(Duration duration) {
            this.ejectFor = duration;
            return this;
        }

        /** Threads that finish HTTP exchanges and complete futures (never blocked). */
        public Builder httpThreads(int threads) {
            this.httpThreads = threads;
            return this;
        }

        /**
         * Whether to ask for answers as server-sent events ({@code stream: true}, {@code
         * stream_options.include_usage}): the same completion, plus the time to first token of
         * every call in {@link EndpointStats#timeToFirstToken()}.
         */
        public Builder stream(boolean stream) {
            this.stream = stream;
            return this;
        }

        /** How each call's reply shape is sent; default {@link StructuredOutput#JSON_SCHEMA}. */
        public Builder structured(StructuredOutput structured) {
            this.structured = Objects.requireNonNull(structured, "structured");
            return this;
        }

        /** The {@code maxLength} of every string in the reply schema; 0 for none. */
        public Builder maxChars(int chars) {
            this.maxChars = chars;
            return this;
        }

        /** The {@code maxItems} of every list in the reply schema; 0 for none. */
        public Builder maxItems(int items) {
            this.maxItems = items;
            return this;
        }

        /** The most completion tokens a call may ask for ({@code max_tokens}); 0 for no cap. */
        public Builder maxTokens(int tokens) {
            this.maxTokens = tokens;
            return this;
        }

        /**
         * {@code structured}, {@code max-chars}, {@code max-items} and {@code max-tokens} at once.
         */
        public Builder replyOptions(ReplyOptions options) {
            this.structured = options.structured();
            this.maxChars = options.maxChars();
            this.maxItems = options.maxItems();
            this.maxTokens = options.maxTokens();
            return this;
        }

        /** Whether a request slower than its replica usually is goes to another one as well. */
        public Builder hedge(boolean hedge) {
            this.hedge = hedge;
            return this;
        }

        /** Hedge after this many times the replica's p99 latency (at least 1). */
        public Builder hedgeFactor(double factor) {
            this.hedgeFactor = factor;
            return this;
        }

        /** Never hedge sooner than this after a request was sent. */
        public Builder hedgeFloor(Duration floor) {
            this.hedgeFloor = floor;
            return this;
        }

        /** With {@code stream=true}: abandon a request whose first token has not come by then. */
        public Builder firstTokenTimeout(Duration timeout) {
            this.firstTokenTimeout = timeout;
            return this;
        }

        /** With {@code stream=true}: abandon a request whose stream sends nothing this long. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** At most this share of requests (0 to 1) is hedged. */
        public Builder hedgeRatio(double ratio) {
            this.hedgeRatio = ratio;
            return this;
        }

        /**
         * The weights file the fleet serves, hashed by {@link #build()} so that results name the
         * model, and what serves it; {@code null} for neither.
         *
         * @param file the file's path, e.g. the GGUF given to {@code llama-server -m}
         * @param engine what serves it, e.g. {@code llama.cpp-b1234}; {@code null} when unknown
         */
        public Builder modelFile(String file, String engine) {
            this.modelFile = file;
            this.engine = engine;
            return this;
        }

        /**
         * Checks every setting and returns the binding.
         *
         * @throws IllegalArgumentException naming the first setting that breaks its rule and the
         *     fix
         */
        public OpenAiCompatibleBinding build() {
            if (baseUrls.isEmpty() || (baseUrls.size() == 1 && baseUrls.get(0).isBlank())) {
                throw new IllegalArgumentException(
                        "an openai: binding needs at least one base URL, e.g."
                                + " openai:http://127.0.0.1:8000/v1");
            }
            List<String> normalized = new ArrayList<>(baseUrls.size());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < baseUrls.size(); i++) {
                String url = normalize(i, baseUrls.get(i));
                if (!seen.add(url)) {
                    throw new IllegalArgumentException(
                            "base URL " + url + " is listed twice; list each replica once");
                }
                normalized.add(url);
            }
            baseUrls = normalized;
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException(
                        "model must not be blank; leave it out to use the first listed model");
            }
            if (!(loadFactor > 1) || Double.isInfinite(loadFactor)) {
                throw new IllegalArgumentException(
                        "load-factor must be above 1 (1.25 lets a replica take 25 % more than the"
                                + " mean before it spills over), was "
                                + loadFactor);
            }
            requirePositive("timeout", callTimeout);
            requirePositive("connect timeout", connectTimeout);
            RetryPolicy retryPolicy = retry.build();
            requirePositive("eject-for", ejectFor);
            if (minConcurrency < 1) {
                throw new IllegalArgumentException(
                        "min concurrency must be at least 1, was " + minConcurrency);
            }
            if (maxConcurrency < minConcurrency) {
                throw new IllegalArgumentException(
                        "max-concurrency must be at least "
                                + minConcurrency
                                + ", was "
                                + maxConcurrency);
            }
            if (initialConcurrency < minConcurrency || initialConcurrency > maxConcurrency) {
                throw new IllegalArgumentException(
                        "concurrency (the initial limit) must be between "
                                + minConcurrency
                                + " and max-concurrency "
                                + maxConcurrency
                                + ", was "
                                + initialConcurrency);
            }
            if (requestsPerMinute < 0) {
                throw new IllegalArgumentException(
                        "rpm must be 0 (no limit) or more, was " + requestsPerMinute);
            }
            if (tokensPerMinute < 0) {
                throw new IllegalArgumentException(
                        "tpm must be 0 (no limit) or more, was " + tokensPerMinute);
            }
            if (!(hedgeFactor >= 1) || Double.isInfinite(hedgeFactor)) {
                throw new IllegalArgumentException(
                        "hedge-factor must be 1 or more (3 hedges a request after 3 times its"
                                + " replica's p99 latency), was "
                                + hedgeFactor);
            }
            requirePositive("hedge-floor", hedgeFloor);
            requirePositive("first-token-timeout", firstTokenTimeout);
            requirePositive("idle-timeout", idleTimeout);
            if (!(hedgeRatio >= 0 && hedgeRatio <= 1)) {
                throw new IllegalArgumentException(
                        "hedge-ratio must be between 0 and 1 (0.1: at most one request in ten is"
                                + " hedged), was "
                                + hedgeRatio);
            }
            requireNotNegative("max-chars", maxChars, "the longest string of a reply");
            requireNotNegative("max-items", maxItems, "the longest list of a reply");
            requireNotNegative("max-tokens", maxTokens, "the most completion tokens of a call");
            if (structured != StructuredOutput.JSON_SCHEMA && (maxChars > 0 || maxItems > 0)) {
                throw new IllegalArgumentException(
                        "max-chars and max-items bound the reply schema, which only"
                                + " structured=json_schema sends; drop them or set"
                                + " structured=json_schema");
            }
            if (httpThreads < 1) {
                throw new IllegalArgumentException(
                        "http threads must be at least 1, was " + httpThreads);
            }
            identity = identity();
            return new OpenAiCompatibleBinding(this, retryPolicy);
        }

        private static void requireNotNegative(String key, int value, String what) {
            if (value < 0) {
                throw new IllegalArgumentException(
                        key + " (" + what + ") must be 0 (no limit) or more, was " + value);
            }
        }

        private static void requirePositive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
            }
        }

        /**
         * The URL without a trailing slash; refuses user info (it would be a secret in plain text).
         */
        private ModelIdentity identity() {
            if (modelFile == null) {
                if (engine != null) {
                    throw new IllegalArgumentException(
                            "engine="
                                    + engine
                                    + " names what serves the model-file; give model-file=PATH"
                                    + " too (the weights file the fleet serves), or drop engine");
                }
                return null;
            }
            if (modelFile.isBlank() || (engine != null && engine.isBlank())) {
                throw new IllegalArgumentException(
                        "model-file and engine must not be empty; write e.g."
                                + " model-file=models/tiny-arith.gguf&engine=llama.cpp");
            }
            try {
                return ModelIdentity.of(Path.of(modelFile), engine);
            } catch (IllegalArgumentException e) { // InvalidPathException too
                throw new IllegalArgumentException(
                        "model-file="
                                + modelFile
                                + ": "
                                + e.getMessage().replace(modelFile + ": ", "")
                                + "; give the weights file the fleet serves (the GGUF given to"
                                + " llama-server -m, say), or leave model-file out",
                        e);
            }
        }

        private static String normalize(int index, String raw) {
            String text = raw == null ? "" : raw.trim();
            String which = "base URL #" + (index + 1);
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        which + " is not a URL; write e.g. http://127.0.0.1:8000/v1", e);
            }
            if (uri.getRawUserInfo() != null) {
                // Not echoed: user info is usually a password or a key.
                throw new IllegalArgumentException(
                        which
                                + " carries user info (user:secret@); put the key in an"
                                + " environment variable and name it with ?key-env=NAME");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException(
                        which
                                + " '"
                                + text
                                + "' must start with http:// or https://, e.g."
                                + " http://127.0.0.1:8000/v1");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException(
                        which + " '" + text + "' has no host; write e.g. http://127.0.0.1:8000/v1");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        which
                                + " '"
                                + text
                                + "' has a query or fragment; a base URL is scheme, host, port"
                                + " and path, e.g. http://127.0.0.1:8000/v1");
            }
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            return text;
        }
    }
}
