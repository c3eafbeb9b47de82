package dev.triad.benchmarks;

import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ServerSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code hung}: {@code lm2} over generated questions through Triad's reasoning operator, every role
 * bound with the {@code openai:} client (its defaults: hedging on) to a SIMULATED fleet of {@value
 * #REPLICAS} {@code 8b-h100} replicas, once with {@value #FAULT_RATE} of the requests faulted
 * (every kind the client sees as a failure, hangs included) and once without faults, side by side
 * in one run (the order alternates by round), each on a fresh fleet.
 *
 * <p>Target: the faulted run takes at most {@value #TARGET_FACTOR} × the time of the run without
 * faults, and every question ends with a status (a result for each, in both runs).
 */
public final class HungCallBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "hung";

    /** Replicas of the fleet. */
    public static final int REPLICAS = 2;

    /** Share of requests the server faults in the faulted run. */
    public static final double FAULT_RATE = 0.2;

    /** Most wall time of the faulted run ÷ the run without faults. */
    public static final double TARGET_FACTOR = 2.0;

    /** Questions when {@code --size} is not given (the issue's 200; about 4 minutes a round). */
    public static final long DEFAULT_SIZE = 200;

    /** Fewest questions accepted. */
    public static final long MIN_SIZE = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "lm2 through the openai: client against 2 simulated 8b-h100 replicas with "
                + FAULT_RATE
                + " of the requests faulted (hangs included) vs without faults: wall time and"
                + " a status for every question";
    }

    @Override
    public String target() {
        return "faulted run's wall time <= "
                + TARGET_FACTOR
                + " x the run without faults, every question with a status";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1).atLeast(MIN_SIZE, "questions for hung");
    }

    /** One side's figures over the rounds. */
    private static final class Side {
        final String label;
        final double faultRate;
        final Set<FaultType> faults;
        final List<Double> seconds = new ArrayList<>();
        final List<Double> callP50 = new ArrayList<>();
        final List<Double> callP99 = new ArrayList<>();
        final List<Double> callMax = new ArrayList<>();
        long leastResults = Long.MAX_VALUE;
        FleetRun.Measurement last;

        Side(String label, double faultRate, Set<FaultType> faults) {
            this.label = label;
            this.faultRate = faultRate;
            this.faults = faults;
        }

        void add(FleetRun.Measurement m) {
            seconds.add(m.jobSeconds());
            callP50.add(m.callLatency().p50Millis());
            callP99.add(m.callLatency().percentileMillis(99));
            callMax.add(m.callLatency().percentileMillis(100));
            leastResults = Math.min(leastResults, m.results());
            last = m;
        }

        Map<String, Object> figures() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("faultRate", faultRate);
            out.put(
                    "faults",
                    faults.stream().map(FaultType::wireName).collect(Collectors.toList()));
            out.put("seconds", Figure.of("s (job wall time)", seconds));
            out.put("callLatencyP50Ms", Figure.of("ms (complete() to answer)", callP50));
            out.put("callLatencyP99Ms", Figure.of("ms (complete() to answer)", callP99));
            out.put("callLatencyMaxMs", Figure.of("ms (complete() to answer)", callMax));
            out.put("leastResults", leastResults);
            out.put("notSolved", last.notSolved());
            out.put("calls", last.calls());
            out.put("clientFailures", last.clientFailures());
            out.put("serverRequests", last.server().requests());
            out.put("serverOk", last.server().ok());
            return out;
        }
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = FleetRun.questions(run.size());
        Side faulted = new Side("fault-rate " + FAULT_RATE, FAULT_RATE, FaultType.all());
        Side clean = new Side("no faults", 0, FaultType.all());
        // The same rate of faults without the two that end a question FAILED at once (400, 401):
        // every question then does all its calls, so the cost of hangs and retries shows alone.
        Set<FaultType> retriable = EnumSet.copyOf(FaultType.all());
        retriable.removeAll(EnumSet.of(FaultType.UNAUTHORIZED, FaultType.CONTEXT_LENGTH));
        Side retriedOnly =
                new Side("fault-rate " + FAULT_RATE + ", retriable kinds", FAULT_RATE, retriable);
        for (int round = 1; round <= run.rounds(); round++) {
            List<Side> order =
                    round % 2 == 1
                            ? List.of(clean, faulted, retriedOnly)
                            : List.of(retriedOnly, faulted, clean);
            for (Side side : order) {
                FleetRun.Measurement m =
                        FleetRun.run(
                                NAME + " " + side.label,
                                questions,
                                fleet(questions, side),
                                b -> b,
                                log);
                side.add(m);
                log.printf(
                        "%s: round %d/%d, %s: %.1f s, %,d of %,d questions with a status (%,d not"
                                + " solved), call p50 %.0f ms / p99 %.0f ms / max %.0f ms%n",
                        NAME,
                        round,
                        run.rounds(),
                        side.label,
                        m.jobSeconds(),
                        m.results(),
                        run.size(),
                        m.notSolved(),
                        m.callLatency().p50Millis(),
                        m.callLatency().percentileMillis(99),
                        m.callLatency().percentileMillis(100));
            }
        }
        double factor = Figure.median(faulted.seconds) / Figure.median(clean.seconds);
        double retriedFactor = Figure.median(retriedOnly.seconds) / Figure.median(clean.seconds);
        List<Check> checks =
                List.of(
                        Check.atMost("wall time, faulted ÷ without faults", factor, TARGET_FACTOR),
                        Check.atLeast(
                                "questions with a status, faulted run",
                                faulted.leastResults,
                                run.size()),
                        Check.atLeast(
                                "questions with a status, run without faults",
                                clean.leastResults,
                                run.size()),
                        Check.atMost(
                                "wall time, retriable faults only ÷ without faults",
                                retriedFactor,
                                TARGET_FACTOR),
                        Check.atLeast(
                                "questions with a status, retriable faults only",
                                retriedOnly.leastResults,
                                run.size()));

        OpenAiCompatibleBinding defaults =
                OpenAiCompatibleBinding.builder().baseUrls("http://x/v1", "http://y/v1").build();
        Map<String, Object> settingsOut = new LinkedHashMap<>();
        settingsOut.put("strategy", Lm2Strategy.NAME);
        settingsOut.put("parallelism", FleetRun.PARALLELISM);
        settingsOut.put("fleet", fleet(questions, faulted).describe());
        settingsOut.put(
                "faults",
                FaultType.all().stream().map(FaultType::wireName).collect(Collectors.toList()));
        settingsOut.put(
                "binding",
                "openai:<2 replicas>#" + ServerSettings.DEFAULT_MODEL_NAME + " (all defaults)");
        settingsOut.put("hedge", defaults.hedge());
        settingsOut.put("hedgeFactor", defaults.hedgeFactor());
        settingsOut.put("hedgeFloorMs", defaults.hedgeFloor().toMillis());
        settingsOut.put("hedgeRatio", defaults.hedgeRatio());
        settingsOut.put("callTimeoutMs", defaults.callTimeout().toMillis());

        List<String> notes = new ArrayList<>();
        notes.add(
                "SIMULATED fleet: 2 replicas of the 8b-h100 profile in this JVM on 127.0.0.1;"
                        + " replies from the role-aware oracle; no real model ran");
        notes.add(
                "both sides in one run on a fresh fleet each, the order alternating by round;"
                        + " the faulted side's server answers "
                        + FAULT_RATE
                        + " of the requests with a fault drawn from every kind the client sees as"
                        + " a failure (429, 500, 503, 401, 400, hang, reset, malformed, truncated,"
                        + " empty); a hang never answers");
        notes.add(
                "retriableKindsOnly (inside the faulted side's figures): a third run at the same"
                        + " fault rate without the 400 and 401 faults, so that no question ends"
                        + " early and the run makes all its calls; it must meet the same target");
        notes.add(
                "a question whose call got a 400 or 401 fault ends FAILED for its own reason"
                        + " (not retried): it has a status; notSolved counts those with the"
                        + " UNSOLVED ones");

        Map<String, Object> faultedFigures = faulted.figures();
        faultedFigures.put("retriableKindsOnly", retriedOnly.figures());
        faultedFigures.put("retriableKindsOnlyFactor", retriedFactor);
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 over "
                                + String.format("%,d", run.size())
                                + " generated questions, every role on 2 simulated 8b-h100"
                                + " replicas through the openai: client, with and without"
                                + " faults",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        factor,
                        "job wall time with fault-rate " + FAULT_RATE + " ÷ without faults",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        faulted.label,
                        clean.label,
                        faultedFigures,
                        clean.figures(),
                        settingsOut,
                        notes,
                        Machine.current());

        List<Table.Row> rows =
                List.of(
                        Table.row(
                                "wall time (s)",
                                Figure.median(faulted.seconds),
                                Figure.median(clean.seconds)),
                        Table.row(
                                "questions with a status",
                                faulted.leastResults,
                                clean.leastResults),
                        new Table.Row(
                                "retriable kinds only: wall time (s), ÷ no faults",
                                Table.number(Figure.median(retriedOnly.seconds)),
                                Table.number(retriedFactor)),
                        Table.row(
                                "call latency p50 (ms)",
                                Figure.median(faulted.callP50),
                                Figure.median(clean.callP50)),
                        Table.row(
                                "call latency p99 (ms)",
                                Figure.median(faulted.callP99),
                                Figure.median(clean.callP99)),
                        Table.row(
                                "call latency max (ms)",
                                Figure.median(faulted.callMax),
                                Figure.median(clean.callMax)));
        return new Outcome(result, rows);
    }

    private static ServerSettings fleet(List<Question> questions, Side side) {
        return FleetRun.fleet(questions)
                .replicas(REPLICAS)
                .faultRate(side.faultRate)
                .faults(side.faults)
                .build();
    }
}
