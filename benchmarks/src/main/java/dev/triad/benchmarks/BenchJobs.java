package dev.triad.benchmarks;

import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.simulator.PassageGenerator;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModelBinding;
import dev.triad.simulator.SimulatorSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The jobs the benchmarks run, each on a fresh embedded MiniCluster: generated problems from {@code
 * env.fromSequence(0, n-1).map(generator::problem)} into either Triad's reasoning operator or the
 * bare {@code unorderedWait} baseline, and a {@link CountingSink}.
 */
final class BenchJobs {

    /** Seed of the problem generator and the simulated models, for repeatable runs. */
    static final long SEED = 42;

    /** Time the bare baseline gives one question's chain of calls before failing the job. */
    private static final long BARE_TIMEOUT_MINUTES = 10;

    private BenchJobs() {}

    /** A local streaming environment with {@code parallelism} slots and no web UI. */
    static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** Problems {@code 0 .. count-1} of the benchmark generator, generated where they are read. */
    static DataStream<Question> questions(StreamExecutionEnvironment env, long count) {
        return questions(env, count, new ProblemAt(new ProblemGenerator(SEED)));
    }

    /** Questions {@code 0 .. count-1} of {@code source}, generated where they are read. */
    static DataStream<Question> questions(
            StreamExecutionEnvironment env, long count, MapFunction<Long, Question> source) {
        if (count < 1) {
            throw new IllegalArgumentException(
                    "A benchmark needs at least 1 question, got "
                            + count
                            + "; pass --size 1 or more");
        }
        return env.fromSequence(0, count - 1)
                .name("question indices")
                .uid("bench-indices")
                .map(source)
                .returns(JsonTypeInfo.QUESTION)
                .name("generate problems")
                .uid("bench-generate");
    }

    /**
     * Simulated models that never err and answer at once, counting tokens as characters / 4 (the
     * cheapest simulated model; what the overhead benchmark compares on).
     */
    static ModelBinding instantModel() {
        return new SimulatedModelBinding(
                SimulatorSettings.perfect().toBuilder()
                        .profile("perfect")
                        .countTokens(false)
                        .build(),
                SEED);
    }

    /** Simulated models that never err and take exactly {@code latencyMs} per call, any role. */
    static ModelBinding slowModel(long latencyMs) {
        SimulatorSettings.Builder settings =
                SimulatorSettings.perfect().toBuilder()
                        .profile("perfect-" + latencyMs + "ms")
                        .countTokens(false)
                        .latencyJitter(0);
        for (Role role : Role.values()) {
            settings.latency(role, latencyMs, 0);
        }
        return new SimulatedModelBinding(settings.build(), SEED);
    }

    /** Triad's pipeline for one strategy, every role bound to {@code model}, into the sink. */
    static void triad(
            DataStream<Question> questions,
            String strategy,
            ModelBinding model,
            int maxQuestionsInFlight,
            int maxCallsInFlight,
            String runId) {
        triad(
                questions,
                strategy,
                model,
                maxQuestionsInFlight,
                maxCallsInFlight,
                PromptSet.builtIn(),
                runId);
    }

    /** The same with the calls rendered from {@code prompts}. */
    static void triad(
            DataStream<Question> questions,
            String strategy,
            ModelBinding model,
            int maxQuestionsInFlight,
            int maxCallsInFlight,
            PromptSet prompts,
            String runId) {
        Reasoning.builder()
                .strategies(List.of(strategy))
                .prompts(prompts)
                .model(Role.DECOMPOSER, model)
                .model(Role.SOLVER, model)
                .model(Role.VERIFIER, model)
                .option(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT, maxQuestionsInFlight)
                .option(ReasoningOptions.MAX_CALLS_IN_FLIGHT, maxCallsInFlight)
                .build()
                .apply(questions)
                .sinkTo(new CountingSink<>(runId))
                .name("count results")
                .uid("bench-sink");
    }

    /**
     * The bare baseline: lm2's calls per question chained in one async function, into the sink;
     * with {@code parseReplies} it also parses each reply.
     */
    static void bare(
            DataStream<Question> questions,
            ModelBinding model,
            boolean parseReplies,
            int capacity,
            String runId) {
        AsyncDataStream.unorderedWait(
                        questions,
                        new Lm2CallChainFunction(model, parseReplies),
                        BARE_TIMEOUT_MINUTES,
                        TimeUnit.MINUTES,
                        capacity)
                .name("bare async calls")
                .uid("bench-bare-async")
                .sinkTo(new CountingSink<>(runId))
                .name("count results")
                .uid("bench-sink");
    }

    /** The job's net run time (submission to end, without the MiniCluster's start) in seconds. */
    static double seconds(JobExecutionResult result) {
        return result.getNetRuntime(TimeUnit.MICROSECONDS) / 1e6;
    }

    /** Question {@code index} of a passage generator: the long-context source's map function. */
    static final class PassageAt implements MapFunction<Long, Question> {

        private static final long serialVersionUID = 1L;

        private final PassageGenerator generator;

        PassageAt(PassageGenerator generator) {
            this.generator = generator;
        }

        @Override
        public Question map(Long index) {
            return generator.problem(index);
        }
    }

    /** Problem {@code index} of a generator: the source's map function. */
    static final class ProblemAt implements MapFunction<Long, Question> {

        private static final long serialVersionUID = 1L;

        private final ProblemGenerator generator;

        ProblemAt(ProblemGenerator generator) {
            this.generator = generator;
        }

        @Override
        public Question map(Long index) {
            return generator.problem(index);
        }
    }
}
