package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.progress.ProgressMetrics;
import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that fails in the middle of its run, against a simulated HTTP fleet with latency, on a
 * MiniCluster that restores it from its last checkpoint: with the reply journal (the default, next
 * to the checkpoints) no call the fleet had answered is made again except those in flight at the
 * failure; without it the fleet answers completed calls again. Every (question, strategy) is in the
 * exactly-once output once either way.
 */
class ReplyJournalITCase {

    private static final int PARALLELISM = 2;
    private static final int QUESTIONS = 150;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");

    private static final Configuration CLUSTER = new Configuration();
    private static final ProgressMetrics METRICS = ProgressMetrics.register(CLUSTER);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(CLUSTER)
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path dir;

    @Test
    void withTheJournalOnlyCallsInFlightAtTheFailureAreMadeAgain() throws Exception {
        Run run = runFailingOnce(ReasoningOptions.JOURNAL_AUTO);

        assertThat(run.replayed).as("replies read back from the journal").isPositive();
        assertThat(run.answeredAgain)
                .as("completed calls the fleet answered again (%d remade)", run.remade)
                .isLessThanOrEqualTo(run.remade);
        assertThat(journalFiles()).as("journal files left after the last checkpoint").isEmpty();
    }

    @Test
    void withoutTheJournalCompletedCallsAreMadeAgain() throws Exception {
        Run run = runFailingOnce(ReasoningOptions.JOURNAL_NONE);

        assertThat(run.replayed).isZero();
        assertThat(run.answeredAgain)
                .as("completed calls the fleet answered again (%d remade)", run.remade)
                .isGreaterThan(run.remade);
    }

    private record Run(long replayed, long remade, long answeredAgain) {}

    private Run runFailingOnce(String journal) throws Exception {
        List<Question> questions =
                new ProblemGenerator(23).stream(QUESTIONS).collect(Collectors.toList());
        long replayedBefore = METRICS.count(ProgressMetrics.CALLS_REPLAYED);
        long remadeBefore = METRICS.count(ProgressMetrics.CALLS_REMADE);
        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                .host("127.0.0.1")
                                .port(0)
                                .replicas(2)
                                .prefillOverheadMs(60)
                                .oracle(
                                        SimulatorSettings.profile(
                                                SimulatorSettings.PROFILE_DEFAULT))
                                .questions(questions)
                                .build())) {
            OpenAiCompatibleBinding fleet =
                    OpenAiCompatibleBinding.builder()
                            .baseUrls(server.baseUrls())
                            .model(ServerSettings.DEFAULT_MODEL_NAME)
                            .apiKey(ApiKeySource.none())
                            .build();
            Configuration conf = new Configuration();
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString());
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    java.time.Duration.ZERO);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(PARALLELISM);
            env.enableCheckpointing(200);
            Path parts = dir.resolve("parts");
            Reasoning.builder()
                    .strategies(STRATEGIES)
                    .model(Role.DECOMPOSER, fleet)
                    .model(Role.SOLVER, fleet)
                    .model(Role.VERIFIER, fleet)
                    .option(ReasoningOptions.REPLY_JOURNAL, journal)
                    .journalName("journal-it")
                    .build()
                    .apply(env.fromData(questions, JsonTypeInfo.QUESTION))
                    .map(new FailOnceAfter(QUESTIONS / 5))
                    .returns(JsonTypeInfo.immutable(Result.class))
                    .sinkTo(OutputLayout.jsonLinesSink(parts));
            env.execute("reply journal " + journal);

            Set<String> pairs = new HashSet<>();
            for (Path part : OutputLayout.committedParts(parts)) {
                for (String line : Files.readAllLines(part)) {
                    Result r = Json.read(line, Result.class);
                    assertThat(pairs.add(r.id() + "|" + r.strategy()))
                            .as("(%s, %s) once", r.id(), r.strategy())
                            .isTrue();
                }
            }
            assertThat(pairs).hasSize(QUESTIONS * STRATEGIES.size());
            assertThat(FailOnceAfter.failures.get()).as("failures injected").isEqualTo(1);
            FailOnceAfter.failures.set(0);
            return new Run(
                    METRICS.count(ProgressMetrics.CALLS_REPLAYED) - replayedBefore,
                    METRICS.count(ProgressMetrics.CALLS_REMADE) - remadeBefore,
                    server.callsAnsweredAgain());
        }
    }

    private List<Path> journalFiles() throws Exception {
        Path journal = dir.resolve("checkpoints").resolve("triad-journal").resolve("journal-it");
        assertThat(journal).isDirectory();
        try (var files = Files.list(journal)) {
            return files.toList();
        }
    }

    /** Fails the first attempt of subtask 0 after it has passed on {@code after} lm2 results. */
    private static final class FailOnceAfter extends RichMapFunction<Result, Result> {
        static final AtomicInteger failures = new AtomicInteger();
        private final int after;
        private transient int seen;
        private transient boolean armed;

        FailOnceAfter(int after) {
            this.after = after;
        }

        @Override
        public void open(OpenContext context) {
            var task = getRuntimeContext().getTaskInfo();
            armed = task.getAttemptNumber() == 0 && task.getIndexOfThisSubtask() == 0;
        }

        @Override
        public Result map(Result result) {
            // lm2's results come last (many calls each): failing among them leaves lm2 questions
            // in flight with replies after the last checkpoint.
            if (armed && result.strategy().equals("lm2") && ++seen == after) {
                failures.incrementAndGet();
                throw new IllegalStateException("injected failure after " + after + " results");
            }
            return result;
        }
    }
}
