package dev.triad.model.langchain4j;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.BindingSpec;
import dev.triad.model.ModelBinding;
import dev.triad.model.OutageHoldingChatModel;
import dev.triad.model.RetryPolicy;
import dev.triad.model.RetryingChatModel;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A role bound to a langchain4j chat model provider: {@code langchain4j:PROVIDER[?key=value&…]},
 * e.g. {@code
 * langchain4j:openai?base-url=http://127.0.0.1:8000/v1&model=triad-sim&key-env=OPENAI_API_KEY&concurrency=16&timeout=60s}.
 *
 * <p>Providers: {@code openai} (and any OpenAI-compatible server), {@code ollama}, {@code
 * anthropic} and {@code gemini}; see {@link LangChain4jProviders}. Parameters: {@code base-url}
 * (the provider's default when absent), {@code model} (required), {@code key-env} / {@code
 * key-file} (where the API key is; without them the provider's default: {@value
 * ApiKeySource#DEFAULT_ENV} when set for openai, none for ollama, {@code ANTHROPIC_API_KEY} for
 * anthropic, {@code GEMINI_API_KEY} for gemini), {@code concurrency} (calls in flight per subtask,
 * default {@value #DEFAULT_CONCURRENCY}), {@code queue} (calls waiting per subtask, default {@value
 * #DEFAULT_QUEUE}), {@code timeout} (per call, default 60s), {@code attempts} (tries per call for
 * retriable failures, the first included, default {@value #DEFAULT_ATTEMPTS}), {@code budget} (no
 * try starts later than this after the call's start, default none), {@code retries} (langchain4j's
 * own, 0 or 1, default 0: Triad's {@link RetryingChatModel} decides what to try again), {@code
 * structured} ({@code json_schema}, {@code json_object} or {@code off}, default {@code
 * json_schema}: how each call's reply shape is sent, see {@link StructuredOutput}; the same option
 * and default as the {@code openai:} binding's, sent as langchain4j's {@code ResponseFormat}:
 * OpenAI {@code response_format}, Ollama {@code format}, Gemini {@code responseSchema}, Anthropic
 * {@code output_config.format}; anthropic has no schemaless JSON mode, so {@code json_object} is
 * refused there when the binding is built).
 *
 * <p>{@link #open(int)} wraps the model in an {@link OutageHoldingChatModel} and that in a {@link
 * RetryingChatModel} with {@link #retryPolicy()}; {@link #open(int, UnaryOperator)} gives the bare
 * model, one try per call.
 *
 * <p>Serialisable and immutable: holds where the key is, never the key; {@link #describe()} and
 * {@link #toString()} never show it. The key is read in {@link #open}, on the TaskManager.
 */
@PublicEvolving
public final class LangChain4jBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    /** The spec scheme: {@code langchain4j:}. */
    public static final String SCHEME = "langchain4j";

    public static final int DEFAULT_CONCURRENCY = 16;
    public static final int DEFAULT_QUEUE = 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_RETRIES = 0;
    public static final int DEFAULT_ATTEMPTS = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
    public static final Duration DEFAULT_BUDGET = RetryPolicy.NO_BUDGET;

    /**
     * The engine decodes under the reply's schema, as with the {@code openai:} binding: every
     * provider here supports it, and small models need it to reply in the protocol's JSON.
     */
    public static final StructuredOutput DEFAULT_STRUCTURED = StructuredOutput.JSON_SCHEMA;

    /** The spec parameters, in the order messages list them. */
    static final List<String> PARAMETERS =
            List.of(
                    "base-url",
                    "model",
                    "key-env",
                    "key-file",
                    "concurrency",
                    "queue",
                    "timeout",
                    "retries",
                    "attempts",
                    "budget",
                    "structured");

    private final String provider;
    private final String baseUrl;
    private final String model;
    private final ApiKeySource apiKey;
    private final int concurrency;
    private final int queue;
    private final Duration timeout;
    private final int retries;
    private final RetryPolicy retryPolicy;
    private final StructuredOutput structured;

    LangChain4jBinding(Builder b) {
        this.provider = b.provider;
        this.baseUrl = b.baseUrl;
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.concurrency = b.concurrency;
        this.queue = b.queue;
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.retryPolicy = b.retryPolicy;
        this.structured = b.structured;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a spec, with or without the leading {@code langchain4j:}: {@code
     * PROVIDER[?key=value&…]}.
     *
     * @throws IllegalArgumentException naming the part that is wrong and the accepted form
     */
    public static LangChain4jBinding parse(String spec) {
        BindingSpec parsed = BindingSpec.parse(SCHEME, spec, PARAMETERS);
        Builder b =
                builder()
                        .provider(parsed.target())
                        .baseUrl(parsed.string("base-url", null))
                        .model(parsed.string("model", null))
                        .concurrency(parsed.integer("concurrency", DEFAULT_CONCURRENCY))
                        .queue(parsed.integer("queue", DEFAULT_QUEUE))
                        .timeout(parsed.duration("timeout", DEFAULT_TIMEOUT))
                        .retries(parsed.integer("retries", DEFAULT_RETRIES))
                        .attempts(parsed.integer("attempts", DEFAULT_ATTEMPTS))
                        .retryBudget(parsed.duration("budget", DEFAULT_BUDGET))
                        .structured(
                                parsed.choice(
                                        "structured",
                                        DEFAULT_STRUCTURED,
                                        StructuredOutput.ALL,
                                        StructuredOutput::key));
        ApiKeySource key = ApiKeySource.fromSpec(parsed, null);
        if (key != null) {
            b.apiKey(key);
        }
        return b.build();
    }

    /**
     * The model for one subtask, its calls retried as {@link #retryPolicy()} says, and held while
     * the endpoint is down ({@link OutageHoldingChatModel}) rather than failed.
     */
    @Override
    public AsyncChatModel open(int subtaskIndex) {
        LangChain4jChatModel model = open(subtaskIndex, System::getenv);
        return RetryingChatModel.builder(
                        OutageHoldingChatModel.builder(model, model.endpoint()).build(),
                        retryPolicy)
                .build();
    }

    /**
     * Opens the bare model, one try per call, with the key read through {@code environment} (tests
     * pass a map).
     */
    public LangChain4jChatModel open(int subtaskIndex, UnaryOperator<String> environment) {
        LangChain4jProvider p = LangChain4jProviders.get(provider);
        String key;
        try {
            key = apiKey.resolve(environment).reveal();
        } catch (IllegalStateException e) {
            if (!apiKey.equals(p.defaultKey())) {
                throw e;
            }
            // The provider's own default variable: the generic advice (drop key-env) would not
            // help.
            throw new IllegalStateException(
                    SCHEME
                            + ":"
                            + provider
                            + " needs an API key and "
                            + apiKey.where()
                            + " (the default for "
                            + provider
                            + ") is not set; set it, or say where the key is with ?key-env=NAME"
                            + " or ?key-file=PATH");
        }
        return new LangChain4jChatModel(
                describe(),
                SCHEME + ":" + provider + "@" + BindingSpec.maskUserInfo(baseUrl),
                p.create(this, key),
                concurrency,
                queue,
                timeout,
                key,
                apiKey,
                subtaskIndex,
                structured);
    }

    /**
     * The binding as a spec: the provider and the parameters that differ from the defaults, e.g.
     * {@code langchain4j:openai?base-url=http://127.0.0.1:8000/v1&model=triad-sim}. Never the key.
     */
    @Override
    public String describe() {
        return toSpec().toString();
    }

    /** The binding as a spec: the provider and the parameters unlike the defaults. */
    BindingSpec toSpec() {
        LangChain4jProvider p = LangChain4jProviders.get(provider);
        BindingSpec.Builder spec =
                BindingSpec.builder(SCHEME, provider)
                        .paramUnlessDefault("base-url", baseUrl, p.defaultBaseUrl())
                        .param("model", model);
        apiKey.describeInto(spec, p.defaultKey());
        return spec.paramUnlessDefault("concurrency", concurrency, DEFAULT_CONCURRENCY)
                .paramUnlessDefault("queue", queue, DEFAULT_QUEUE)
                .paramUnlessDefault("timeout", timeout, DEFAULT_TIMEOUT)
                .paramUnlessDefault("retries", retries, DEFAULT_RETRIES)
                .paramUnlessDefault("attempts", retryPolicy.maxAttempts(), DEFAULT_ATTEMPTS)
                .paramUnlessDefault("budget", retryPolicy.budget(), DEFAULT_BUDGET)
                .paramUnlessDefault("structured", structured.key(), DEFAULT_STRUCTURED.key())
                .build();
    }

    @Override
    public String toString() {
        return "LangChain4jBinding[" + describe() + "]";
    }

    public String provider() {
        return provider;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String model() {
        return model;
    }

    public ApiKeySource apiKey() {
        return apiKey;
    }

    public int concurrency() {
        return concurrency;
    }

    public int queue() {
        return queue;
    }

    public Duration timeout() {
        return timeout;
    }

    public int retries() {
        return retries;
    }

    /** How {@link #open(int)}'s model retries: {@code attempts}, {@code budget}, the backoff. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** How each call's reply shape is sent ({@code structured=}). */
    public StructuredOutput structured() {
        return structured;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LangChain4jBinding other && fields().equals(other.fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    private List<Object> fields() {
        return List.of(
                provider,
                baseUrl,
                model,
                apiKey,
                concurrency,
                queue,
                timeout,
                retries,
                retryPolicy,
                structured);
    }

    /** Builds a {@link LangChain4jBinding}; {@link #build()} checks every setting. */
    public static final class Builder {

        private String provider;
        private String baseUrl;
        private String model;
        private ApiKeySource apiKey;
        private int concurrency = DEFAULT_CONCURRENCY;
        private int queue = DEFAULT_QUEUE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private final RetryPolicy.Builder retry =
                RetryPolicy.builder()
                        .options(
                                "attempts=N in the " + SCHEME + ": binding",
                                "budget=DURATION in the " + SCHEME + ": binding");
        private RetryPolicy retryPolicy;
        private StructuredOutput structured = DEFAULT_STRUCTURED;

        Builder() {}

        /** The provider's name, e.g. {@code openai}; see {@link LangChain4jProviders#names()}. */
        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Where the key is; the provider's {@link LangChain4jProvider#defaultKey()} when unset. */
        public Builder apiKey(ApiKeySource apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** Calls in flight per subtask: the size of the model's thread pool. */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** Calls waiting per subtask once {@code concurrency} are in flight. */
        public Builder queue(int queue) {
            this.queue = queue;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Tries per call for retriable failures, the first included ({@link #open(int)}). */
        public Builder attempts(int attempts) {
            retry.maxAttempts(attempts);
            return this;
        }

        /** The most time from a call's start to the start of its last try; zero for none. */
        public Builder retryBudget(Duration budget) {
            retry.budget(budget);
            return this;
        }

        /** langchain4j's own retries: 0 (the default) or 1. */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /** How each call's reply shape is sent; default {@link StructuredOutput#JSON_SCHEMA}. */
        public Builder structured(StructuredOutput structured) {
            this.structured = Objects.requireNonNull(structured, "structured");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting and the rule
         */
        public LangChain4jBinding build() {
            LangChain4jProvider p = LangChain4jProviders.get(provider);
            provider = p.name();
            if (apiKey == null) {
                apiKey = p.defaultKey();
            }
            if (baseUrl == null || baseUrl.isBlank()) {
                baseUrl = p.defaultBaseUrl();
            }
            baseUrl = baseUrl.trim();
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw new IllegalArgumentException(
                        "base-url must be an http:// or https:// URL, was '"
                                + BindingSpec.maskUserInfo(baseUrl)
                                + "'; e.g. base-url=http://127.0.0.1:8000/v1");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException(
                        "model is required; name the model the server serves, e.g."
                                + " langchain4j:"
                                + provider
                                + "?model=gpt-4o-mini");
            }
            model = model.trim();
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException(
                        "concurrency must be between 1 and 1024 calls in flight per subtask, was "
                                + concurrency);
            }
            if (queue < 0) {
                throw new IllegalArgumentException(
                        "queue must be 0 or more calls waiting per subtask, was " + queue);
            }
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException(
                        "timeout must be positive, e.g. timeout=60s, was " + timeout);
            }
            if (retries < 0 || retries > 1) {
                throw new IllegalArgumentException(
                        "retries must be 0 or 1 (langchain4j's own retries; Triad retries"
                                + " retriable failures itself), was "
                                + retries);
            }
            String refused = p.refuses(structured);
            if (refused != null) {
                throw new IllegalArgumentException(
                        "structured="
                                + structured.key()
                                + " is not available for "
                                + SCHEME
                                + ":"
                                + provider
                                + " ("
                                + refused
                                + "); use structured=json_schema (the default) or structured=off");
            }
            retryPolicy = retry.build();
            return new LangChain4jBinding(this);
        }
    }
}
