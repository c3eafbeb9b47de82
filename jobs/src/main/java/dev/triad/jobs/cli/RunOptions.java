package dev.triad.jobs.cli;

import dev.triad.reasoning.ReasoningOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of {@code triad run}, as given on the command line. Every field stays {@code null}
 * unless the user gave it, so that {@link RunSettings} can apply the precedence command line over
 * {@code --config} file over defaults. The long names (without {@code --}) are the config file's
 * keys and, for the reasoning settings, the {@link ReasoningOptions} keys.
 */
public final class RunOptions {

    @Option(
            names = "--input",
            paramLabel = "PATH|URI",
            description =
                    "A JSONL file, or a folder of them (read recursively; names starting with"
                            + " '.' or '_' are skipped), or a Kafka topic:"
                            + " kafka://HOST:PORT/TOPIC[?group=ID&start=earliest|latest|committed"
                            + "&bounded=true] (record values are lines; default group"
                            + " triad-TOPIC, start committed, else earliest; unbounded unless"
                            + " bounded=true).")
    String input;

    @Option(
            names = "--mapping",
            paramLabel = "NAME|FILE",
            description =
                    "How input fields become questions: gsm8k, gsm8k-socratic, math500, svamp,"
                            + " triad, or a YAML mapping file. Default: triad.")
    String mapping;

    @Option(
            names = "--output",
            paramLabel = "DIR|URI",
            description =
                    "Where results.jsonl and dead-letters.jsonl go (both are replaced; the state"
                            + " to resume from is kept under DIR/.triad/ until the run ends), or a"
                            + " Kafka topic kafka://HOST:PORT/TOPIC for results as JSON keyed by"
                            + " question id (strategy in header 'strategy'), written exactly once"
                            + " for read_committed readers. Default: out/run.")
    String output;

    @Option(
            names = "--resume",
            description =
                    "Continue the unfinished run in --output (its process was killed, or it was"
                            + " stopped with Ctrl-C) from its last checkpoint or savepoint, kept"
                            + " under DIR/.triad/; give the same --input, --mapping, --strategies"
                            + " and --limit. Questions already answered are not asked again.")
    Boolean resume;

    @Option(
            names = "--overwrite",
            description =
                    "Start again on an --output that holds an unfinished run, discarding its"
                            + " results and everything under DIR/.triad/. (A finished output is"
                            + " replaced without it.)")
    Boolean overwrite;

    @Option(
            names = "--" + RunSettings.DEAD_LETTERS,
            paramLabel = "URI",
            description =
                    "With a Kafka --output: the dead-letter topic, kafka://HOST:PORT/TOPIC."
                            + " Default: the output topic + '.dead-letters' on the same brokers.")
    String deadLetters;

    @Option(
            names = "--" + RunSettings.CHECKPOINT_INTERVAL,
            paramLabel = "DURATION",
            description =
                    "How often the job checkpoints, e.g. 10s, 1min; Kafka outputs commit and"
                            + " --watch part files appear on checkpoints (and at the end of a"
                            + " bounded input). 'off': no checkpoints, so no recovery from"
                            + " them (a Kafka --output with --delivery at-least-once or none"
                            + " only). Default: 10s.")
    String checkpointInterval;

    @Option(
            names = "--" + RunSettings.DELIVERY,
            paramLabel = "GUARANTEE",
            description =
                    "With a Kafka --output: exactly-once (transactions committed on"
                            + " checkpoints; read with isolation.level=read_committed),"
                            + " at-least-once (flushed on checkpoints; a restart may write a"
                            + " result again) or none (no flush; a failure may lose results)."
                            + " Default: exactly-once.")
    String delivery;

    @Option(
            names = "--strategies",
            paramLabel = "LIST",
            split = ",",
            description =
                    "Strategies to run on every question, comma-separated: lm2, cot,"
                            + " plan-solve. Default: lm2,cot.")
    List<String> strategies;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Keep only the first N questions of the input. Default: all.")
    Long limit;

    @Option(
            names = "--model",
            paramLabel = "ROLE=SPEC",
            description =
                    "The model for a role (repeatable). ROLE: decomposer, solver, verifier, all."
                            + " SPEC: sim[:profile][?seed=N] with profile default, zero or"
                            + " perfect; openai:URL[,URL...][#model][?key-env=NAME&routing=..."
                            + "&stream=true&rpm=N&tpm=N&structured=off&model-file=PATH"
                            + "&engine=NAME...] (model-file: the weights the server serves,"
                            + " hashed so results name the model); or"
                            + " langchain4j:openai|ollama|anthropic|gemini?model=NAME[&base-url=URL"
                            + "&key-env=NAME...]; gguf:PATH[?threads=N&ctx=N&slots=N"
                            + "&max-chars=N...] (a GGUF model run in process by llama.cpp); or"
                            + " djl:PATH[?engine=OnnxRuntime&max-tokens=N] (an ONNX causal language"
                            + " model run in process by DJL). The HTTP and GGUF bindings"
                            + " take structured=json_schema|json_object|off (default json_schema:"
                            + " the reply's JSON schema goes as the engine's constrained-output"
                            + " request) (README: Real models)."
                            + " Default: all=sim:default.")
    List<String> models;

    @Option(
            names = "--" + PricesOption.NAME,
            paramLabel = "FILE",
            description =
                    PricesOption.DESCRIPTION
                            + " Each result then carries its estimated cost per role"
                            + " (usage.ROLE.cost) and per question (cost), and the summary shows"
                            + " them; every role the strategies call needs a price. In --config"
                            + " the table may also be written inline under 'prices'.")
    String prices;

    @Option(
            names = "--" + RunSettings.PROMPTS,
            paramLabel = "DIR",
            description =
                    "Your own prompt templates over the built-in ones, laid out as they are:"
                            + " DIR/STRATEGY/ROLE-PURPOSE.txt replaces a system message (empty:"
                            + " none is sent), DIR/STRATEGY/ROLE-PURPOSE.user.txt the user message"
                            + " (default: the call's inputs as one JSON object), with {{name}}"
                            + " placeholders for the call's inputs ({{question}}, {{concepts}},"
                            + " {{verified}}, {{subquestion}}, {{answer}}, {{feedback}};"
                            + " {{inputs}} for all as JSON). Read and checked at start; results"
                            + " name the folder and a SHA-256 of its templates. Example:"
                            + " examples/prompts/tiny-arith. Default: the built-in set v1.")
    String prompts;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Parallel subtasks of the reasoning operator. Default: 2.")
    Integer parallelism;

    @Option(
            names = "--watch",
            description =
                    "Keep watching the --input folder and process files added to it; runs until"
                            + " stopped: Ctrl-C stops it with a savepoint, which --resume continues"
                            + " from. Results stay as part files under"
                            + " DIR/parts/, committed at every checkpoint. Add files"
                            + " atomically (write them elsewhere or under a name starting with"
                            + " '.', then rename).")
    Boolean watch;

    @Option(
            names = "--watch-interval",
            paramLabel = "DURATION",
            description = "How often --watch looks for new files, e.g. 5s, 1min. Default: 5s.")
    String watchInterval;

    @Option(
            names = "--max-questions-in-flight",
            paramLabel = "N",
            description =
                    "Questions (x strategies) one subtask works on at once; at the cap the"
                            + " operator stops taking input. Default: 1024.")
    Integer maxQuestionsInFlight;

    @Option(
            names = "--max-calls-in-flight",
            paramLabel = "N",
            description = "Model calls one subtask has outstanding at once. Default: 1024.")
    Integer maxCallsInFlight;

    @Option(
            names = "--question-timeout",
            paramLabel = "DURATION",
            description =
                    "Deadline per (question, strategy), e.g. 30s, 10min; then it ends FAILED."
                            + " Default: 10min.")
    String questionTimeout;

    @Option(
            names = "--outage-limit",
            paramLabel = "DURATION",
            description =
                    "How long a role's fleet may be down (every replica refusing connections or"
                            + " answering 5xx) before the run stops, e.g. 10min, 2h. Meanwhile"
                            + " its calls wait, no new questions start and deadlines do not run;"
                            + " then the run exits 3 naming the role and its endpoints, and"
                            + " --resume continues it. Default: 30min.")
    String outageLimit;

    @Option(
            names = "--near-duplicates",
            paramLabel = "off|mark|drop",
            description =
                    "Check each question against the questions before it by the cosine similarity"
                            + " of their embeddings (an in-process model, batched, without"
                            + " blocking the task threads): mark runs a near-duplicate with"
                            + " near_duplicate_of and near_duplicate_score in its metadata; drop"
                            + " makes it a dead letter (stage near-duplicate). Unlike the"
                            + " de-duplication by id, this catches one question under two ids."
                            + " Default: off.")
    String nearDuplicates;

    @Option(
            names = "--near-duplicate-threshold",
            paramLabel = "COSINE",
            description =
                    "The cosine similarity from which --near-duplicates counts two questions as"
                            + " one. Default: 0.90 (see triad dedupe --help).")
    String nearDuplicateThreshold;

    @Option(
            names = "--embedding-model",
            paramLabel = "DIR",
            description =
                    "For --near-duplicates and --demonstrations: a folder with model.onnx and"
                            + " tokenizer.json. Default: the bundled all-minilm-l6-v2.")
    String embeddingModel;

    @Option(
            names = "--" + RunSettings.DEMONSTRATIONS,
            paramLabel = "FILE",
            description =
                    "A pool of solved examples (JSONL): each question's decomposer calls (lm2,"
                            + " plan-solve) show its --shots nearest examples, by the cosine"
                            + " similarity of the questions' embeddings (in-process model), as"
                            + " worked examples; results record them. An export (triad export"
                            + " --format demonstrations) or e.g. GSM8K train.jsonl with"
                            + " --demonstrations-mapping examples/mappings/gsm8k-train.yaml."
                            + " Never the --input file; an example that is a copy of the"
                            + " question is skipped.")
    String demonstrations;

    @Option(
            names = "--" + RunSettings.DEMONSTRATIONS_MAPPING,
            paramLabel = "NAME|FILE",
            description =
                    "How the pool's lines become examples: a mapping with gold and goldSteps."
                            + " Default: triad (an export).")
    String demonstrationsMapping;

    @Option(
            names = "--" + RunSettings.SHOTS,
            paramLabel = "K",
            description = "Worked examples per question with --demonstrations. Default: 3.")
    String shots;

    @Option(
            names = "--" + RunSettings.DEMONSTRATIONS_CUT,
            paramLabel = "COSINE",
            description =
                    "A pool example whose question is this similar to the evaluated one or more"
                            + " (cosine) counts as a copy of it and is skipped, as is one with the"
                            + " same text. Default: 0.95.")
    String demonstrationsCut;

    @Option(
            names = "--" + RunSettings.DEMONSTRATIONS_EXACT_MAX,
            paramLabel = "N",
            description =
                    "Pools of up to N examples are searched exactly; larger ones with an HNSW"
                            + " index (approximate). Default: 100000.")
    String demonstrationsExactMax;

    @Option(
            names = "--max-steps",
            paramLabel = "N",
            description = "Accepted steps after which lm2 writes the final answer. Default: 12.")
    Integer maxSteps;

    @Option(
            names = "--max-regenerations",
            paramLabel = "N",
            description =
                    "Times lm2 asks for a rejected step again before"
                            + " --on-regenerations-exhausted applies. Default: 3.")
    Integer maxRegenerations;

    @Option(
            names = "--on-regenerations-exhausted",
            paramLabel = "POLICY",
            description =
                    "keep-unverified (keep the last attempt, marked unverified) or unsolved (end"
                            + " the question UNSOLVED). Default: keep-unverified.")
    String onRegenerationsExhausted;

    @Option(
            names = "--reject-classes",
            paramLabel = "LIST",
            split = ",",
            description =
                    "Verifier classes that make lm2 regenerate a step, comma-separated. Default:"
                            + " conceptual_mistake,procedural_mistake,misunderstood_question,"
                            + "first_step_mistake.")
    List<String> rejectClasses;

    @Option(
            names = "--max-parse-retries",
            paramLabel = "N",
            description =
                    "Times a call is made again after a reply that is not the JSON asked for."
                            + " Default: 2.")
    Integer maxParseRetries;

    /** Removed; kept hidden so that a user who still gives it learns what replaced it. */
    @Option(names = "--" + RunSettings.MAX_CALL_ATTEMPTS, hidden = true, paramLabel = "N")
    String maxCallAttempts;

    @Option(
            names = "--reply-journal",
            paramLabel = "auto|none|DIR",
            description =
                    "Where completed model replies are journaled so that after a failure (or"
                            + " --resume) no completed call is made again: auto (CHECKPOINT_DIR/"
                            + "triad-journal/NAME, beside the checkpoints), none, or a folder (a"
                            + " path or a Flink file-system URI such as s3://...)."
                            + " Default: auto.")
    String replyJournal;

    @Option(
            names = "--max-question-chars",
            paramLabel = "N",
            description = "Questions with longer texts become dead letters. Default: 20000.")
    Integer maxQuestionChars;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "A YAML file with any of these options by their long names (e.g."
                            + " 'max-steps: 8', 'strategies: [lm2, cot]', 'model: {solver:"
                            + " sim:zero}'); options on the command line win. A 'kafka' map holds"
                            + " Kafka client properties (e.g. security.protocol); a property"
                            + " ending in 'password' or sasl.jaas.config may be {env: NAME} or"
                            + " {file: PATH} and is never shown.")
    Path config;

    @Option(
            names = "--" + RunSettings.JOBMANAGER,
            paramLabel = "HOST:PORT",
            description =
                    "Submit the job to the Flink cluster whose REST API (web UI) answers at"
                            + " HOST:PORT (e.g. one started with ./triad cluster start, at"
                            + " 127.0.0.1:8081) instead of running it on an embedded"
                            + " MiniCluster. The job jar (jobs/target/triad-jobs-*-job.jar, the"
                            + " job jar triad runs from, or $TRIAD_JOB_JAR) is uploaded; folder inputs and outputs must be paths the cluster's"
                            + " machines can read and write.")
    String jobmanager;

    @Option(
            names = "--" + RunSettings.DETACH,
            description =
                    "With --jobmanager: print the job id and return once the job is submitted;"
                            + " stop it with triad cancel JOB_ID. A folder output then stays as"
                            + " part files under DIR/parts/.")
    Boolean detach;

    @Option(
            names = "--" + RunSettings.FROM_SAVEPOINT,
            paramLabel = "PATH",
            description =
                    "Start from a savepoint (triad cancel --savepoint prints its path) or a"
                            + " retained checkpoint (DIR/checkpoints/JOB_ID/chk-N of the"
                            + " cluster): the job continues where that one stopped. Give the same"
                            + " input, strategies and --output; the output folder keeps what the"
                            + " earlier run committed.")
    String fromSavepoint;

    /** The config file named by {@code --config}, or {@code null}. */
    public Path config() {
        return config;
    }

    /** Whether {@code --resume} was given (a command-line flag only, not a config key). */
    boolean resume() {
        return Boolean.TRUE.equals(resume);
    }

    /** Whether {@code --overwrite} was given (a command-line flag only, not a config key). */
    boolean overwrite() {
        return Boolean.TRUE.equals(overwrite);
    }

    /**
     * The options given on the command line, by config key, as strings (lists joined by commas);
     * {@code model} is not included (see {@link #models()}).
     */
    Map<String, String> given() {
        Map<String, String> given = new LinkedHashMap<>();
        put(given, RunSettings.INPUT, input);
        put(given, RunSettings.MAPPING, mapping);
        put(given, RunSettings.OUTPUT, output);
        put(given, RunSettings.DEAD_LETTERS, deadLetters);
        put(given, RunSettings.CHECKPOINT_INTERVAL, checkpointInterval);
        put(given, RunSettings.DELIVERY, delivery);
        put(
                given,
                RunSettings.STRATEGIES,
                strategies == null ? null : String.join(",", strategies));
        put(given, RunSettings.LIMIT, limit);
        put(given, PricesOption.NAME, prices);
        put(given, RunSettings.PROMPTS, prompts);
        put(given, RunSettings.PARALLELISM, parallelism);
        put(given, RunSettings.WATCH, watch);
        put(given, RunSettings.WATCH_INTERVAL, watchInterval);
        put(given, ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), maxQuestionsInFlight);
        put(given, ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), maxCallsInFlight);
        put(given, ReasoningOptions.QUESTION_TIMEOUT.key(), questionTimeout);
        put(given, ReasoningOptions.OUTAGE_LIMIT.key(), outageLimit);
        put(given, ReasoningOptions.MAX_STEPS.key(), maxSteps);
        put(given, ReasoningOptions.MAX_REGENERATIONS.key(), maxRegenerations);
        put(given, ReasoningOptions.ON_REGENERATIONS_EXHAUSTED.key(), onRegenerationsExhausted);
        put(
                given,
                ReasoningOptions.REJECT_CLASSES.key(),
                rejectClasses == null ? null : String.join(",", rejectClasses));
        put(given, ReasoningOptions.MAX_PARSE_RETRIES.key(), maxParseRetries);
        put(given, RunSettings.MAX_CALL_ATTEMPTS, maxCallAttempts);
        put(given, ReasoningOptions.MAX_QUESTION_CHARS.key(), maxQuestionChars);
        put(given, ReasoningOptions.REPLY_JOURNAL.key(), replyJournal);
        put(given, RunSettings.JOBMANAGER, jobmanager);
        put(given, RunSettings.DETACH, detach);
        put(given, RunSettings.FROM_SAVEPOINT, fromSavepoint);
        put(given, RunSettings.NEAR_DUPLICATES, nearDuplicates);
        put(given, RunSettings.NEAR_DUPLICATE_THRESHOLD, nearDuplicateThreshold);
        put(given, RunSettings.EMBEDDING_MODEL, embeddingModel);
        put(given, RunSettings.DEMONSTRATIONS, demonstrations);
        put(given, RunSettings.DEMONSTRATIONS_MAPPING, demonstrationsMapping);
        put(given, RunSettings.SHOTS, shots);
        put(given, RunSettings.DEMONSTRATIONS_CUT, demonstrationsCut);
        put(given, RunSettings.DEMONSTRATIONS_EXACT_MAX, demonstrationsExactMax);
        return given;
    }

    /** Where the config file's secrets come from; not an option (see {@link RunSettings#check}). */
    RunSettings.Secrets secrets = RunSettings.Secrets.SYSTEM;

    RunSettings.Secrets secrets() {
        return secrets;
    }

    /** The {@code --model} entries in the order given. */
    List<String> models() {
        return models == null ? List.of() : new ArrayList<>(models);
    }

    private static void put(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, value.toString());
        }
    }
}
