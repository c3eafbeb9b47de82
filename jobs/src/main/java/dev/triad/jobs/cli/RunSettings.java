package dev.triad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.cost.PriceTable;
import dev.triad.embed.BundledModel;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.demos.DemonstrationPool;
import dev.triad.jobs.demos.DemonstrationSettings;
import dev.triad.jobs.io.KafkaClientProperties;
import dev.triad.jobs.io.KafkaUri;
import dev.triad.jobs.similar.NearDuplicateCheck;
import dev.triad.jobs.similar.NearDuplicatePolicy;
import dev.triad.model.BindingSpec;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.reasoning.ReasoningStrategy;
import dev.triad.reasoning.Strategies;
import dev.triad.reasoning.StrategySettings;
import dev.triad.schemas.mapping.FieldMapping;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;

/**
 * Everything {@code triad run} needs, resolved and checked: command-line options win over the
 * {@code --config} file, which wins over the defaults. Every problem is a {@link UsageException}
 * that names the option (and where it was set) and says what to do, so nothing is found wrong after
 * the job has started.
 */
public final class RunSettings {

    static final String INPUT = "input";
    static final String MAPPING = "mapping";
    static final String OUTPUT = "output";
    static final String STRATEGIES = "strategies";
    static final String LIMIT = "limit";
    static final String MODEL = "model";
    static final String PARALLELISM = "parallelism";
    static final String WATCH = "watch";
    static final String WATCH_INTERVAL = "watch-interval";
    static final String DEAD_LETTERS = "dead-letters";
    static final String CHECKPOINT_INTERVAL = "checkpoint-interval";
    static final String DELIVERY = "delivery";
    static final String KAFKA = "kafka";
    static final String JOBMANAGER = "jobmanager";
    static final String DETACH = "detach";
    static final String FROM_SAVEPOINT = "from-savepoint";
    static final String PROMPTS = "prompts";
    static final String NEAR_DUPLICATES = "near-duplicates";
    static final String NEAR_DUPLICATE_THRESHOLD = "near-duplicate-threshold";
    static final String EMBEDDING_MODEL = "embedding-model";
    static final String DEMONSTRATIONS = "demonstrations";
    static final String DEMONSTRATIONS_MAPPING = "demonstrations-mapping";
    static final String SHOTS = "shots";
    static final String DEMONSTRATIONS_CUT = "demonstrations-cut";
    static final String DEMONSTRATIONS_EXACT_MAX = "demonstrations-exact-max";

    /** A removed option: retries moved into the model clients. */
    static final String MAX_CALL_ATTEMPTS = "max-call-attempts";

    /**
     * Options that were removed, with what to do instead: given on the command line or in a config
     * file they are a usage error that says so, not an unknown option.
     */
    static final Map<String, String> REMOVED =
            Map.of(
                    MAX_CALL_ATTEMPTS,
                    "retries are the model client's now. Give attempts=N on the model binding"
                            + " instead, e.g. --model all=openai:http://localhost:8000?attempts=3,"
                            + " or leave it out for the client's default.");

    /** The mapping when none is given: Triad's own question JSON. */
    public static final String DEFAULT_MAPPING = "triad";

    /** The output folder when none is given. */
    public static final String DEFAULT_OUTPUT = "out/run";

    /** The strategies when none are given. */
    public static final List<String> DEFAULT_STRATEGIES = List.of("lm2", "cot");

    /** The reasoning operator's parallelism when none is given. */
    public static final int DEFAULT_PARALLELISM = 2;

    /** How often {@code --watch} looks for new files when not told. */
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(5);

    /** How often a run checkpoints when not told. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /** The {@code --checkpoint-interval} that turns checkpoints off. */
    public static final String CHECKPOINTS_OFF = "off";

    /** {@code --delivery} values, by name, for a Kafka output. */
    public static final Map<String, DeliveryGuarantee> DELIVERIES =
            Map.of(
                    "exactly-once", DeliveryGuarantee.EXACTLY_ONCE,
                    "at-least-once", DeliveryGuarantee.AT_LEAST_ONCE,
                    "none", DeliveryGuarantee.NONE);

    /** The folder under a folder {@code --output} that holds what a resume needs. */
    public static final String STATE_FOLDER = ".triad";

    /**
     * The folder under which a Kafka {@code --output} keeps what a resume needs, one subfolder per
     * transactional-id prefix.
     */
    public static final Path KAFKA_STATE_ROOT = Path.of("out", "state");

    /** The dead-letter topic of a Kafka output when none is given: the output topic + this. */
    public static final String DEAD_LETTERS_TOPIC_SUFFIX = ".dead-letters";

    /** No {@code --limit}. */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    /**
     * Every key a config file may use: the long option names of {@code triad run} (removed ones
     * included, so that they are reported as removed rather than unknown).
     */
    public static final List<String> KEYS;

    static {
        List<String> keys =
                new ArrayList<>(
                        List.of(
                                INPUT,
                                MAPPING,
                                OUTPUT,
                                STRATEGIES,
                                LIMIT,
                                MODEL,
                                PricesOption.NAME,
                                PROMPTS,
                                PARALLELISM,
                                WATCH,
                                WATCH_INTERVAL,
                                DEAD_LETTERS,
                                CHECKPOINT_INTERVAL,
                                DELIVERY,
                                KAFKA,
                                JOBMANAGER,
                                DETACH,
                                FROM_SAVEPOINT,
                                NEAR_DUPLICATES,
                                NEAR_DUPLICATE_THRESHOLD,
                                EMBEDDING_MODEL,
                                DEMONSTRATIONS,
                                DEMONSTRATIONS_MAPPING,
                                SHOTS,
                                DEMONSTRATIONS_CUT,
                                DEMONSTRATIONS_EXACT_MAX));
        for (ConfigOption<?> option : ReasoningOptions.ALL) {
            keys.add(option.key());
        }
        keys.addAll(REMOVED.keySet());
        KEYS = Collections.unmodifiableList(keys);
    }

    private final String inputName;
    private final Path input;
    private final KafkaUri kafkaInput;
    private final FieldMapping mapping;
    private final Path output;
    private final KafkaUri kafkaOutput;
    private final KafkaUri kafkaDeadLetters;
    private final Duration checkpointInterval;
    private final boolean checkpointIntervalGiven;
    private final DeliveryGuarantee delivery;
    private final KafkaClientProperties kafkaClient;
    private final List<String> strategies;
    private final long limit;
    private final int parallelism;
    private final boolean watch;
    private final Duration watchInterval;
    private final Map<Role, ModelBinding> models;
    private final Configuration reasoningConfig;
    private final PriceTable prices;
    private final PromptSet prompts;
    private final Reasoning reasoning;
    private final JobManagerAddress jobManager;
    private final boolean detach;
    private final String fromSavepoint;
    private final boolean resume;
    private final boolean overwrite;
    private final NearDuplicateCheck nearDuplicates;
    private final DemonstrationSettings demonstrations;

    private RunSettings(
            String inputName,
            Path input,
            KafkaUri kafkaInput,
            FieldMapping mapping,
            Path output,
            KafkaUri kafkaOutput,
            KafkaUri kafkaDeadLetters,
            Duration checkpointInterval,
            boolean checkpointIntervalGiven,
            DeliveryGuarantee delivery,
            KafkaClientProperties kafkaClient,
            List<String> strategies,
            long limit,
            int parallelism,
            boolean watch,
            Duration watchInterval,
            Map<Role, ModelBinding> models,
            Configuration reasoningConfig,
            PriceTable prices,
            PromptSet prompts,
            Reasoning reasoning,
            JobManagerAddress jobManager,
            boolean detach,
            String fromSavepoint,
            boolean resume,
            boolean overwrite,
            NearDuplicateCheck nearDuplicates,
            DemonstrationSettings demonstrations) {
        this.inputName = inputName;
        this.input = input;
        this.kafkaInput = kafkaInput;
        this.mapping = mapping;
        this.output = output;
        this.kafkaOutput = kafkaOutput;
        this.kafkaDeadLetters = kafkaDeadLetters;
        this.checkpointInterval = checkpointInterval;
        this.checkpointIntervalGiven = checkpointIntervalGiven;
        this.delivery = delivery;
        this.kafkaClient = kafkaClient;
        this.strategies = strategies;
        this.limit = limit;
        this.parallelism = parallelism;
        this.watch = watch;
        this.watchInterval = watchInterval;
        this.models = models;
        this.reasoningConfig = reasoningConfig;
        this.prices = prices;
        this.prompts = prompts;
        this.reasoning = reasoning;
        this.jobManager = jobManager;
        this.detach = detach;
        this.fromSavepoint = fromSavepoint;
        this.resume = resume;
        this.overwrite = overwrite;
        this.nearDuplicates = nearDuplicates;
        this.demonstrations = demonstrations;
    }

    /**
     * Resolves and checks the options of one {@code triad run}.
     *
     * @throws UsageException naming the option, its value and where it was set, and what to do
     */
    public static RunSettings resolve(RunOptions cli) throws UsageException {
        return resolve(cli, Map.of());
    }

    /**
     * Resolves and checks the options of one {@code triad run} for an entry point that has no use
     * for some of them ({@link TriadApplication}).
     *
     * @param refused option keys (long names without {@code --}) that may not be set, on the
     *     command line or in the config file, each with the rest of the message: why not and what
     *     to do
     * @throws UsageException naming the option, its value and where it was set, and what to do
     */
    static RunSettings resolve(RunOptions cli, Map<String, String> refused) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new HashMap<>();
        List<List<String>> modelLayers = new ArrayList<>();
        JsonNode inlinePrices = null;
        String inlinePricesOrigin = null;
        KafkaClientProperties kafkaClient = KafkaClientProperties.NONE;
        if (cli.config() != null) {
            ConfigFile file = ConfigFile.read(cli.config(), KEYS);
            kafkaClient =
                    kafkaClient(file.kafka(), "'" + KAFKA + "' in " + file.path(), cli.secrets());
            inlinePrices = file.prices();
            inlinePricesOrigin = "'" + PricesOption.NAME + "' in " + file.path();
            file.values()
                    .forEach(
                            (key, value) -> {
                                values.put(key, value);
                                origins.put(key, "'" + key + "' in " + file.path());
                            });
            modelLayers.add(file.models());
        }
        cli.given()
                .forEach(
                        (key, value) -> {
                            values.put(key, value);
                            origins.put(key, "--" + key);
                        });
        modelLayers.add(cli.models());
        Values v = new Values(values, origins);
        for (Map.Entry<String, String> removed : REMOVED.entrySet()) {
            if (v.get(removed.getKey()) != null) {
                throw new UsageException(
                        v.origin(removed.getKey()) + " was removed: " + removed.getValue());
            }
        }
        for (Map.Entry<String, String> refuse : refused.entrySet()) {
            if (v.get(refuse.getKey()) != null) {
                throw new UsageException(
                        v.origin(refuse.getKey()) + " cannot be used here: " + refuse.getValue());
            }
        }

        if (cli.resume() && cli.overwrite()) {
            throw new UsageException(
                    "--resume and --overwrite cannot be used together: --resume continues the"
                            + " unfinished run in --output, --overwrite discards it and starts"
                            + " again. Give one of them.");
        }
        Map<Role, ModelBinding> models = ModelSpecs.resolve(modelLayers);
        List<String> strategies = strategies(v);
        long limit = v.positiveLong(LIMIT, NO_LIMIT);
        int parallelism = (int) v.positiveLong(PARALLELISM, DEFAULT_PARALLELISM);
        if (parallelism > 1024) {
            throw new UsageException(
                    v.origin(PARALLELISM)
                            + " is "
                            + parallelism
                            + "; use at most 1024 (one embedded MiniCluster).");
        }
        boolean watch = v.bool(WATCH);
        Duration watchInterval = v.duration(WATCH_INTERVAL, DEFAULT_WATCH_INTERVAL);

        Configuration reasoningConfig = reasoningConfig(v);
        PriceTable prices;
        if (v.get(PricesOption.NAME) != null) {
            prices =
                    PricesOption.read(v.path(PricesOption.NAME, null), v.origin(PricesOption.NAME));
        } else if (inlinePrices != null) {
            prices = PricesOption.fromTree(inlinePrices, inlinePricesOrigin);
        } else {
            prices = null;
        }
        PromptSet prompts = prompts(v);
        Duration checkpointInterval =
                CHECKPOINTS_OFF.equalsIgnoreCase(String.valueOf(v.get(CHECKPOINT_INTERVAL)).trim())
                        ? Duration.ZERO
                        : v.duration(CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        String rawOutput = values.getOrDefault(OUTPUT, DEFAULT_OUTPUT);
        Path output = null;
        KafkaUri kafkaOutput = null;
        KafkaUri kafkaDeadLetters = null;
        if (KafkaUri.isKafka(rawOutput)) {
            kafkaOutput = kafka(() -> KafkaUri.output(rawOutput, v.origin(OUTPUT)));
            String rawDead = v.get(DEAD_LETTERS);
            kafkaDeadLetters =
                    rawDead == null
                            ? kafkaOutput.withTopic(kafkaOutput.topic() + DEAD_LETTERS_TOPIC_SUFFIX)
                            : kafka(() -> KafkaUri.output(rawDead, v.origin(DEAD_LETTERS)));
        } else {
            output = v.path(OUTPUT, DEFAULT_OUTPUT);
            if (v.get(DEAD_LETTERS) != null) {
                throw new UsageException(
                        v.origin(DEAD_LETTERS)
                                + " applies to a Kafka --output only; with the folder "
                                + output
                                + " dead letters go to "
                                + output.resolve("dead-letters.jsonl")
                                + ". Leave it out, or give --output kafka://HOST:PORT/TOPIC.");
            }
        }
        DeliveryGuarantee delivery = delivery(v, output, checkpointInterval);
        String rawInput = v.get(INPUT);
        Path input = null;
        KafkaUri kafkaInput = null;
        if (KafkaUri.isKafka(rawInput)) {
            kafkaInput = kafka(() -> KafkaUri.input(rawInput, v.origin(INPUT)));
            if (watch) {
                throw new UsageException(
                        "--watch watches a folder, but "
                                + v.origin(INPUT)
                                + " is a Kafka topic, which is read continuously anyway (unless"
                                + " bounded=true). Leave out --watch.");
            }
        } else {
            input = input(v, watch);
        }
        FieldMapping mapping;
        String mappingName = values.getOrDefault(MAPPING, DEFAULT_MAPPING);
        try {
            mapping = FieldMapping.load(mappingName);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(MAPPING) + ": " + e.getMessage(), e);
        }
        if (!mapping.goldStepsHaveSubquestions()) {
            throw new UsageException(
                    v.origin(MAPPING)
                            + " "
                            + mappingName
                            + " gives gold steps without subquestions (goldSteps format lines),"
                            + " which is for demonstration pools: give it as"
                            + " --demonstrations-mapping. To run the questions themselves use a"
                            + " mapping without such steps, e.g. gsm8k.");
        }
        JobManagerAddress jobManager =
                v.get(JOBMANAGER) == null
                        ? null
                        : JobManagerAddress.parse(v.get(JOBMANAGER), v.origin(JOBMANAGER));
        boolean detach = v.bool(DETACH);
        if (detach && jobManager == null) {
            throw new UsageException(
                    v.origin(DETACH)
                            + " needs --jobmanager HOST:PORT: only a job submitted to a cluster"
                            + " runs on without triad. Add --jobmanager, or leave out --detach.");
        }
        String fromSavepoint =
                v.get(FROM_SAVEPOINT) == null ? null : savepoint(v.get(FROM_SAVEPOINT), v);
        String inputName = kafkaInput != null ? kafkaInput.toString() : input.toString();
        Reasoning reasoning =
                reasoning(
                        strategies,
                        models,
                        reasoningConfig,
                        prices,
                        prompts,
                        journalName(
                                inputName,
                                strategies,
                                mapping.name(),
                                kafkaOutput != null
                                        ? kafkaOutput.toString()
                                        : output.toAbsolutePath().normalize().toString()));
        return new RunSettings(
                inputName,
                input,
                kafkaInput,
                mapping,
                output,
                kafkaOutput,
                kafkaDeadLetters,
                checkpointInterval,
                v.get(CHECKPOINT_INTERVAL) != null,
                delivery,
                kafkaClient,
                strategies,
                limit,
                parallelism,
                watch,
                watchInterval,
                models,
                reasoningConfig,
                prices,
                prompts,
                reasoning,
                jobManager,
                detach,
                fromSavepoint,
                cli.resume(),
                cli.overwrite(),
                nearDuplicates(v),
                demonstrations(v, input, strategies, prompts));
    }

    /**
     * The worked examples of {@code --demonstrations FILE}, or {@code null} without one. The pool
     * is read and checked here, on the client (the TaskManagers read it again and check its
     * SHA-256): every line must map to a solved example, and {@code --shots} must fit the pool.
     */
    private static DemonstrationSettings demonstrations(
            Values v, Path input, List<String> strategies, PromptSet prompts)
            throws UsageException {
        String raw = v.get(DEMONSTRATIONS);
        if (raw == null) {
            for (String tuning :
                    List.of(
                            DEMONSTRATIONS_MAPPING,
                            SHOTS,
                            DEMONSTRATIONS_CUT,
                            DEMONSTRATIONS_EXACT_MAX)) {
                if (v.get(tuning) != null) {
                    throw new UsageException(
                            v.origin(tuning)
                                    + " only applies with --demonstrations FILE. Add a pool of"
                                    + " solved examples, or leave out "
                                    + v.origin(tuning)
                                    + ".");
                }
            }
            return null;
        }
        if (!strategies.contains("lm2") && !strategies.contains("plan-solve")) {
            throw new UsageException(
                    v.origin(DEMONSTRATIONS)
                            + " shows worked examples to the decomposer of lm2 and plan-solve,"
                            + " but the strategies are "
                            + String.join(",", strategies)
                            + ". Add lm2 or plan-solve to --strategies, or leave out "
                            + v.origin(DEMONSTRATIONS)
                            + ".");
        }
        Path pool = v.path(DEMONSTRATIONS, null).toAbsolutePath().normalize();
        if (input != null && Files.exists(pool) && Files.exists(input)) {
            boolean same;
            try {
                same =
                        Files.isDirectory(input)
                                ? pool.startsWith(input.toRealPath())
                                        || pool.toRealPath().startsWith(input.toRealPath())
                                : Files.isSameFile(pool, input);
            } catch (java.io.IOException e) {
                same = false;
            }
            if (same) {
                throw new UsageException(
                        v.origin(DEMONSTRATIONS)
                                + " "
                                + raw
                                + " is "
                                + (Files.isDirectory(input) ? "in" : "")
                                + " the --input "
                                + input
                                + ": the evaluated questions would be their own worked"
                                + " examples. Give a pool from another split, e.g. GSM8K"
                                + " train.jsonl for test.jsonl.");
            }
        }
        FieldMapping mapping;
        String mappingName = v.get(DEMONSTRATIONS_MAPPING);
        try {
            mapping = FieldMapping.load(mappingName == null ? DEFAULT_MAPPING : mappingName);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(DEMONSTRATIONS_MAPPING) + ": " + e.getMessage(), e);
        }
        DemonstrationPool read;
        try {
            read = DemonstrationPool.read(pool, mapping);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(DEMONSTRATIONS) + ": " + e.getMessage() + ".", e);
        }
        int shots = (int) v.positiveLong(SHOTS, DemonstrationSettings.DEFAULT_SHOTS);
        if (shots > read.size()) {
            throw new UsageException(
                    v.origin(SHOTS)
                            + " is "
                            + shots
                            + ", but the pool "
                            + raw
                            + " holds "
                            + read.size()
                            + " examples. Give at most "
                            + read.size()
                            + ", or a larger pool.");
        }
        double cut = DemonstrationSettings.DEFAULT_CUT;
        String rawCut = v.get(DEMONSTRATIONS_CUT);
        if (rawCut != null) {
            try {
                cut = Double.parseDouble(rawCut.trim());
            } catch (NumberFormatException e) {
                cut = Double.NaN;
            }
            if (!(cut >= -1 && cut <= 1)) {
                throw new UsageException(
                        v.origin(DEMONSTRATIONS_CUT)
                                + " must be a cosine similarity from -1 to 1, was '"
                                + rawCut
                                + "'. Try "
                                + DemonstrationSettings.DEFAULT_CUT
                                + ".");
            }
        }
        int exactMax = DemonstrationSettings.DEFAULT_EXACT_UP_TO;
        String rawExact = v.get(DEMONSTRATIONS_EXACT_MAX);
        if (rawExact != null) {
            try {
                exactMax = Integer.parseInt(rawExact.trim());
            } catch (NumberFormatException e) {
                exactMax = -1;
            }
            if (exactMax < 0) {
                throw new UsageException(
                        v.origin(DEMONSTRATIONS_EXACT_MAX)
                                + " must be a whole number from 0 up, was '"
                                + rawExact
                                + "'. Try "
                                + DemonstrationSettings.DEFAULT_EXACT_UP_TO
                                + ".");
            }
        }
        try {
            List<ReasoningStrategy> run = new ArrayList<>();
            for (String name : strategies) {
                if (Strategies.NAMES.contains(name)) {
                    run.add(Strategies.create(name, StrategySettings.from(new Configuration())));
                }
            }
            prompts.checkShowsDemonstrations(run);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(PROMPTS) + ": " + e.getMessage() + ".", e);
        }
        return new DemonstrationSettings(
                pool.toString(),
                raw,
                mapping,
                read.sha256(),
                shots,
                cut,
                exactMax,
                EmbeddingSettings.builder().modelFolder(embeddingModel(v)).build());
    }

    /**
     * The near-duplicate check of {@code --near-duplicates mark|drop}, or {@code null} for {@code
     * off} (the default). {@code --near-duplicate-threshold} and {@code --embedding-model} tune it
     * and need it.
     */
    private static NearDuplicateCheck nearDuplicates(Values v) throws UsageException {
        String raw = v.get(NEAR_DUPLICATES);
        NearDuplicatePolicy policy = NearDuplicatePolicy.OFF;
        if (raw != null) {
            try {
                policy = NearDuplicatePolicy.valueOf(raw.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        v.origin(NEAR_DUPLICATES)
                                + " must be off, mark or drop, was '"
                                + raw
                                + "'. mark runs near-duplicate questions with"
                                + " near_duplicate_of in their metadata; drop makes them dead"
                                + " letters.");
            }
        }
        if (policy == NearDuplicatePolicy.OFF) {
            List<String> tunings =
                    v.get(DEMONSTRATIONS) == null
                            ? List.of(NEAR_DUPLICATE_THRESHOLD, EMBEDDING_MODEL)
                            : List.of(NEAR_DUPLICATE_THRESHOLD);
            for (String tuning : tunings) {
                if (v.get(tuning) != null) {
                    throw new UsageException(
                            v.origin(tuning)
                                    + " only applies with --near-duplicates mark or drop. Add"
                                    + " one of them, or leave out "
                                    + v.origin(tuning)
                                    + ".");
                }
            }
            return null;
        }
        double threshold = SimilarityOptions.DEFAULT_THRESHOLD;
        String rawThreshold = v.get(NEAR_DUPLICATE_THRESHOLD);
        if (rawThreshold != null) {
            try {
                threshold = Double.parseDouble(rawThreshold.trim());
            } catch (NumberFormatException e) {
                threshold = Double.NaN;
            }
            if (!(threshold >= -1 && threshold <= 1)) {
                throw new UsageException(
                        v.origin(NEAR_DUPLICATE_THRESHOLD)
                                + " must be a cosine similarity from -1 to 1, was '"
                                + rawThreshold
                                + "'. Try "
                                + SimilarityOptions.DEFAULT_THRESHOLD
                                + ".");
            }
        }
        return new NearDuplicateCheck(
                policy,
                threshold,
                EmbeddingSettings.builder().modelFolder(embeddingModel(v)).build());
    }

    /** The folder of {@code --embedding-model}, or {@code null} for the bundled model. */
    private static Path embeddingModel(Values v) throws UsageException {
        Path model = null;
        if (v.get(EMBEDDING_MODEL) != null) {
            model = v.path(EMBEDDING_MODEL, null).toAbsolutePath().normalize();
            if (!Files.isDirectory(model)) {
                throw new UsageException(
                        v.origin(EMBEDDING_MODEL)
                                + " "
                                + model
                                + " is not a folder. Give a folder holding model.onnx and"
                                + " tokenizer.json, or leave it out for the bundled "
                                + BundledModel.NAME
                                + ".");
            }
        }
        return model;
    }

    /**
     * The delivery guarantee of a Kafka output: {@code --delivery}, exactly-once by default. A
     * folder output has no choice (its part files are committed on checkpoints), and without
     * checkpoints neither it nor Kafka's exactly-once (transactions committed on checkpoints)
     * works.
     */
    private static DeliveryGuarantee delivery(Values v, Path output, Duration checkpointInterval)
            throws UsageException {
        String raw = v.get(DELIVERY);
        boolean off = checkpointInterval.isZero();
        if (output != null) {
            if (raw != null) {
                throw new UsageException(
                        v.origin(DELIVERY)
                                + " applies to a Kafka --output only; a folder output is"
                                + " exactly-once (its part files are committed on checkpoints)."
                                + " Leave it out, or give --output kafka://HOST:PORT/TOPIC.");
            }
            if (off) {
                throw new UsageException(
                        v.origin(CHECKPOINT_INTERVAL)
                                + " is off, but the folder output "
                                + output
                                + " commits its part files on checkpoints. Give an interval such"
                                + " as 10s, or a Kafka --output with --delivery at-least-once or"
                                + " none.");
            }
            return DeliveryGuarantee.EXACTLY_ONCE;
        }
        DeliveryGuarantee delivery =
                raw == null ? DeliveryGuarantee.EXACTLY_ONCE : DELIVERIES.get(raw.trim());
        if (delivery == null) {
            throw new UsageException(
                    v.origin(DELIVERY)
                            + " must be exactly-once, at-least-once or none, was '"
                            + raw
                            + "'.");
        }
        if (off && delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new UsageException(
                    v.origin(CHECKPOINT_INTERVAL)
                            + " is off, but a Kafka output is exactly-once"
                            + (raw == null ? " by default" : " (" + v.origin(DELIVERY) + ")")
                            + ", which commits its transactions on checkpoints. Give --delivery"
                            + " at-least-once or none, or an interval such as 10s.");
        }
        return delivery;
    }

    /**
     * A savepoint or retained checkpoint to start from: a path on this machine must exist and is
     * made absolute (the JobManager resolves it, not this process); a URI of another file system
     * (s3://, hdfs://...) is passed on as given.
     */
    private static String savepoint(String raw, Values v) throws UsageException {
        String value = raw.trim();
        Path path;
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                if (!"file".equals(uri.getScheme())) {
                    return value;
                }
                path = Path.of(uri);
            } else {
                path = Path.of(value);
            }
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            path = v.path(FROM_SAVEPOINT, value);
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new UsageException(
                    v.origin(FROM_SAVEPOINT)
                            + " "
                            + raw
                            + ": no such savepoint or checkpoint (looked at "
                            + absolute
                            + "). Give the path triad cancel --savepoint printed, or a retained"
                            + " checkpoint folder DIR/checkpoints/JOB_ID/chk-N of the cluster.");
        }
        return absolute.toString();
    }

    /** A Kafka URI read by {@link KafkaUri}, its message a usage error (exit 2). */
    private static KafkaUri kafka(java.util.function.Supplier<KafkaUri> parse)
            throws UsageException {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /**
     * The {@code kafka} section of a config file as client properties. A secret (a name ending in
     * {@code password}, or {@code sasl.jaas.config}) may be {@code {env: NAME}} or {@code {file:
     * PATH}}; messages name the property, the variable or the file, never a value.
     */
    static KafkaClientProperties kafkaClient(Map<String, Object> section, String origin)
            throws UsageException {
        return kafkaClient(section, origin, Secrets.SYSTEM);
    }

    private static KafkaClientProperties kafkaClient(
            Map<String, Object> section, String origin, Secrets secrets) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : section.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                continue;
            }
            if (!(value instanceof Map<?, ?> ref)) {
                if (value instanceof List) {
                    throw new UsageException(
                            origin
                                    + ": property '"
                                    + name
                                    + "' must be a single value, not a list. Fix the file.");
                }
                values.put(name, String.valueOf(value).trim());
                continue;
            }
            if (!KafkaClientProperties.isSecret(name)) {
                throw new UsageException(
                        origin
                                + ": property '"
                                + name
                                + "' is a map, but only secrets (names ending in 'password', and"
                                + " sasl.jaas.config) may be {env: NAME} or {file: PATH}. Give"
                                + " its value directly.");
            }
            if (ref.size() != 1
                    || !(ref.containsKey("env") || ref.containsKey("file"))
                    || ref.values().iterator().next() == null) {
                throw new UsageException(
                        origin
                                + ": secret '"
                                + name
                                + "' must be {env: NAME} (an environment variable) or {file:"
                                + " PATH} (a file holding the value). Fix the file.");
            }
            String where = String.valueOf(ref.values().iterator().next()).trim();
            if (ref.containsKey("env")) {
                String secret = secrets.env(where);
                if (secret == null || secret.isEmpty()) {
                    throw new UsageException(
                            origin
                                    + ": secret '"
                                    + name
                                    + "' comes from the environment variable "
                                    + where
                                    + ", which is not set. Set it before running triad.");
                }
                values.put(name, secret);
            } else {
                try {
                    values.put(name, secrets.file(where).strip());
                } catch (java.io.IOException | InvalidPathException e2) {
                    throw new UsageException(
                            origin
                                    + ": secret '"
                                    + name
                                    + "' comes from the file "
                                    + where
                                    + ", which cannot be read ("
                                    + e2.getClass().getSimpleName()
                                    + "). Check the path and its permissions.");
                }
            }
        }
        return new KafkaClientProperties(values);
    }

    /**
     * Where the secrets a config file names come from: {@code {env: NAME}} and {@code {file: PATH}}
     * in its {@code kafka} section. {@link #SYSTEM} reads this process's environment and files; a
     * check that runs elsewhere (the deploy validation, which knows what a pod will have) gives its
     * own.
     */
    public interface Secrets {

        /** The process's environment variables and files. */
        Secrets SYSTEM =
                new Secrets() {
                    @Override
                    public String env(String name) {
                        return System.getenv(name);
                    }

                    @Override
                    public String file(String path) throws java.io.IOException {
                        return Files.readString(Path.of(path));
                    }
                };

        /** The variable's value, or {@code null} when it is not set. */
        String env(String name);

        /** The file's content; an {@link java.io.IOException} when it cannot be read. */
        String file(String path) throws java.io.IOException;
    }

    /**
     * Parses and checks the arguments of {@code triad run} (and of the application-mode entry,
     * which takes the same options) without running anything: the command line, the {@code
     * --config} file it names, the model bindings, the Kafka URIs and the reasoning settings.
     *
     * @param args the options, e.g. {@code ["--config", "/opt/triad/conf/triad.yaml"]}
     * @param secrets where the config file's {@code {env: NAME}} and {@code {file: PATH}} secrets
     *     come from
     * @throws UsageException naming the option and what is wrong, as {@code triad run} would exit 2
     *     with
     */
    public static RunSettings check(List<String> args, Secrets secrets) throws UsageException {
        RunCommand command = new RunCommand();
        try {
            new picocli.CommandLine(command).parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage(), e);
        }
        command.options.secrets = secrets;
        return resolve(command.options);
    }

    private static List<String> strategies(Values v) throws UsageException {
        String raw = v.get(STRATEGIES);
        if (raw == null) {
            return DEFAULT_STRATEGIES;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new UsageException(
                    v.origin(STRATEGIES)
                            + " is empty. Name one or more of lm2, cot, plan-solve, e.g."
                            + " --strategies lm2,cot.");
        }
        return List.copyOf(names);
    }

    private static Configuration reasoningConfig(Values v) throws UsageException {
        Map<String, String> raw = new HashMap<>();
        for (ConfigOption<?> option : ReasoningOptions.ALL) {
            String value = v.get(option.key());
            if (value == null) {
                continue;
            }
            if (option == ReasoningOptions.REJECT_CLASSES) {
                // Flink writes lists with ';'; users write them with ','.
                value = String.join(";", value.split("\\s*,\\s*"));
            } else if (option == ReasoningOptions.ON_REGENERATIONS_EXHAUSTED) {
                value = value.replace('-', '_').toUpperCase(Locale.ROOT);
            }
            raw.put(option.key(), value);
        }
        Configuration conf = Configuration.fromMap(raw);
        for (ConfigOption<?> option : ReasoningOptions.ALL) {
            try {
                conf.get(option);
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        v.origin(option.key())
                                + " has the value '"
                                + v.get(option.key())
                                + "', which is not "
                                + expected(option)
                                + ". "
                                + option.description().toString().replaceAll("<[^>]*>", "")
                                + " Fix the value.",
                        e);
            }
        }
        return conf;
    }

    private static String expected(ConfigOption<?> option) {
        if (option == ReasoningOptions.QUESTION_TIMEOUT
                || option == ReasoningOptions.OUTAGE_LIMIT) {
            return "a duration (e.g. 30s, 10min)";
        }
        if (option == ReasoningOptions.ON_REGENERATIONS_EXHAUSTED) {
            return "keep-unverified or unsolved";
        }
        if (option == ReasoningOptions.REJECT_CLASSES) {
            return "a comma-separated list of verifier classes";
        }
        return "a whole number";
    }

    /**
     * The name of the run's reply journal folder ({@code CHECKPOINT_DIR/triad-journal/NAME}):
     * {@code triad-HASH}, HASH eight hex digits of a SHA-256 of the input, strategies, mapping and
     * output. The same command gets the same name when it is resumed or restarted; runs that differ
     * in any of them (and share a cluster's checkpoint folder) get different ones.
     */
    static String journalName(
            String input, List<String> strategies, String mapping, String output) {
        String job = input + "|" + String.join(",", strategies) + "|" + mapping + "|" + output;
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(job.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "triad-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Reasoning reasoning(
            List<String> strategies,
            Map<Role, ModelBinding> models,
            Configuration conf,
            PriceTable prices,
            PromptSet prompts,
            String journalName)
            throws UsageException {
        Reasoning.Builder builder =
                Reasoning.builder()
                        .strategies(strategies)
                        .configuration(conf)
                        .prices(prices)
                        .prompts(prompts)
                        .journalName(journalName);
        models.forEach(builder::model);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "Unusable settings: "
                            + e.getMessage()
                            + ". Fix the option on the command line or in the --config file"
                            + " (same names), or leave it out for its default.",
                    e);
        }
    }

    /**
     * The prompt set of {@code --prompts DIR} (read and checked here, on the client: the job graph
     * carries its contents), or the built-in one.
     */
    private static PromptSet prompts(Values v) throws UsageException {
        if (v.get(PROMPTS) == null) {
            return PromptSet.builtIn();
        }
        Path folder = v.path(PROMPTS, null);
        try {
            return PromptSet.load(folder);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(PROMPTS) + ": " + e.getMessage() + ".", e);
        }
    }

    private static Path input(Values v, boolean watch) throws UsageException {
        String raw = v.get(INPUT);
        if (raw == null || raw.isBlank()) {
            throw new UsageException(
                    "No input: give --input PATH (a JSONL file, or a folder of them), e.g."
                            + " --input ../shared/datasets/gsm8k/test.jsonl --mapping gsm8k, or"
                            + " set 'input' in the --config file.");
        }
        Path input = v.path(INPUT, raw);
        if (!Files.exists(input)) {
            throw new UsageException(
                    v.origin(INPUT)
                            + " "
                            + raw
                            + ": no such file or folder (looked at "
                            + input.toAbsolutePath().normalize()
                            + "). Give an existing JSONL file or a folder of them; relative"
                            + " paths are taken from the current directory.");
        }
        if (!Files.isReadable(input)) {
            throw new UsageException(
                    v.origin(INPUT) + " " + raw + " is not readable; check its permissions.");
        }
        if (watch && !Files.isDirectory(input)) {
            throw new UsageException(
                    "--watch needs a folder to watch, but "
                            + v.origin(INPUT)
                            + " "
                            + raw
                            + " is a file. Give the folder new files arrive in, or leave out"
                            + " --watch to read this file once.");
        }
        return input;
    }

    /** The input file or folder, or {@code null} when the input is a Kafka topic. */
    public Path input() {
        return input;
    }

    /** The input as given: a path, or {@code kafka://HOST:PORT/TOPIC}. */
    public String inputName() {
        return inputName;
    }

    /** The input topic, or {@code null} when the input is a file or folder. */
    public KafkaUri kafkaInput() {
        return kafkaInput;
    }

    /** The results topic, or {@code null} when the output is a folder. */
    public KafkaUri kafkaOutput() {
        return kafkaOutput;
    }

    /** The dead-letter topic of a Kafka output, or {@code null} when the output is a folder. */
    public KafkaUri kafkaDeadLetters() {
        return kafkaDeadLetters;
    }

    /**
     * The transactional-id prefix of the Kafka sinks: {@code triad-TOPIC-HASH}, TOPIC the results
     * topic and HASH eight hex digits of a SHA-256 of the input (as given), the strategies and the
     * mapping. The same command gets the same prefix on every restart (so Kafka aborts what a
     * crashed attempt left open), and jobs that differ in input, strategies or mapping get
     * different ones. {@code null} when the output is a folder.
     */
    public String transactionalIdPrefix() {
        if (kafkaOutput == null) {
            return null;
        }
        return transactionalIdPrefix(
                kafkaOutput.topic(),
                inputName + "|" + String.join(",", strategies) + "|" + mapping.name());
    }

    static String transactionalIdPrefix(String topic, String job) {
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(job.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "triad-" + topic + "-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The folder that holds what resuming this run needs: {@code DIR/.triad} for a folder output
     * {@code DIR}, {@code out/state/PREFIX} (PREFIX the {@link #transactionalIdPrefix()}, under the
     * current directory) for a Kafka output. The run keeps {@code run.json}, {@code checkpoints/}
     * and {@code savepoints/} in it ({@link dev.triad.jobs.io.RunState}); other parts of Triad may
     * keep their own entries beside them, which only {@code --overwrite} removes.
     */
    public Path stateDir() {
        if (output != null) {
            return output.resolve(STATE_FOLDER);
        }
        return KAFKA_STATE_ROOT.resolve(transactionalIdPrefix());
    }

    /** Whether {@code --resume} was given: continue an unfinished run in the output. */
    public boolean resume() {
        return resume;
    }

    /** Whether {@code --overwrite} was given: discard an unfinished run in the output. */
    public boolean overwrite() {
        return overwrite;
    }

    /** How often the job checkpoints; {@link Duration#ZERO} when checkpoints are off. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /**
     * Whether {@code --checkpoint-interval} was given (on the command line or in the config file)
     * rather than left at its default.
     */
    public boolean checkpointIntervalGiven() {
        return checkpointIntervalGiven;
    }

    /** Whether the job checkpoints ({@code --checkpoint-interval} is not {@code off}). */
    public boolean checkpointing() {
        return !checkpointInterval.isZero();
    }

    /**
     * How a Kafka output delivers: {@link DeliveryGuarantee#EXACTLY_ONCE} (the default, and always
     * for a folder output), {@code AT_LEAST_ONCE} or {@code NONE}.
     */
    public DeliveryGuarantee delivery() {
        return delivery;
    }

    /** Kafka client properties from the {@code kafka} section of {@code --config}. */
    public KafkaClientProperties kafkaClient() {
        return kafkaClient;
    }

    /**
     * Whether the input runs to an end: a file or folder without {@code --watch}, or a Kafka topic
     * with {@code bounded=true}.
     */
    public boolean boundedInput() {
        return kafkaInput != null ? kafkaInput.bounded() : !watch;
    }

    /** How input lines become questions. */
    public FieldMapping mapping() {
        return mapping;
    }

    /** The output folder, or {@code null} when the output is a Kafka topic. */
    public Path output() {
        return output;
    }

    /** The strategies, in order. */
    public List<String> strategies() {
        return strategies;
    }

    /** The worked examples ({@code --demonstrations}), or {@code null} for none. */
    public DemonstrationSettings demonstrations() {
        return demonstrations;
    }

    /** The near-duplicate check ({@code --near-duplicates}), or {@code null} for none. */
    public NearDuplicateCheck nearDuplicates() {
        return nearDuplicates;
    }

    /** The question limit, or {@link #NO_LIMIT}. */
    public long limit() {
        return limit;
    }

    /** The reasoning operator's parallelism. */
    public int parallelism() {
        return parallelism;
    }

    /** Whether to keep watching the input folder. */
    public boolean watch() {
        return watch;
    }

    /** How often to look for new files when watching. */
    public Duration watchInterval() {
        return watchInterval;
    }

    /** The model binding per role. */
    public Map<Role, ModelBinding> models() {
        return models;
    }

    /** The {@link ReasoningOptions} values that were set (others are at their defaults). */
    public Configuration reasoningConfig() {
        return reasoningConfig;
    }

    /** The price table for estimated costs, or {@code null} for none. */
    public PriceTable prices() {
        return prices;
    }

    /** The prompt templates calls are rendered with: {@code --prompts DIR}, or the built-in set. */
    public PromptSet prompts() {
        return prompts;
    }

    /** The reasoning pipeline these settings describe. */
    public Reasoning reasoning() {
        return reasoning;
    }

    /** The question-size limit for dead-lettering oversize questions. */
    public int maxQuestionChars() {
        return reasoningConfig.get(ReasoningOptions.MAX_QUESTION_CHARS);
    }

    /** Whether any role is served by a simulated model. */
    public boolean simulated() {
        return models.values().stream().anyMatch(ModelBinding::simulated);
    }

    /**
     * The cluster to submit the job to ({@code --jobmanager}), or {@code null} for an embedded
     * MiniCluster.
     */
    public JobManagerAddress jobManager() {
        return jobManager;
    }

    /** Whether to return once the job is submitted to the cluster ({@code --detach}). */
    public boolean detach() {
        return detach;
    }

    /**
     * The savepoint or retained checkpoint to start from ({@code --from-savepoint}), absolute, or
     * {@code null} to start afresh.
     */
    public String fromSavepoint() {
        return fromSavepoint;
    }

    /** Option values by key with where each was set, and typed reads that explain failures. */
    private record Values(Map<String, String> values, Map<String, String> origins) {

        String get(String key) {
            return values.get(key);
        }

        String origin(String key) {
            return origins.getOrDefault(key, "--" + key);
        }

        long positiveLong(String key, long fallback) throws UsageException {
            String raw = values.get(key);
            if (raw == null) {
                return fallback;
            }
            long value;
            try {
                value = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                throw new UsageException(
                        origin(key) + " must be a whole number, was '" + raw + "'. Fix the value.");
            }
            if (value < 1) {
                throw new UsageException(
                        origin(key) + " must be at least 1, was " + value + ". Fix the value.");
            }
            return value;
        }

        boolean bool(String key) throws UsageException {
            String raw = values.get(key);
            if (raw == null) {
                return false;
            }
            try {
                return BindingSpec.trueOrFalse(raw); // read as model bindings read booleans
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        origin(key) + " must be true or false, was '" + raw + "'.");
            }
        }

        Duration duration(String key, Duration fallback) throws UsageException {
            String raw = values.get(key);
            if (raw == null) {
                return fallback;
            }
            try {
                Duration d = TimeUtils.parseDuration(raw);
                if (d.isZero() || d.isNegative()) {
                    throw new IllegalArgumentException("not positive");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        origin(key)
                                + " must be a positive duration such as 5s or 1min, was '"
                                + raw
                                + "'.");
            }
        }

        Path path(String key, String fallback) throws UsageException {
            String raw = values.getOrDefault(key, fallback);
            try {
                return Path.of(raw);
            } catch (InvalidPathException e) {
                throw new UsageException(
                        origin(key) + " '" + raw + "' is not a usable path: " + e.getMessage());
            }
        }
    }
}
