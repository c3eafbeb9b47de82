package dev.triad.reasoning;

import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Deploy-time settings of the reasoning operator. The keys are the names used on the command line
 * ({@code --max-questions-in-flight}) and in the {@code --config} YAML file.
 */
@PublicEvolving
public final class ReasoningOptions {

    private ReasoningOptions() {}

    public static final ConfigOption<Integer> MAX_QUESTIONS_IN_FLIGHT =
            ConfigOptions.key("max-questions-in-flight")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Questions (× strategies) one subtask works on at once. At the cap the"
                                    + " operator stops taking input (backpressure).");

    public static final ConfigOption<Integer> MAX_CALLS_IN_FLIGHT =
            ConfigOptions.key("max-calls-in-flight")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Model calls one subtask has outstanding at once; further calls wait"
                                    + " in a queue until one completes.");

    public static final ConfigOption<Duration> QUESTION_TIMEOUT =
            ConfigOptions.key("question-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Processing-time deadline per (question, strategy); when it passes the"
                                    + " question ends FAILED.");

    public static final ConfigOption<Duration> OUTAGE_LIMIT =
            ConfigOptions.key("outage-limit")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "How long a role's fleet may be down (every replica refusing"
                                    + " connections or answering 5xx) before the job stops. While"
                                    + " it is down its calls wait, no new questions start and"
                                    + " question deadlines do not run; after this the job fails"
                                    + " naming the role and its endpoints, and resumes from its"
                                    + " last checkpoint.");

    public static final ConfigOption<Integer> MAX_STEPS =
            ConfigOptions.key("max-steps")
                    .intType()
                    .defaultValue(12)
                    .withDescription(
                            "Accepted steps after which lm2 stops decomposing and writes the final"
                                    + " answer.");

    public static final ConfigOption<Integer> MAX_REGENERATIONS =
            ConfigOptions.key("max-regenerations")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Times lm2 asks the decomposer to write a rejected step again before"
                                    + " the on-regenerations-exhausted policy applies.");

    public static final ConfigOption<ExhaustedPolicy> ON_REGENERATIONS_EXHAUSTED =
            ConfigOptions.key("on-regenerations-exhausted")
                    .enumType(ExhaustedPolicy.class)
                    .defaultValue(ExhaustedPolicy.KEEP_UNVERIFIED)
                    .withDescription(
                            "What lm2 does when a step is still rejected after max-regenerations:"
                                    + " KEEP_UNVERIFIED keeps the last attempt marked unverified,"
                                    + " UNSOLVED ends the question.");

    public static final ConfigOption<List<String>> REJECT_CLASSES =
            ConfigOptions.key("reject-classes")
                    .stringType()
                    .asList()
                    .defaultValues(
                            "conceptual_mistake",
                            "procedural_mistake",
                            "misunderstood_question",
                            "first_step_mistake")
                    .withDescription(
                            "Verifier classes that make lm2 regenerate a step (LM2's rule); the"
                                    + " other classes are accepted into the context.");

    public static final ConfigOption<Integer> MAX_PARSE_RETRIES =
            ConfigOptions.key("max-parse-retries")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Times a call is made again after a reply that is not the JSON asked"
                                    + " for; then the question ends FAILED with the raw reply.");

    public static final ConfigOption<Integer> MAX_QUESTION_CHARS =
            ConfigOptions.key("max-question-chars")
                    .intType()
                    .defaultValue(20_000)
                    .withDescription(
                            "Questions longer than this many characters become dead letters.");

    /** {@link #REPLY_JOURNAL}'s value for a journal under the job's checkpoint directory. */
    public static final String JOURNAL_AUTO = "auto";

    /** {@link #REPLY_JOURNAL}'s value for no journal. */
    public static final String JOURNAL_NONE = "none";

    public static final ConfigOption<String> REPLY_JOURNAL =
            ConfigOptions.key("reply-journal")
                    .stringType()
                    .defaultValue(JOURNAL_AUTO)
                    .withDescription(
                            "Where the durable journal of completed model replies lives: after a"
                                    + " failure the replies that came after the last checkpoint"
                                    + " are read back instead of calling the model again. 'auto':"
                                    + " CHECKPOINT_DIR/triad-journal/NAME when checkpoints go to"
                                    + " a file system (none when they are kept in the"
                                    + " JobManager's memory); 'none'; or a folder (path or URI of"
                                    + " any Flink file system) that outlives a TaskManager.");

    /** Every option above, e.g. for copying them between configurations. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MAX_QUESTIONS_IN_FLIGHT,
                    MAX_CALLS_IN_FLIGHT,
                    QUESTION_TIMEOUT,
                    OUTAGE_LIMIT,
                    MAX_STEPS,
                    MAX_REGENERATIONS,
                    ON_REGENERATIONS_EXHAUSTED,
                    REJECT_CLASSES,
                    MAX_PARSE_RETRIES,
                    MAX_QUESTION_CHARS,
                    REPLY_JOURNAL);

    /** What lm2 does when a step's regenerations run out. */
    public enum ExhaustedPolicy {
        /** Keep the last attempt in the context, marked unverified, and go on. */
        KEEP_UNVERIFIED,
        /** End the question UNSOLVED, saying which step was rejected. */
        UNSOLVED
    }
}
