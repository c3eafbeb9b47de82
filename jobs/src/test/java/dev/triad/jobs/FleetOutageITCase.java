package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.progress.ProgressMetrics;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.model.langchain4j.LangChain4jBinding;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole simulated fleet stops for {@value #OUTAGE_SECONDS} s in the middle of a run and starts
 * again on the same ports: the run pauses (the progress metric says a fleet is down, no question
 * finishes and no new one starts), then goes on, and every (question, strategy) ends SOLVED or
 * UNSOLVED, none FAILED.
 */
class FleetOutageITCase {

    private static final int PARALLELISM = 2;
    private static final int QUESTIONS = 60;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");
    private static final int OUTAGE_SECONDS = 20;

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
    void aFleetStoppedMidRunPausesTheRunAndNoQuestionFails() throws Exception {
        // Two single-replica servers, so that each can be started again on its own port.
        runThroughAnOutage(
                2,
                urls ->
                        OpenAiCompatibleBinding.builder()
                                .baseUrls(urls)
                                .model(ServerSettings.DEFAULT_MODEL_NAME)
                                .apiKey(ApiKeySource.none())
                                .build());
    }

    /** The same through {@code langchain4j:openai}: one endpoint, held by its outage handling. */
    @Test
    void aLangChain4jEndpointStoppedMidRunPausesTheRunAndNoQuestionFails() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "sk-simulated");
        runThroughAnOutage(
                1,
                urls ->
                        LangChain4jBinding.parse(
                                "openai?base-url="
                                        + urls.get(0)
                                        + "&model="
                                        + ServerSettings.DEFAULT_MODEL_NAME
                                        + "&key-file="
                                        + key
                                        + "&concurrency=8"));
    }

    private void runThroughAnOutage(int servers, Function<List<String>, ModelBinding> bindingFor)
            throws Exception {
        List<Question> questions =
                new ProblemGenerator(31).stream(QUESTIONS).collect(Collectors.toList());
        int total = QUESTIONS * STRATEGIES.size();
        List<SimulatedServer> fleet = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                SimulatedServer server = SimulatedServer.start(settings(questions, 0));
                fleet.add(server);
                ports.add(server.ports().get(0));
                server.baseUrls().forEach(u -> urls.add(u.toString()));
            }
            ModelBinding binding = bindingFor.apply(urls);

            Configuration conf = new Configuration();
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(PARALLELISM);
            env.enableCheckpointing(1_000);
            Path parts = dir.resolve("parts");
            Reasoning.builder()
                    .strategies(STRATEGIES)
                    .model(Role.DECOMPOSER, binding)
                    .model(Role.SOLVER, binding)
                    .model(Role.VERIFIER, binding)
                    // Few at a time, so that the run is still going when the fleet stops.
                    .option(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT, 4)
                    .build()
                    .apply(env.fromData(questions, JsonTypeInfo.QUESTION))
                    .sinkTo(OutputLayout.jsonLinesSink(parts));
            long finishedBefore = METRICS.count(ProgressMetrics.QUESTIONS_FINISHED);
            JobClient job = env.executeAsync("fleet outage");

            await(
                    "a fifth of the results",
                    () ->
                            METRICS.count(ProgressMetrics.QUESTIONS_FINISHED) - finishedBefore
                                    >= total / 5);
            for (SimulatedServer server : fleet) {
                server.close();
            }
            fleet.clear();
            await("the progress metric says the fleet is down", this::fleetDown);
            long started = METRICS.count(ProgressMetrics.QUESTIONS_STARTED);
            long finished = METRICS.count(ProgressMetrics.QUESTIONS_FINISHED);

            Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS)); // the outage itself

            assertThat(fleetDown()).as("still down after %d s", OUTAGE_SECONDS).isTrue();
            assertThat(METRICS.count(ProgressMetrics.QUESTIONS_FINISHED))
                    .as("no question ended during the outage")
                    .isEqualTo(finished);
            assertThat(METRICS.count(ProgressMetrics.QUESTIONS_STARTED) - started)
                    .as("questions started during the outage (one per subtask may probe)")
                    .isLessThanOrEqualTo(PARALLELISM);
            for (int port : ports) {
                fleet.add(SimulatedServer.start(settings(questions, port)));
            }
            job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

            List<Result> results = new ArrayList<>();
            for (Path part : OutputLayout.committedParts(parts)) {
                for (String line : Files.readAllLines(part)) {
                    results.add(Json.read(line, Result.class));
                }
            }
            assertThat(results).hasSize(total);
            assertThat(results)
                    .filteredOn(r -> r.status() == Status.FAILED)
                    .extracting(r -> r.id() + " " + r.strategy() + ": " + r.reason())
                    .as("questions FAILED")
                    .isEmpty();
            assertThat(fleetDown()).isFalse();
        } finally {
            for (SimulatedServer server : fleet) {
                server.close();
            }
        }
    }

    private boolean fleetDown() {
        return METRICS.gauge(ProgressMetrics.FLEETS_DOWN) > 0;
    }

    private static ServerSettings settings(List<Question> questions, int port) {
        return ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                .host("127.0.0.1")
                .port(port)
                .replicas(1)
                .prefillOverheadMs(40)
                .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_DEFAULT))
                .questions(questions)
                .build();
    }

    /** Waits (bounded) until {@code condition} holds: observes the run, orders nothing. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
