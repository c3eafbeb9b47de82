package dev.triad.benchmarks;

import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.ServerSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code saturation}: {@code lm2} over generated questions through Triad's reasoning operator,
 * every role bound with the {@code openai:} client at its defaults to a SIMULATED fleet of {@value
 * FleetRun#REPLICAS} {@code 8b-h100} replicas (max-num-seqs 16 each, in this JVM on 127.0.0.1).
 * Measured from the server: the fleet's busy fraction, running sequences ÷ max-num-seqs summed over
 * the replicas, sampled every {@value FleetRun#SAMPLE_MS} ms and averaged over the steady phase
 * ({@link FleetRun}: ramp-up and drain tail left out). The baseline is a fleet that is always full.
 *
 * <p>Target: busy fraction at least {@value #TARGET_BUSY}.
 */
public final class SaturationBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "saturation";

    /** Least busy fraction over the steady phase. */
    public static final double TARGET_BUSY = 0.95;

    /**
     * Questions when {@code --size} is not given: 5,000, about 13 minutes at the fleet's ~90
     * calls/s and lm2's ~14 calls per question ({@code --size 200} for a quick run).
     */
    public static final long DEFAULT_SIZE = 5_000;

    /**
     * Fewest questions accepted; a run too small for a steady phase reports the whole run and says
     * so in its notes.
     */
    public static final long MIN_SIZE = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "lm2 through the openai: client (defaults) against 4 simulated 8b-h100 replicas"
                + " (max-num-seqs 16); the fleet's busy fraction read from the server";
    }

    @Override
    public String target() {
        return "busy fraction (running / max-num-seqs, steady phase) >= " + TARGET_BUSY;
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1).atLeast(MIN_SIZE, "questions for saturation");
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = FleetRun.questions(run.size());
        ServerSettings settings = FleetRun.fleet(questions).build();
        List<Double> busy = new ArrayList<>();
        List<Double> busyIntegrated = new ArrayList<>();
        List<Double> waiting = new ArrayList<>();
        List<Double> callsPerSecond = new ArrayList<>();
        List<Double> questionsPerSecond = new ArrayList<>();
        List<Double> steadySeconds = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        FleetRun.Measurement last = null;
        boolean steady = true;
        for (int round = 1; round <= run.rounds(); round++) {
            FleetRun.Measurement m = FleetRun.run(NAME, questions, settings, b -> b, log);
            busy.add(m.busyFraction());
            busyIntegrated.add(m.busyFractionIntegrated());
            waiting.add(m.meanWaiting());
            callsPerSecond.add(m.steadyCallsPerSecond());
            questionsPerSecond.add(m.questionsPerSecond());
            steadySeconds.add(m.window().seconds(m.samples()));
            seconds.add(m.jobSeconds());
            steady &= m.window().steady();
            last = m;
            log.printf(
                    "%s: round %d/%d: busy fraction %.3f over %.1f s of steady phase (%.3f"
                            + " integrated), %.1f waiting, %.1f calls/s, %d results in %.1f s%n",
                    NAME,
                    round,
                    run.rounds(),
                    m.busyFraction(),
                    m.window().seconds(m.samples()),
                    m.busyFractionIntegrated(),
                    m.meanWaiting(),
                    m.steadyCallsPerSecond(),
                    m.results(),
                    m.jobSeconds());
        }
        Figure busyFigure = Figure.of("running / max-num-seqs", busy);
        double ratio = busyFigure.median();
        List<Check> checks = List.of(Check.atLeast("busy fraction", ratio, TARGET_BUSY));

        Map<String, Object> triad = new LinkedHashMap<>();
        triad.put("busyFraction", busyFigure);
        triad.put(
                "busyFractionIntegrated",
                Figure.of("running-seconds / (s x slots)", busyIntegrated));
        triad.put("meanWaitingOnServer", Figure.of("requests", waiting));
        triad.put("steadyCallsPerSecond", Figure.of("calls/s", callsPerSecond));
        triad.put("questionsPerSecond", Figure.of("questions/s", questionsPerSecond));
        triad.put("steadySeconds", Figure.of("s", steadySeconds));
        triad.put("seconds", Figure.of("s", seconds));
        triad.put("results", last.results());
        triad.put("notSolved", last.notSolved());
        triad.put("calls", last.calls());
        triad.put("callsPerQuestion", last.callsPerQuestion());
        triad.put("latencyP50Ms", last.latency().p50Millis());
        triad.put("latencyP99Ms", last.latency().percentileMillis(99));
        triad.put("clientFailures", last.clientFailures());
        triad.put("clientLimitsAtEnd", last.clientLimits());
        triad.put("serverRequests", last.server().requests());
        triad.put("server429", last.server().rateLimited());
        triad.put("clientsOpened", last.clientLimits().size() / FleetRun.REPLICAS);

        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("busyFraction", 1.0);
        baseline.put("slots", last.slots());

        OpenAiCompatibleBinding defaults =
                OpenAiCompatibleBinding.builder().baseUrls("http://x/v1").build();
        Map<String, Object> settingsOut = new LinkedHashMap<>();
        settingsOut.put("strategy", Lm2Strategy.NAME);
        settingsOut.put("parallelism", FleetRun.PARALLELISM);
        settingsOut.put("fleet", settings.describe());
        settingsOut.put("replicas", settings.replicas());
        settingsOut.put("maxNumSeqs", settings.maxNumSeqs());
        settingsOut.put(
                "binding",
                "openai:<4 replicas>#" + ServerSettings.DEFAULT_MODEL_NAME + " (all defaults)");
        settingsOut.put("clientRouting", defaults.routing().key());
        settingsOut.put("clientConcurrencyLimit", defaults.concurrencyLimit().key());
        settingsOut.put("clientInitialConcurrency", defaults.initialConcurrency());
        settingsOut.put("clientMaxConcurrency", defaults.maxConcurrency());
        settingsOut.put(
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(),
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue());
        settingsOut.put(
                ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(),
                ReasoningOptions.MAX_CALLS_IN_FLIGHT.defaultValue());
        settingsOut.put("sampleMillis", FleetRun.SAMPLE_MS);
        settingsOut.put("warmUpMillis", FleetRun.WARM_UP_MS);
        settingsOut.put("drainFactor", FleetRun.DRAIN_FACTOR);

        List<String> notes = new ArrayList<>();
        notes.add(
                "SIMULATED fleet: 4 replicas of the 8b-h100 profile (max-num-seqs 16, inter-token"
                        + " 12 ms, prefill 30 ms + 250 us/token, load factor 2.0) in this JVM on"
                        + " 127.0.0.1; replies from the role-aware oracle; no real model ran");
        notes.add(
                "busyFraction: the mean, over samples every "
                        + FleetRun.SAMPLE_MS
                        + " ms in the steady phase, of the running sequences summed over the"
                        + " replicas (vllm:num_requests_running of their /metrics, read in-JVM)"
                        + " divided by 4 x 16; busyFractionIntegrated: the same from the server's"
                        + " running-seconds counter (triad_sim_running_seconds_total)");
        notes.add(
                "steady phase: from "
                        + FleetRun.WARM_UP_MS / 1000
                        + " s after the client first had 64 calls in flight (ramp-up left out)"
                        + " until fewer than "
                        + FleetRun.DRAIN_FACTOR
                        + " x 64 questions were unfinished (drain tail left out: lm2 makes one"
                        + " call at a time per question, so fewer questions than slots cannot fill"
                        + " the fleet); both bounds come from the demand, not from the running"
                        + " count");
        notes.add(
                "the client runs at its defaults: one openai: client per role per subtask, each"
                        + " with an AIMD limit starting at 32 calls per replica (above"
                        + " max-num-seqs 16), so the replicas' waiting queues, not the client,"
                        + " hold the surplus");
        notes.add(
                "the fleet completes about 90 calls/s (64 slots / ~0.7 s per call) and lm2"
                        + " makes ~14 calls per question, so 5,000 questions take about 13"
                        + " minutes; the busy fraction is a steady-phase average and does not"
                        + " depend on the size once there is a steady phase");
        if (!steady) {
            notes.add(
                    "this size is too small for a steady phase: the figures cover the whole run"
                            + " from the first call to the last result, ramp-up and drain"
                            + " included");
        }

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 over "
                                + String.format("%,d", run.size())
                                + " generated questions, every role on 4 simulated 8b-h100"
                                + " replicas through the openai: client",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "busy fraction of the fleet ÷ a fleet that is always full (1.0)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad lm2",
                        "always full",
                        triad,
                        baseline,
                        settingsOut,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("busy fraction", busyFigure.median(), 1.0),
                        new Table.Row(
                                "busy fraction (integrated)",
                                Table.number(Figure.median(busyIntegrated)),
                                "-"),
                        new Table.Row(
                                "waiting on the replicas (mean)",
                                Table.number(Figure.median(waiting)),
                                "-"),
                        new Table.Row(
                                "calls/s (steady phase)",
                                Table.number(Figure.median(callsPerSecond)),
                                "-"),
                        new Table.Row(
                                "questions/s (whole run)",
                                Table.number(Figure.median(questionsPerSecond)),
                                "-"));
        return new Outcome(result, rows);
    }
}
