package dev.triad.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code journal}: what the reply journal costs. The same {@code lm2} run (generated questions,
 * every role through the {@code openai:} client to an in-JVM SIMULATED server with no latency, so
 * that the client and the operator are what is measured) with checkpoints every {@value
 * #CHECKPOINT_MS} ms to a local folder, once with {@code reply-journal: auto} (every reply written
 * and synced before it is applied) and once with {@code none}. One warm-up run per side, then the
 * sides alternate (order reversed in even rounds); medians of questions/s and of the process's CPU
 * time per model call.
 *
 * <p>Target: with the journal at least {@value #TARGET_RATIO} × the questions/s without it. A real
 * fleet's latency (hundreds of milliseconds per call) hides the journal's milliseconds; this
 * workload shows them.
 */
public final class JournalBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "journal";

    /** Least questions/s with the journal ÷ without. */
    public static final double TARGET_RATIO = 0.9;

    /** Questions per run when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 2_000;

    static final int PARALLELISM = 2;
    static final int REPLICAS = 2;
    static final long CHECKPOINT_MS = 1_000;

    /**
     * Questions and calls in flight per subtask: enough to keep the fleet busy, few enough that the
     * clients' connections (one per call in flight, kept until a client is collected) of all runs
     * stay far below the process's file limit.
     */
    static final int IN_FLIGHT = 256;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "lm2 over an in-JVM simulated fleet with no latency, checkpoints every second:"
                + " reply journal on vs off";
    }

    @Override
    public String target() {
        return "questions/s with the journal >= " + TARGET_RATIO + " x without it";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 3);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions =
                new ProblemGenerator(BenchJobs.SEED)
                        .stream(run.size()).collect(Collectors.toList());
        Map<Boolean, List<Double>> rates = new LinkedHashMap<>();
        Map<Boolean, List<Double>> cpuPerCall = new LinkedHashMap<>();
        rates.put(true, new ArrayList<>());
        rates.put(false, new ArrayList<>());
        cpuPerCall.put(true, new ArrayList<>());
        cpuPerCall.put(false, new ArrayList<>());
        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                .host("127.0.0.1")
                                .port(0)
                                .replicas(REPLICAS)
                                .oracle(
                                        SimulatorSettings.profile(
                                                SimulatorSettings.PROFILE_DEFAULT))
                                .questions(questions)
                                .build())) {
            ModelBinding fleet =
                    OpenAiCompatibleBinding.builder()
                            .baseUrls(server.baseUrls())
                            .model(ServerSettings.DEFAULT_MODEL_NAME)
                            .apiKey(ApiKeySource.none())
                            .build();
            runOnce(questions, fleet, true, log);
            runOnce(questions, fleet, false, log);
            for (int round = 1; round <= run.rounds(); round++) {
                boolean[] order =
                        round % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true};
                for (boolean journal : order) {
                    Measurement m = runOnce(questions, fleet, journal, log);
                    rates.get(journal).add(m.questionsPerSecond());
                    cpuPerCall.get(journal).add(m.cpuMicrosPerCall());
                    log.printf(
                            "%s: round %d/%d, journal %s: %,.0f questions/s, %.1f µs CPU per call%n",
                            NAME,
                            round,
                            run.rounds(),
                            journal ? "on" : "off",
                            m.questionsPerSecond(),
                            m.cpuMicrosPerCall());
                }
            }
        }
        Figure with = Figure.of("questions/s", rates.get(true));
        Figure without = Figure.of("questions/s", rates.get(false));
        Figure cpuWith = Figure.of("µs/call", cpuPerCall.get(true));
        Figure cpuWithout = Figure.of("µs/call", cpuPerCall.get(false));
        double ratio = with.median() / without.median();
        List<Check> checks = List.of(Check.atLeast("ratio", ratio, TARGET_RATIO));

        Map<String, Object> triad = new LinkedHashMap<>();
        triad.put("questionsPerSecond", with);
        triad.put("cpuMicrosPerCall", cpuWith);
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("questionsPerSecond", without);
        baseline.put("cpuMicrosPerCall", cpuWithout);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", Lm2Strategy.NAME);
        settings.put("parallelism", PARALLELISM);
        settings.put("replicas", REPLICAS);
        settings.put("serverProfile", ServerSettings.PROFILE_ZERO);
        settings.put("checkpointMillis", CHECKPOINT_MS);
        settings.put(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put(ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put("journal", "auto: CHECKPOINT_DIR/triad-journal/NAME on the local disk");
        List<String> notes =
                List.of(
                        "the same questions, server and client settings on both sides; only"
                                + " reply-journal differs (auto vs none)",
                        "cpuMicrosPerCall: the process's CPU time over the run (the simulated"
                                + " server included) ÷ model calls");
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2, "
                                + String.format("%,d", run.size())
                                + " questions, openai: client to a simulated fleet with no"
                                + " latency, checkpoints every second",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "questions/s, journal on ÷ off",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad with the reply journal",
                        "Triad without it",
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("questions/s", with, without),
                        Table.row("CPU per call (µs)", cpuWith, cpuWithout));
        return new Outcome(result, rows);
    }

    private record Measurement(double questionsPerSecond, double cpuMicrosPerCall) {}

    private static Measurement runOnce(
            List<Question> questions, ModelBinding fleet, boolean journal, PrintStream log)
            throws Exception {
        Path checkpoints = Files.createTempDirectory("triad-bench-journal");
        RunCounters counters = RunCounters.create(NAME);
        try {
            ModelBinding counted = new CountingModelBinding(fleet, counters.id(), true);
            Configuration conf = new Configuration();
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
            env.enableCheckpointing(CHECKPOINT_MS);
            Reasoning.builder()
                    .strategies(List.of(Lm2Strategy.NAME))
                    .model(Role.DECOMPOSER, counted)
                    .model(Role.SOLVER, counted)
                    .model(Role.VERIFIER, counted)
                    .option(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT, IN_FLIGHT)
                    .option(ReasoningOptions.MAX_CALLS_IN_FLIGHT, IN_FLIGHT)
                    .option(
                            ReasoningOptions.REPLY_JOURNAL,
                            journal ? ReasoningOptions.JOURNAL_AUTO : ReasoningOptions.JOURNAL_NONE)
                    .build()
                    .apply(
                            env.fromData(questions, dev.triad.serde.JsonTypeInfo.QUESTION)
                                    .name("questions"))
                    .sinkTo(new CountingSink<>(counters.id()))
                    .name("count results");
            OperatingSystemMXBean os =
                    (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            JobExecutionResult result = env.execute("triad bench " + NAME);
            long cpu = os.getProcessCpuTime() - cpuBefore;
            double seconds = BenchJobs.seconds(result);
            long calls = counters.callsCompleted.sum();
            if (counters.records.sum() != questions.size()) {
                throw new IllegalStateException(
                        "expected " + questions.size() + " results, got " + counters.records.sum());
            }
            return new Measurement(questions.size() / seconds, cpu / 1e3 / Math.max(1, calls));
        } finally {
            counters.release();
            // The JDK 17 HttpClient closes its connections only when it is collected.
            System.gc();
            deleteRecursively(checkpoints, log);
        }
    }

    private static void deleteRecursively(Path root, PrintStream log) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.println(NAME + ": cannot remove " + root + " (" + e + ")");
        }
    }
}
