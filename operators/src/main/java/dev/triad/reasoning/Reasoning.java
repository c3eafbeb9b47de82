package dev.triad.reasoning;

import dev.triad.cost.PriceTable;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.serde.JsonTypeInfo;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Adds Triad's reasoning to a Flink job: questions in, one {@link Result} per (question, strategy)
 * out.
 *
 * <pre>{@code
 * DataStream<Result> results =
 *         Reasoning.builder()
 *                 .strategies(List.of("lm2", "cot"))
 *                 .model(Role.DECOMPOSER, decomposer)
 *                 .model(Role.SOLVER, solver)
 *                 .model(Role.VERIFIER, verifier)
 *                 .option(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT, 512)
 *                 .prices(PriceTable.builder()
 *                         .role(Role.SOLVER, PriceTable.Price.perMillion(0.60, 2.40))
 *                         .role(Role.DECOMPOSER, PriceTable.Price.perMillion(0.05, 0.10))
 *                         .role(Role.VERIFIER, PriceTable.Price.perMillion(0.05, 0.10))
 *                         .build())
 *                 .build()
 *                 .apply(questions);
 * }</pre>
 *
 * <p>The operators it adds are named and carry stable uids ({@value #FAN_OUT_UID}, {@value #UID})
 * so savepoints stay compatible.
 */
@PublicEvolving
public final class Reasoning implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Uid of the reasoning operator. */
    public static final String UID = "triad-reasoning";

    /** Uid of the per-strategy fan-out in front of it. */
    public static final String FAN_OUT_UID = "triad-fan-out";

    private final ReasoningConfig config;

    private Reasoning(ReasoningConfig config) {
        this.config = config;
    }

    /** A builder with no strategies and no models yet. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fans each question out per strategy, keys by (id, strategy) and runs the {@link
     * ReasoningOperator}.
     */
    public DataStream<Result> apply(DataStream<Question> questions) {
        return questions
                .flatMap(new StrategyFanOut(config.strategyNames()))
                .returns(ReasoningTaskSerializer.TYPE_INFO)
                .name("fan out per strategy")
                .uid(FAN_OUT_UID)
                .keyBy(ReasoningTask::key, Types.STRING)
                .transform("reasoning", JsonTypeInfo.RESULT, operatorFactory())
                .uid(UID);
    }

    /** The operator factory, for jobs that wire the keyed stream themselves and for tests. */
    ReasoningOperatorFactory operatorFactory() {
        return new ReasoningOperatorFactory(config);
    }

    /** The strategies this pipeline runs, in order. */
    public List<String> strategies() {
        return config.strategyNames();
    }

    /** Builds a {@link Reasoning}; {@link #build()} checks every setting. */
    @PublicEvolving
    public static final class Builder {

        private final List<String> strategies = new ArrayList<>();
        private final Map<String, ReasoningStrategyFactory> ownStrategies = new LinkedHashMap<>();
        private final Map<Role, ModelBinding> bindings = new EnumMap<>(Role.class);
        private final Configuration configuration = new Configuration();
        private PriceTable prices;
        private String journalName = "triad";

        private Builder() {}

        /**
         * The strategies to run on every question: {@code lm2}, {@code cot}, {@code plan-solve}.
         */
        public Builder strategies(List<String> names) {
            strategies.clear();
            strategies.addAll(names);
            return this;
        }

        /**
         * Makes a strategy of the job's own available under {@code name}, for {@link
         * #strategies(List)} to name (a built-in name cannot be taken).
         */
        public Builder strategy(String name, ReasoningStrategyFactory factory) {
            if (Strategies.isBuiltIn(name)) {
                throw new IllegalArgumentException(
                        "Strategy name '" + name + "' is a built-in strategy's; pick another name");
            }
            ownStrategies.put(name, Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** The model that serves {@code role}. */
        public Builder model(Role role, ModelBinding binding) {
            bindings.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(binding));
            return this;
        }

        /** Settings from {@link ReasoningOptions}; later calls override earlier ones. */
        public Builder configuration(ReadableConfig config) {
            for (ConfigOption<?> option : ReasoningOptions.ALL) {
                copyOption(config, configuration, option);
            }
            return this;
        }

        /**
         * Prices per 1M tokens that turn each result's usage into an estimated cost per role
         * ({@code usage.ROLE.cost}) and per question ({@code cost}); {@code null} (the default) for
         * no cost. Every role the strategies use needs a price, by its binding or its role.
         */
        public Builder prices(PriceTable prices) {
            this.prices = prices;
            return this;
        }

        /**
         * Names this job among the jobs that share a checkpoint directory: its reply journal is
         * {@code CHECKPOINT_DIR/triad-journal/NAME} when {@link ReasoningOptions#REPLY_JOURNAL} is
         * {@code auto}. The same job restarted or resumed must get the same name. Default {@code
         * triad}.
         */
        public Builder journalName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "Journal name '"
                                + name
                                + "' must be letters, digits, '.', '_' or '-' (it names a folder)");
            }
            this.journalName = name;
            return this;
        }

        /** One setting from {@link ReasoningOptions}. */
        public <T> Builder option(ConfigOption<T> option, T value) {
            configuration.set(option, value);
            return this;
        }

        /**
         * Checks the settings and builds.
         *
         * @throws IllegalArgumentException naming the setting that is wrong and what to do
         */
        public Reasoning build() {
            if (strategies.isEmpty()) {
                throw new IllegalArgumentException(
                        "No strategy to run; set at least one of " + Strategies.NAMES);
            }
            Set<String> unique = new LinkedHashSet<>(strategies);
            if (unique.size() != strategies.size()) {
                throw new IllegalArgumentException(
                        "Strategies " + strategies + " name one strategy twice; name each once");
            }
            StrategySettings settings = StrategySettings.from(configuration);
            Map<String, ReasoningStrategyFactory> factories = new LinkedHashMap<>();
            for (String name : strategies) {
                ReasoningStrategyFactory factory = ownStrategies.get(name);
                if (factory == null) {
                    factory = Strategies.factory(name); // names the known ones when unknown
                }
                factories.put(name, factory);
                ReasoningStrategy strategy = factory.create(settings);
                if (!strategy.name().equals(name)) {
                    throw new IllegalArgumentException(
                            "Strategy registered as '"
                                    + name
                                    + "' calls itself '"
                                    + strategy.name()
                                    + "'; register it under its own name");
                }
                for (Role role : strategy.roles()) {
                    if (!bindings.containsKey(role)) {
                        throw new IllegalArgumentException(
                                "Strategy "
                                        + name
                                        + " needs a model for the "
                                        + role.key()
                                        + " role; bind one (e.g. --model "
                                        + role.key()
                                        + "=sim)");
                    }
                }
                checkPriced(name, strategy);
            }
            int maxQuestions = positive(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT);
            int maxCalls = positive(ReasoningOptions.MAX_CALLS_IN_FLIGHT);
            int parseRetries = configuration.get(ReasoningOptions.MAX_PARSE_RETRIES);
            if (parseRetries < 0) {
                throw new IllegalArgumentException(
                        ReasoningOptions.MAX_PARSE_RETRIES.key()
                                + " must be 0 or more, was "
                                + parseRetries);
            }
            long timeoutMs = configuration.get(ReasoningOptions.QUESTION_TIMEOUT).toMillis();
            if (timeoutMs <= 0) {
                throw new IllegalArgumentException(
                        ReasoningOptions.QUESTION_TIMEOUT.key()
                                + " must be positive, was "
                                + configuration.get(ReasoningOptions.QUESTION_TIMEOUT));
            }
            long outageLimitMs = configuration.get(ReasoningOptions.OUTAGE_LIMIT).toMillis();
            if (outageLimitMs <= 0) {
                throw new IllegalArgumentException(
                        ReasoningOptions.OUTAGE_LIMIT.key()
                                + " must be positive, was "
                                + configuration.get(ReasoningOptions.OUTAGE_LIMIT));
            }
            return new Reasoning(
                    new ReasoningConfig(
                            factories,
                            settings,
                            bindings,
                            maxQuestions,
                            maxCalls,
                            timeoutMs,
                            outageLimitMs,
                            parseRetries,
                            prices,
                            replyJournal(),
                            journalName));
        }

        private void checkPriced(String strategyName, ReasoningStrategy strategy) {
            if (prices == null) {
                return;
            }
            for (Role role : strategy.roles()) {
                String binding = bindings.get(role).describe();
                if (prices.priceFor(role.key(), binding) == null) {
                    throw new IllegalArgumentException(
                            "The price table has no price for the "
                                    + role.key()
                                    + " role ("
                                    + binding
                                    + "), which strategy "
                                    + strategyName
                                    + " calls; add an entry for '"
                                    + role.key()
                                    + "' or for '"
                                    + binding
                                    + "' (e.g. "
                                    + role.key()
                                    + ": {prompt: 0, completion: 0} for a model that costs"
                                    + " nothing)");
                }
            }
        }

        private String replyJournal() {
            String journal = configuration.get(ReasoningOptions.REPLY_JOURNAL).strip();
            if (journal.isEmpty()) {
                throw new IllegalArgumentException(
                        ReasoningOptions.REPLY_JOURNAL.key()
                                + " is empty; give a folder, '"
                                + ReasoningOptions.JOURNAL_AUTO
                                + "' or '"
                                + ReasoningOptions.JOURNAL_NONE
                                + "'");
            }
            return journal;
        }

        private int positive(ConfigOption<Integer> option) {
            int value = configuration.get(option);
            if (value < 1) {
                throw new IllegalArgumentException(
                        option.key() + " must be at least 1, was " + value);
            }
            return value;
        }

        private static <T> void copyOption(
                ReadableConfig from, Configuration to, ConfigOption<T> option) {
            from.getOptional(option).ifPresent(value -> to.set(option, value));
        }
    }
}
