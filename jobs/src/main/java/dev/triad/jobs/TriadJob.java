package dev.triad.jobs;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.demos.DemonstrationSettings;
import dev.triad.jobs.demos.RetrieveDemonstrationsFunction;
import dev.triad.jobs.io.SourceLine;
import dev.triad.jobs.parse.DedupeFunction;
import dev.triad.jobs.parse.ParseQuestionsFunction;
import dev.triad.jobs.parse.ParsedQuestion;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.jobs.similar.EmbedQuestionsFunction;
import dev.triad.jobs.similar.EmbeddedQuestion;
import dev.triad.jobs.similar.NearDuplicateCheck;
import dev.triad.jobs.similar.NearDuplicateFunction;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.serde.JsonTypeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Triad's job: input lines in, one result per (question, strategy) out, bad lines to dead letters.
 *
 * <pre>
 * source ─→ parse + map + validate (parallelism 1, --limit) ──bad──→ dead letters sink
 *        ─→ keyBy(id) dedupe ──duplicate──→ dead letters sink
 *        [─→ embed (async, batched) [─→ worked examples (async)] [─→ near-duplicates (parallelism 1): mark, or drop ──→ dead letters sink]]
 *        ─→ Reasoning (fan out per strategy, keyBy(id, strategy), ReasoningOperator) ─→ results sink
 * </pre>
 *
 * <p>Source and sinks are arguments, so tests and other entry points wire their own; {@code triad
 * run} wires the production ones (JSONL files or Kafka topics in and out). Every operator is named
 * and has a stable uid (the constants below), so savepoints stay compatible across versions. A bad
 * record never fails the job: it becomes a {@link DeadLetter}.
 */
public final class TriadJob {

    /** Uid of the source. */
    public static final String SOURCE_UID = "triad-source";

    /** Uid of parse + map + validate. */
    public static final String PARSE_UID = "triad-parse";

    /** Uid of the duplicate-id filter. */
    public static final String DEDUPE_UID = "triad-dedupe";

    /** Uid of the async embedding of question texts (with a near-duplicate check only). */
    public static final String EMBED_UID = "triad-embed";

    /** Uid of the near-duplicate check (with a near-duplicate check only). */
    public static final String NEAR_DUPLICATES_UID = "triad-near-duplicates";

    /** Uid of the retrieval of worked examples (with a demonstration pool only). */
    public static final String DEMONSTRATIONS_UID = "triad-demonstrations";

    /** Uid of the step from embedded questions back to questions when nothing else takes them. */
    public static final String EMBEDDED_QUESTIONS_UID = "triad-embedded-questions";

    /**
     * How long a question may wait for its worked examples before the job fails: the first ones
     * wait while the pool is embedded (at ~100 to 1,000 texts a second on CPU).
     */
    static final long DEMONSTRATIONS_TIMEOUT_MS = TimeUnit.HOURS.toMillis(2);

    /** Questions being embedded at once per subtask (the async operator's capacity). */
    static final int EMBED_CAPACITY = 256;

    /** How long one question's embedding may take before the job fails. */
    static final long EMBED_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    /** Uid of the results sink. */
    public static final String RESULTS_SINK_UID = "triad-results-sink";

    /** Uid of the dead-letter sink. */
    public static final String DEAD_LETTERS_SINK_UID = "triad-dead-letters-sink";

    private final Source<SourceLine, ?, ?> source;
    private final QuestionParser parser;
    private final long limit;
    private final Reasoning reasoning;
    private final Sink<Result> results;
    private final Sink<DeadLetter> deadLetters;
    private final List<ResultsBranch> branches;
    private final NearDuplicateCheck nearDuplicates;
    private final DemonstrationSettings demonstrations;

    TriadJob(
            Source<SourceLine, ?, ?> source,
            QuestionParser parser,
            long limit,
            Reasoning reasoning,
            Sink<Result> results,
            Sink<DeadLetter> deadLetters,
            List<ResultsBranch> branches,
            NearDuplicateCheck nearDuplicates,
            DemonstrationSettings demonstrations) {
        this.source = source;
        this.parser = parser;
        this.limit = limit;
        this.reasoning = reasoning;
        this.results = results;
        this.deadLetters = deadLetters;
        this.branches = List.copyOf(branches);
        this.nearDuplicates = nearDuplicates;
        this.demonstrations = demonstrations;
    }

    /** A builder; source, parser, reasoning and both sinks are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Adds the job's operators to {@code env}; call {@code execute} on it afterwards. */
    public void addTo(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<ParsedQuestion> parsed =
                env.fromSource(
                                source,
                                WatermarkStrategy.noWatermarks(),
                                source instanceof KafkaSource<?> ? "kafka source" : "jsonl source")
                        .uid(SOURCE_UID)
                        // One reader: files are read in a fixed order, so --limit is deterministic.
                        .setParallelism(1)
                        .process(new ParseQuestionsFunction(parser, limit))
                        .returns(JsonTypeInfo.immutable(ParsedQuestion.class))
                        .name("parse + map + validate")
                        .uid(PARSE_UID)
                        .setParallelism(1);

        SingleOutputStreamOperator<Question> questions =
                parsed.keyBy(TriadJob::questionId, Types.STRING)
                        .process(new DedupeFunction())
                        .returns(JsonTypeInfo.QUESTION)
                        .name("drop duplicate ids")
                        .uid(DEDUPE_UID);

        DataStream<DeadLetter> rejected =
                parsed.getSideOutput(ParseQuestionsFunction.DEAD_LETTERS)
                        .union(questions.getSideOutput(DedupeFunction.DUPLICATES));
        DataStream<Question> toReason = questions;
        if (nearDuplicates != null || demonstrations != null) {
            DataStream<EmbeddedQuestion> embedded = embed(questions);
            if (demonstrations != null) {
                // Before the near-duplicate check: it runs at full parallelism, and the check
                // then reuses the question's embedding.
                embedded = retrieveDemonstrations(embedded);
            }
            if (nearDuplicates != null) {
                SingleOutputStreamOperator<Question> checked = checkNearDuplicates(embedded);
                toReason = checked;
                rejected = rejected.union(checked.getSideOutput(NearDuplicateFunction.DROPPED));
            } else {
                toReason =
                        embedded.map(EmbeddedQuestion::question)
                                .returns(JsonTypeInfo.QUESTION)
                                .name("questions")
                                .uid(EMBEDDED_QUESTIONS_UID);
            }
        }

        DataStream<Result> out = reasoning.apply(toReason);
        out.sinkTo(results).name("results sink").uid(RESULTS_SINK_UID);
        for (ResultsBranch branch : branches) {
            branch.addTo(out);
        }

        rejected.sinkTo(deadLetters).name("dead letters sink").uid(DEAD_LETTERS_SINK_UID);
    }

    /**
     * Embeds every question without blocking the task threads (batched, the model loaded once per
     * TaskManager JVM).
     */
    private DataStream<EmbeddedQuestion> embed(DataStream<Question> questions) {
        EmbeddingSettings embedding =
                nearDuplicates != null ? nearDuplicates.embedding() : demonstrations.embedding();
        return AsyncDataStream.unorderedWait(
                        questions,
                        new EmbedQuestionsFunction(embedding),
                        EMBED_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS,
                        EMBED_CAPACITY)
                .returns(JsonTypeInfo.immutable(EmbeddedQuestion.class))
                .name("embed questions (" + embedding.modelName() + ")")
                .uid(EMBED_UID);
    }

    /** Gives each question its nearest worked examples of the pool (read once per JVM). */
    private DataStream<EmbeddedQuestion> retrieveDemonstrations(
            DataStream<EmbeddedQuestion> embedded) {
        return AsyncDataStream.unorderedWait(
                        embedded,
                        new RetrieveDemonstrationsFunction(demonstrations),
                        DEMONSTRATIONS_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS,
                        EMBED_CAPACITY)
                .returns(JsonTypeInfo.immutable(EmbeddedQuestion.class))
                .name(
                        "worked examples: "
                                + demonstrations.shots()
                                + " from "
                                + demonstrations.poolAsGiven())
                .uid(DEMONSTRATIONS_UID);
    }

    /** Compares each embedded question with the questions before it in one subtask. */
    private SingleOutputStreamOperator<Question> checkNearDuplicates(
            DataStream<EmbeddedQuestion> embedded) {
        return embedded.process(
                        new NearDuplicateFunction(
                                nearDuplicates.policy(), nearDuplicates.threshold()))
                .returns(JsonTypeInfo.QUESTION)
                .name("near-duplicates: " + nearDuplicates.policy().optionValue())
                .uid(NEAR_DUPLICATES_UID)
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    /** Adds the job to {@code env} and runs it to the end (bounded sources) or until cancelled. */
    public JobExecutionResult execute(StreamExecutionEnvironment env, String jobName)
            throws Exception {
        addTo(env);
        return env.execute(jobName);
    }

    private static String questionId(ParsedQuestion parsed) {
        return parsed.question().id();
    }

    /** Builds a {@link TriadJob}; {@link #build()} checks that nothing required is missing. */
    public static final class Builder {

        private Source<SourceLine, ?, ?> source;
        private QuestionParser parser;
        private long limit = ParseQuestionsFunction.NO_LIMIT;
        private Reasoning reasoning;
        private Sink<Result> results;
        private Sink<DeadLetter> deadLetters;
        private final List<ResultsBranch> branches = new ArrayList<>();
        private NearDuplicateCheck nearDuplicates;
        private DemonstrationSettings demonstrations;

        private Builder() {}

        /** Input lines, e.g. {@link dev.triad.jobs.io.JsonlFiles#source}. */
        public Builder source(Source<SourceLine, ?, ?> source) {
            this.source = source;
            return this;
        }

        /** How lines become questions (mapping and the question-size limit). */
        public Builder parser(QuestionParser parser) {
            this.parser = parser;
            return this;
        }

        /** Keep only the first {@code limit} questions. */
        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        /** The strategies, models and caps. */
        public Builder reasoning(Reasoning reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        /** Where results go, e.g. {@link dev.triad.jobs.io.OutputLayout#resultsSink()}. */
        public Builder results(Sink<Result> results) {
            this.results = results;
            return this;
        }

        /** Where dead letters go. */
        public Builder deadLetters(Sink<DeadLetter> deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** Also hangs {@code branch} off the results stream (optional, repeatable). */
        public Builder resultsBranch(ResultsBranch branch) {
            this.branches.add(Objects.requireNonNull(branch, "branch"));
            return this;
        }

        /**
         * Checks questions for near-duplicates of earlier ones (by the cosine similarity of their
         * embeddings) and marks or drops them; null (the default) for no check.
         */
        public Builder nearDuplicates(NearDuplicateCheck check) {
            this.nearDuplicates = check;
            return this;
        }

        /**
         * Gives every question the nearest worked examples of a pool, which its decomposer calls
         * show; null (the default) for none. With a near-duplicate check too, both must use the
         * same embedding model (the question is embedded once).
         */
        public Builder demonstrations(DemonstrationSettings settings) {
            this.demonstrations = settings;
            return this;
        }

        /**
         * Checks the settings and builds.
         *
         * @throws IllegalArgumentException when the limit is below 1
         * @throws NullPointerException naming a required part that was not set
         */
        public TriadJob build() {
            Objects.requireNonNull(source, "source is required: call source(...)");
            Objects.requireNonNull(parser, "parser is required: call parser(...)");
            Objects.requireNonNull(reasoning, "reasoning is required: call reasoning(...)");
            Objects.requireNonNull(results, "results sink is required: call results(...)");
            Objects.requireNonNull(
                    deadLetters, "dead-letter sink is required: call deadLetters(...)");
            if (limit < 1) {
                throw new IllegalArgumentException(
                        "limit must be at least 1, was " + limit + "; leave it unset for no limit");
            }
            if (nearDuplicates != null
                    && demonstrations != null
                    && !nearDuplicates.embedding().equals(demonstrations.embedding())) {
                throw new IllegalArgumentException(
                        "The near-duplicate check embeds with "
                                + nearDuplicates.embedding()
                                + " and the demonstrations with "
                                + demonstrations.embedding()
                                + "; questions are embedded once, so give both the same model");
            }
            return new TriadJob(
                    source,
                    parser,
                    limit,
                    reasoning,
                    results,
                    deadLetters,
                    branches,
                    nearDuplicates,
                    demonstrations);
        }
    }
}
