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
import java.util.function.UnaryOperator;

/**
 * {@code saturation}: {@code lm2} over generated questions through Triad's reasoning operator,
 * every role bound with the {@code openai:} client to a SIMULATED fleet of {@value
 * FleetRun#REPLICAS} {@code 8b-h100} replicas (max-num-seqs 16 each, in this JVM on 127.0.0.1),
 * once with the client's default concurrency limit ({@code limit=queue}) and once with the earlier
 * default ({@code limit=aimd}), side by side in one run. Measured from the server: the fleet's busy
 * fraction (running sequences ÷ max-num-seqs summed over the replicas) and the requests waiting at
 * each replica, sampled every {@value FleetRun#SAMPLE_MS} ms and averaged over the steady phase
 * ({@link FleetRun}: ramp-up and drain tail left out); from the caller: each call's latency, time
 * queued in the client included, against the service time of the same fleet unloaded.
 *
 * <p>Targets: busy fraction at least {@value #TARGET_BUSY}, mean waiting per replica at most
 * {@value #TARGET_WAITING_PER_SLOT} × its slots, call latency p50 at most {@value
 * #TARGET_LATENCY_FACTOR} × the unloaded service time, questions/s not below the earlier default's.
 */
public final class SaturationBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "saturation";

    /** Least busy fraction over the steady phase. */
    public static final double TARGET_BUSY = 0.95;

    /** Most requests waiting at a replica on average, per slot of the replica. */
    public static final double TARGET_WAITING_PER_SLOT = 0.5;

    /** Most call latency p50 (queued in the client included), × the unloaded service time. */
    public static final double TARGET_LATENCY_FACTOR = 2.0;

    /**
     * Least questions/s against the earlier default: "not below today's", less 2 % for the noise of
     * one shared machine.
     */
    public static final double TARGET_THROUGHPUT_RATIO = 0.98;

    /** Questions of the unloaded run that measures the service time. */
    static final long UNLOADED_SIZE = 16;

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
        return "lm2 through the openai: client against 4 simulated 8b-h100 replicas (max-num-seqs"
                + " 16), its default limit beside the earlier one: busy fraction and queues read"
                + " from the server, call latency against the unloaded service time";
    }

    @Override
    public String target() {
        return "busy fraction >= "
                + TARGET_BUSY
                + ", mean waiting per replica <= "
                + TARGET_WAITING_PER_SLOT
                + " x its slots, call latency p50 <= "
                + TARGET_LATENCY_FACTOR
                + " x the unloaded service time, questions/s >= "
                + TARGET_THROUGHPUT_RATIO
                + " x the earlier default's";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1).atLeast(MIN_SIZE, "questions for saturation");
    }

    /** One side's figures over the rounds. */
    private static final class Side {
        final String label;
        final UnaryOperator<OpenAiCompatibleBinding.Builder> binding;
        final List<Double> busy = new ArrayList<>();
        final List<Double> busyIntegrated = new ArrayList<>();
        final List<Double> waitingPerReplica = new ArrayList<>();
        final List<Double> callsPerSecond = new ArrayList<>();
        final List<Double> questionsPerSecond = new ArrayList<>();
        final List<Double> callP50 = new ArrayList<>();
        final List<Double> callP95 = new ArrayList<>();
        final List<Double> wireP50 = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();
        FleetRun.Measurement last;
        boolean steady = true;

        Side(String label, UnaryOperator<OpenAiCompatibleBinding.Builder> binding) {
            this.label = label;
            this.binding = binding;
        }

        void add(FleetRun.Measurement m) {
            busy.add(m.busyFraction());
            busyIntegrated.add(m.busyFractionIntegrated());
            waitingPerReplica.add(m.meanWaiting() / FleetRun.REPLICAS);
            callsPerSecond.add(m.steadyCallsPerSecond());
            questionsPerSecond.add(m.questionsPerSecond());
            callP50.add(m.callLatency().p50Millis());
            callP95.add(m.callLatency().percentileMillis(95));
            wireP50.add(m.latency().p50Millis());
            seconds.add(m.jobSeconds());
            steady &= m.window().steady();
            last = m;
        }

        Map<String, Object> figures(int slotsPerReplica) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("busyFraction", Figure.of("running / max-num-seqs", busy));
            out.put(
                    "busyFractionIntegrated",
                    Figure.of("running-seconds / (s x slots)", busyIntegrated));
            out.put("meanWaitingPerReplica", Figure.of("requests", waitingPerReplica));
            out.put("slotsPerReplica", slotsPerReplica);
            out.put("callLatencyP50Ms", Figure.of("ms (complete() to answer)", callP50));
            out.put("callLatencyP95Ms", Figure.of("ms (complete() to answer)", callP95));
            out.put("wireLatencyP50Ms", Figure.of("ms (sent to answer)", wireP50));
            out.put("steadyCallsPerSecond", Figure.of("calls/s", callsPerSecond));
            out.put("questionsPerSecond", Figure.of("questions/s", questionsPerSecond));
            out.put("seconds", Figure.of("s", seconds));
            out.put("results", last.results());
            out.put("notSolved", last.notSolved());
            out.put("calls", last.calls());
            out.put("callsPerQuestion", last.callsPerQuestion());
            out.put("clientFailures", last.clientFailures());
            out.put("clientLimitsAtEnd", last.clientLimits());
            out.put("server429", last.server().rateLimited());
            return out;
        }
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = FleetRun.questions(run.size());
        ServerSettings settings = FleetRun.fleet(questions).build();
        int slotsPerReplica = settings.maxNumSeqs();

        // The service time of a call on an idle fleet: a few questions, far fewer calls than slots.
        List<Question> few = questions.subList(0, (int) Math.min(questions.size(), UNLOADED_SIZE));
        FleetRun.Measurement idle = FleetRun.run(NAME + "-unloaded", few, settings, b -> b, log);
        double unloadedMs = idle.latency().p50Millis();
        log.printf(
                "%s: unloaded service time (p50 of %,d calls, %d questions): %.0f ms%n",
                NAME, idle.calls(), few.size(), unloadedMs);

        Side now = new Side("limit=queue (default)", b -> b);
        Side before =
                new Side(
                        "limit=aimd (the earlier default)",
                        b -> b.concurrencyLimit(OpenAiCompatibleBinding.ConcurrencyLimit.AIMD));
        for (int round = 1; round <= run.rounds(); round++) {
            for (Side side : List.of(before, now)) {
                FleetRun.Measurement m = FleetRun.run(NAME, questions, settings, side.binding, log);
                side.add(m);
                log.printf(
                        "%s: round %d/%d, %s: busy fraction %.3f over %.1f s of steady phase,"
                                + " %.1f waiting per replica, call p50 %.0f ms / p95 %.0f ms"
                                + " (on the wire p50 %.0f ms), %.2f questions/s%n",
                        NAME,
                        round,
                        run.rounds(),
                        side.label,
                        m.busyFraction(),
                        m.window().seconds(m.samples()),
                        m.meanWaiting() / FleetRun.REPLICAS,
                        m.callLatency().p50Millis(),
                        m.callLatency().percentileMillis(95),
                        m.latency().p50Millis(),
                        m.questionsPerSecond());
            }
        }
        double busy = Figure.median(now.busy);
        double waiting = Figure.median(now.waitingPerReplica);
        double p50 = Figure.median(now.callP50);
        double ratio =
                Figure.median(now.questionsPerSecond) / Figure.median(before.questionsPerSecond);
        List<Check> checks =
                List.of(
                        Check.atLeast("busy fraction", busy, TARGET_BUSY),
                        Check.atMost(
                                "mean waiting per replica",
                                waiting,
                                TARGET_WAITING_PER_SLOT * slotsPerReplica),
                        Check.atMost(
                                "call latency p50 (ms)", p50, TARGET_LATENCY_FACTOR * unloadedMs),
                        Check.atLeast(
                                "questions/s, new default ÷ earlier default",
                                ratio,
                                TARGET_THROUGHPUT_RATIO));

        Map<String, Object> triad = now.figures(slotsPerReplica);
        triad.put("unloadedServiceTimeMs", unloadedMs);
        Map<String, Object> baseline = before.figures(slotsPerReplica);
        boolean steady = now.steady && before.steady;
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
        settingsOut.put("baselineConcurrencyLimit", "aimd");
        settingsOut.put("clientInitialConcurrency", defaults.initialConcurrency());
        settingsOut.put("clientMaxConcurrency", defaults.maxConcurrency());
        settingsOut.put(
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(),
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue());
        settingsOut.put(
                ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(),
                ReasoningOptions.MAX_CALLS_IN_FLIGHT.defaultValue());
        settingsOut.put("unloadedQuestions", few.size());
        settingsOut.put("sampleMillis", FleetRun.SAMPLE_MS);
        settingsOut.put("warmUpMillis", FleetRun.WARM_UP_MS);
        settingsOut.put("drainFactor", FleetRun.DRAIN_FACTOR);

        List<String> notes = new ArrayList<>();
        notes.add(
                "SIMULATED fleet: 4 replicas of the 8b-h100 profile (max-num-seqs 16, inter-token"
                        + " 12 ms, prefill 30 ms + 250 us/token, load factor 2.0) in this JVM on"
                        + " 127.0.0.1; replies from the role-aware oracle; no real model ran");
        notes.add(
                "both sides in one run, each round the earlier default first, on a fresh fleet"
                        + " each: the openai: client at its defaults (limit=queue: each replica's"
                        + " limit steered by its running/waiting gauges) against the same with"
                        + " limit=aimd (the default before)");
        notes.add(
                "busyFraction: the mean, over samples every "
                        + FleetRun.SAMPLE_MS
                        + " ms in the steady phase, of the running sequences summed over the"
                        + " replicas (vllm:num_requests_running of their /metrics, read in-JVM)"
                        + " divided by 4 x 16; meanWaitingPerReplica: vllm:num_requests_waiting"
                        + " the same way, divided by the 4 replicas");
        notes.add(
                "callLatency: from the operator's complete() to the answer, time queued in the"
                        + " client included (what a question waits for each step);"
                        + " wireLatency: from sending to the answer; unloadedServiceTimeMs: the"
                        + " wire p50 of "
                        + few.size()
                        + " questions alone on the same fleet (far fewer calls than slots)");
        notes.add(
                "steady phase: from "
                        + FleetRun.WARM_UP_MS / 1000
                        + " s after the client first had 64 calls in flight (ramp-up left out)"
                        + " until fewer than "
                        + FleetRun.DRAIN_FACTOR
                        + " x 64 questions were unfinished (drain tail left out)");
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
                        "questions/s with limit=queue (default) ÷ with limit=aimd (earlier"
                                + " default)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "limit=queue (default)",
                        "limit=aimd (earlier default)",
                        triad,
                        baseline,
                        settingsOut,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("busy fraction", busy, Figure.median(before.busy)),
                        Table.row(
                                "waiting per replica (mean)",
                                waiting,
                                Figure.median(before.waitingPerReplica)),
                        Table.row("call latency p50 (ms)", p50, Figure.median(before.callP50)),
                        Table.row(
                                "call latency p95 (ms)",
                                Figure.median(now.callP95),
                                Figure.median(before.callP95)),
                        Table.row(
                                "on the wire p50 (ms)",
                                Figure.median(now.wireP50),
                                Figure.median(before.wireP50)),
                        new Table.Row("unloaded service time (ms)", Table.number(unloadedMs), "-"),
                        Table.row(
                                "questions/s",
                                Figure.median(now.questionsPerSecond),
                                Figure.median(before.questionsPerSecond)));
        return new Outcome(result, rows);
    }
}
