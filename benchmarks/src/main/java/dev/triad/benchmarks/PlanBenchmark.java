package dev.triad.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.cli.TriadCli;
import dev.triad.jobs.plan.SampleMeasurements;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulationProfile;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code plan}: checks {@code triad plan} against measured runs. A sample of lm2 runs with {@code
 * triad run} (embedded MiniCluster, parallelism 2) against a SIMULATED fleet, one {@code 8b-h100}
 * simulated server per role (1 replica each, max-num-seqs 16) in this JVM on 127.0.0.1, through the
 * {@code openai:} client; then, for each of two fleet shapes (3/2/3 and 3/3/1 replicas), {@code
 * triad plan SAMPLE --questions N --replicas … --profile all=8b-h100 --json} estimates the wall
 * time of N questions and a run of N questions on that shape measures it (first question's start to
 * last result, from the results' {@code finishedAt} and {@code latencyMs}).
 *
 * <p>Target: the estimate within ±{@value #TOLERANCE} of the measured wall time on both shapes, and
 * the plan's bottleneck the role whose slots were busiest (from the servers' running-seconds).
 */
public final class PlanBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "plan";

    /** The estimate may be this fraction off the measured wall time either way. */
    public static final double TOLERANCE = 0.15;

    /** Questions of each measured run when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 2_000;

    /** Questions of the sample, at most (fewer when {@code --size} is smaller). */
    public static final int SAMPLE_SIZE = 200;

    private static final long SEED = 7;

    /** A fleet shape: replicas per role, each an {@code 8b-h100} replica. */
    record Shape(String name, Map<Role, Integer> replicas) {

        String option() {
            return replicas.entrySet().stream()
                    .map(e -> e.getKey().key() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
        }
    }

    /** The sample's fleet: one replica per role. */
    static final Shape SAMPLE_SHAPE = shape("sample", 1, 1, 1);

    /**
     * The two shapes checked, decomposer/solver/verifier replicas: 3/2/3 leaves the solver short of
     * slots, 3/3/1 the verifier.
     */
    static final List<Shape> SHAPES =
            List.of(shape("solver-short", 3, 2, 3), shape("verifier-short", 3, 3, 1));

    private static Shape shape(String name, int decomposers, int solvers, int verifiers) {
        Map<Role, Integer> replicas = new EnumMap<>(Role.class);
        replicas.put(Role.DECOMPOSER, decomposers);
        replicas.put(Role.SOLVER, solvers);
        replicas.put(Role.VERIFIER, verifiers);
        return new Shape(name, replicas);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "triad plan's estimate (from a sample of "
                + SAMPLE_SIZE
                + " lm2 questions) against measured lm2 runs on two shapes of a simulated"
                + " 8b-h100 fleet (replicas per decomposer/solver/verifier 3/2/3 and 3/3/1), through"
                + " triad run and the"
                + " openai: client";
    }

    @Override
    public String target() {
        return "estimated wall time within ±"
                + Math.round(TOLERANCE * 100)
                + "% of the measured one on both shapes; bottleneck = busiest role";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1).atLeast(20, "questions per measured run for plan");
    }

    /** What one measured run on one shape gave. */
    record ShapeRun(
            Shape shape,
            double estimatedSeconds,
            double measuredEstimateSeconds,
            String bottleneck,
            double measuredSeconds,
            Map<String, Double> busy) {

        double ratio() {
            return estimatedSeconds / measuredSeconds;
        }

        String busiest() {
            return busy.entrySet().stream()
                    .max(Comparator.comparingDouble(Map.Entry::getValue))
                    .orElseThrow()
                    .getKey();
        }
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        Path work = Files.createTempDirectory("triad-bench-plan");
        try {
            List<Question> questions = new ProblemGenerator(SEED).stream(run.size()).toList();
            List<Question> sampleQuestions =
                    questions.subList(0, (int) Math.min(SAMPLE_SIZE, questions.size()));
            Path sample = work.resolve("sample");
            log.printf(
                    "plan: sample of %d questions on %s%n",
                    sampleQuestions.size(), SAMPLE_SHAPE.option());
            run(work, sample, sampleQuestions, SAMPLE_SHAPE, log);

            List<ShapeRun> runs = new ArrayList<>();
            for (Shape shape : SHAPES) {
                JsonNode plan =
                        plan(sample, run.size(), shape, "--profile", "all=" + profile().key());
                JsonNode measuredPlan = plan(sample, run.size(), shape);
                log.printf(
                        "plan: %s (%s): estimated %.1f s (bottleneck %s); running %,d"
                                + " questions%n",
                        shape.name(),
                        shape.option(),
                        plan.get("wallSeconds").asDouble(),
                        plan.get("bottleneck").asText(),
                        run.size());
                Path out = work.resolve("run-" + runs.size());
                Map<String, Double> busy = run(work, out, questions, shape, log);
                double measured =
                        SampleMeasurements.read(List.of(out), "RESULTS", null).wallSeconds();
                ShapeRun r =
                        new ShapeRun(
                                shape,
                                plan.get("wallSeconds").asDouble(),
                                measuredPlan.get("wallSeconds").asDouble(),
                                plan.get("bottleneck").asText(),
                                measured,
                                busy);
                log.printf(
                        "plan: %s: measured %.1f s, estimate / measured %.3f, busy %s%n",
                        shape.name(), measured, r.ratio(), busy);
                runs.add(r);
            }
            return outcome(run, runs);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static SimulationProfile profile() {
        return SimulationProfile.H100_8B;
    }

    /** {@code triad plan --json} on the sample for the shape (16 slots per replica). */
    private static JsonNode plan(Path sample, long questions, Shape shape, String... more)
            throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "plan",
                                sample.toString(),
                                "--json",
                                "--questions",
                                Long.toString(questions),
                                "--replicas",
                                shape.option(),
                                "--slots",
                                "all=" + profile().maxNumSeqs()));
        args.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                TriadCli.execute(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException(
                    "triad plan exited " + code + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@code triad run} of lm2 over the questions into {@code output}, each role on its own
     * simulated server of the shape's replicas; returns each role's busy fraction (running-seconds
     * ÷ (wall time × slots)).
     */
    private static Map<String, Double> run(
            Path work, Path output, List<Question> questions, Shape shape, PrintStream log)
            throws Exception {
        Path input = work.resolve(output.getFileName() + ".jsonl");
        List<String> lines = new ArrayList<>();
        for (Question q : questions) {
            lines.add(Json.mapper().writeValueAsString(q));
        }
        Files.write(input, lines);
        Map<Role, SimulatedServer> servers = new EnumMap<>(Role.class);
        try {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "run",
                                    "--input",
                                    input.toString(),
                                    "--output",
                                    output.toString(),
                                    "--strategies",
                                    "lm2"));
            for (Role role : Role.values()) {
                SimulatedServer server =
                        SimulatedServer.start(
                                ServerSettings.builder(profile())
                                        .host("127.0.0.1")
                                        .port(0)
                                        .replicas(shape.replicas().get(role))
                                        .seed(SEED)
                                        .questions(questions)
                                        .build());
                servers.put(role, server);
                args.add("--model");
                args.add(
                        role.key()
                                + "=openai:"
                                + server.baseUrls().stream()
                                        .map(Object::toString)
                                        .collect(Collectors.joining(","))
                                + "#"
                                + ServerSettings.DEFAULT_MODEL_NAME);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code =
                    TriadCli.execute(
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            args.toArray(String[]::new));
            if (code != 0) {
                throw new IllegalStateException(
                        "triad run exited " + code + ": " + out.toString(StandardCharsets.UTF_8));
            }
            double wall = SampleMeasurements.read(List.of(output), "RESULTS", null).wallSeconds();
            Map<String, Double> busy = new LinkedHashMap<>();
            for (Role role : Role.values()) {
                int replicas = shape.replicas().get(role);
                double seconds = 0;
                for (int i = 0; i < replicas; i++) {
                    seconds += servers.get(role).stats(i).runningSeconds();
                }
                busy.put(role.key(), seconds / (wall * replicas * profile().maxNumSeqs()));
            }
            return busy;
        } finally {
            for (SimulatedServer server : servers.values()) {
                server.close();
            }
        }
    }

    private Outcome outcome(Run run, List<ShapeRun> runs) {
        List<Check> checks = new ArrayList<>();
        double worst = 1;
        Map<String, Object> triad = new LinkedHashMap<>();
        Map<String, Object> baseline = new LinkedHashMap<>();
        List<Table.Row> rows = new ArrayList<>();
        for (ShapeRun r : runs) {
            String name = r.shape().name();
            checks.add(
                    Check.atMost(
                            name + ": |estimate / measured - 1|",
                            Math.abs(r.ratio() - 1),
                            TOLERANCE));
            checks.add(
                    new Check(
                            name + ": bottleneck " + r.bottleneck() + " is the busiest role",
                            r.bottleneck().equals(r.busiest()) ? 1 : 0,
                            ">=",
                            1,
                            r.bottleneck().equals(r.busiest())));
            if (Math.abs(r.ratio() - 1) > Math.abs(worst - 1)) {
                worst = r.ratio();
            }
            Map<String, Object> estimate = new LinkedHashMap<>();
            estimate.put("wallSeconds", r.estimatedSeconds());
            estimate.put("bottleneck", r.bottleneck());
            estimate.put("ratioToMeasured", r.ratio());
            estimate.put("wallSecondsFromMeasuredLatencies", r.measuredEstimateSeconds());
            estimate.put(
                    "ratioToMeasuredFromMeasuredLatencies",
                    r.measuredEstimateSeconds() / r.measuredSeconds());
            triad.put(name, estimate);
            Map<String, Object> measured = new LinkedHashMap<>();
            measured.put("wallSeconds", r.measuredSeconds());
            measured.put("busyFraction", r.busy());
            measured.put("busiest", r.busiest());
            baseline.put(name, measured);
            rows.add(
                    new Table.Row(
                            name + ": wall time (s)",
                            Table.number(r.estimatedSeconds()),
                            Table.number(r.measuredSeconds())));
            rows.add(new Table.Row(name + ": bottleneck", r.bottleneck(), r.busiest()));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", "lm2");
        settings.put("sampleQuestions", Math.min(SAMPLE_SIZE, run.size()));
        settings.put("sampleShape", SAMPLE_SHAPE.option());
        for (ShapeRun r : runs) {
            settings.put("shape " + r.shape().name(), r.shape().option());
        }
        settings.put("profile", profile().key());
        settings.put("slotsPerReplica", profile().maxNumSeqs());
        settings.put("parallelism", 2);
        settings.put("maxQuestionsInFlight", 1024);
        List<String> notes =
                List.of(
                        "SIMULATED fleet: one simulated server per role, 8b-h100 replicas"
                                + " (max-num-seqs 16, prefill 30 ms + 250 us per uncached token,"
                                + " 12 ms per output token, load factor 2.0) in this JVM on"
                                + " 127.0.0.1; replies from the oracle; no real model ran",
                        "estimate: triad plan SAMPLE --questions N --replicas SHAPE --slots all=16"
                                + " --profile all=8b-h100 (service time from the sample's tokens"
                                + " per call); wallSecondsFromMeasuredLatencies is the same"
                                + " without --profile (the sample's measured latencies, taken"
                                + " on the 1/1/1 fleet), for comparison, not checked: that sample"
                                + " keeps all its questions in flight, so its latencies hold the"
                                + " servers' queueing and the full-load slowdown, and the estimate"
                                + " from them is too long (measure a sample lightly loaded and"
                                + " give --load-factor, or use a profile)",
                        "measured: triad run (embedded MiniCluster, parallelism 2) of N questions"
                                + " on the shape, wall time from the first question's start to"
                                + " the last result (results' finishedAt - latencyMs);"
                                + " busyFraction: each role's running-seconds from its servers"
                                + " / (wall time x replicas x 16)");
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "triad plan's estimated wall time of lm2 over "
                                + String.format("%,d", run.size())
                                + " questions against runs measured on two simulated fleet"
                                + " shapes",
                        run.command(),
                        run.size(),
                        1,
                        worst,
                        "estimated ÷ measured wall time, on the shape farthest from 1",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "triad plan (estimate)",
                        "triad run (measured)",
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        return new Outcome(result, rows);
    }
}
