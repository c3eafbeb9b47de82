package dev.triad.benchmarks;

import dev.triad.model.openai.Routing;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.ServerSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prefix}: {@code lm2} over generated questions against {@value FleetRun#REPLICAS} SIMULATED
 * {@code 8b-h100} replicas with their prefix caches on, every role bound through the {@code
 * openai:} client with {@code stream=true}; Triad's prefix-affinity routing (all calls of a
 * question to one replica) against round robin, side by side in one run: the sides alternate
 * (affinity first in odd rounds, last in even ones), each run on a fresh fleet (empty caches).
 *
 * <p>Measured: calls completed per second in the steady phase ({@link FleetRun}), questions per
 * second over the whole run, the clients' median time to first token, and from the server the
 * prefix-cache hit rate and what share of a call's service time prefill is under the profile.
 *
 * <p>Targets: affinity's calls/s at least {@value #TARGET_RATIO} × round robin's, and a lower
 * median time to first token.
 */
public final class PrefixBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "prefix";

    /** Least affinity ÷ round-robin calls/s. */
    public static final double TARGET_RATIO = 1.5;

    /**
     * Questions per side and round when {@code --size} is not given: 4 runs of 600 take about 8
     * minutes (5,000 per side would take about 26 minutes per round).
     */
    public static final long DEFAULT_SIZE = 600;

    /** Rounds when {@code --rounds} is not given: each side once first, once last. */
    public static final int DEFAULT_ROUNDS = 2;

    /** Fewest questions per side. */
    public static final long MIN_SIZE = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "lm2 against 4 simulated 8b-h100 replicas with prefix caches, streaming: prefix"
                + " affinity routing vs round robin; calls/s and median time to first token";
    }

    @Override
    public String target() {
        return "affinity calls/s >= "
                + TARGET_RATIO
                + " x round robin's, and a lower median time to first token";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS).atLeast(MIN_SIZE, "questions for prefix");
    }

    /** One side's figures over the rounds. */
    private static final class Side {
        final Routing routing;
        final List<Double> callsPerSecond = new ArrayList<>();
        final List<Double> questionsPerSecond = new ArrayList<>();
        final List<Double> ttftP50 = new ArrayList<>();
        final List<Double> ttftP90 = new ArrayList<>();
        final List<Double> latencyP50 = new ArrayList<>();
        final List<Double> serverPrefillMs = new ArrayList<>();
        final List<Double> hitRate = new ArrayList<>();
        final List<Double> busy = new ArrayList<>();
        final List<Double> prefillShare = new ArrayList<>();
        final List<Double> serviceMs = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();
        FleetRun.Measurement last;
        boolean steady = true;

        Side(Routing routing) {
            this.routing = routing;
        }

        void add(FleetRun.Measurement m, ServerSettings s) {
            callsPerSecond.add(m.steadyCallsPerSecond());
            questionsPerSecond.add(m.questionsPerSecond());
            ttftP50.add(m.timeToFirstToken().p50Millis());
            ttftP90.add(m.timeToFirstToken().percentileMillis(90));
            latencyP50.add(m.latency().p50Millis());
            serverPrefillMs.add(m.server().meanPrefillMs());
            FleetRun.ServerTotals t = m.server();
            hitRate.add(
                    t.prefixQueryTokens() == 0
                            ? 0
                            : (double) t.prefixHitTokens() / t.prefixQueryTokens());
            busy.add(m.busyFraction());
            double[] model = serviceModel(t, s);
            prefillShare.add(model[0] / (model[0] + model[1]));
            serviceMs.add(model[0] + model[1]);
            seconds.add(m.jobSeconds());
            steady &= m.window().steady();
            last = m;
        }

        Map<String, Object> figures() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("steadyCallsPerSecond", Figure.of("calls/s", callsPerSecond));
            out.put("questionsPerSecond", Figure.of("questions/s", questionsPerSecond));
            out.put("timeToFirstTokenP50Ms", Figure.of("ms", ttftP50));
            out.put("timeToFirstTokenP90Ms", Figure.of("ms", ttftP90));
            out.put("latencyP50Ms", Figure.of("ms", latencyP50));
            out.put(
                    "serverMeanTimeToFirstTokenMs",
                    Figure.of("ms (prefill, no queue)", serverPrefillMs));
            out.put("prefixCacheHitRate", Figure.of("hit tokens / prompt tokens", hitRate));
            out.put("busyFraction", Figure.of("running / max-num-seqs", busy));
            out.put("prefillShareOfServiceTime", Figure.of("fraction", prefillShare));
            out.put("modelServiceMsPerCall", Figure.of("ms (unloaded)", serviceMs));
            out.put("seconds", Figure.of("s", seconds));
            out.put("results", last.results());
            out.put("notSolved", last.notSolved());
            out.put("calls", last.calls());
            out.put("streamedCalls", last.streamed());
            out.put("callsPerQuestion", last.callsPerQuestion());
            out.put("promptTokensPerCall", perCall(last.server().promptTokens(), last));
            out.put("cachedTokensPerCall", perCall(last.server().prefixHitTokens(), last));
            out.put("completionTokensPerCall", perCall(last.server().generationTokens(), last));
            out.put("clientFailures", last.clientFailures());
            out.put("server429", last.server().rateLimited());
            return out;
        }
    }

    private static double perCall(long tokens, FleetRun.Measurement m) {
        return m.server().ok() == 0 ? 0 : (double) tokens / m.server().ok();
    }

    /**
     * The profile's service time of a mean call, without the load slowdown (which multiplies both
     * parts alike): {prefill ms, decode ms}, from the server's token counters.
     */
    static double[] serviceModel(FleetRun.ServerTotals t, ServerSettings s) {
        double calls = Math.max(1, t.ok());
        double uncached = (t.promptTokens() - t.prefixHitTokens()) / calls;
        double prefill = s.prefillOverheadMs() + uncached * s.prefillPerTokenUs() / 1000.0;
        double decode = Math.max(0, t.generationTokens() / calls - 1) * s.interTokenMs();
        return new double[] {prefill, decode};
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = FleetRun.questions(run.size());
        ServerSettings settings = FleetRun.fleet(questions).prefixCache(true).build();
        Side affinity = new Side(Routing.AFFINITY);
        Side roundRobin = new Side(Routing.ROUND_ROBIN);
        List<Double> roundRatios = new ArrayList<>();
        for (int round = 1; round <= run.rounds(); round++) {
            List<Side> order =
                    round % 2 == 1 ? List.of(affinity, roundRobin) : List.of(roundRobin, affinity);
            double[] cps = new double[2];
            for (Side side : order) {
                FleetRun.Measurement m =
                        FleetRun.run(
                                side.routing.key(),
                                questions,
                                settings,
                                b -> b.routing(side.routing).stream(true),
                                log);
                side.add(m, settings);
                cps[side == affinity ? 0 : 1] = m.steadyCallsPerSecond();
                log.printf(
                        "%s: round %d/%d, %s: %.1f calls/s (steady), p50 time to first token"
                                + " %.0f ms, prefix hit rate %.3f, %d results in %.1f s%n",
                        NAME,
                        round,
                        run.rounds(),
                        side.routing.key(),
                        m.steadyCallsPerSecond(),
                        m.timeToFirstToken().p50Millis(),
                        side.hitRate.get(side.hitRate.size() - 1),
                        m.results(),
                        m.jobSeconds());
            }
            roundRatios.add(cps[1] == 0 ? 0 : cps[0] / cps[1]);
        }
        double affCps = Figure.median(affinity.callsPerSecond);
        double rrCps = Figure.median(roundRobin.callsPerSecond);
        double ratio = rrCps == 0 ? 0 : affCps / rrCps;
        double affTtft = Figure.median(affinity.ttftP50);
        double rrTtft = Figure.median(roundRobin.ttftP50);
        List<Check> checks =
                List.of(
                        Check.atLeast("calls/s ratio", ratio, TARGET_RATIO),
                        Check.below(
                                "p50 time to first token, affinity / round robin",
                                rrTtft == 0 ? 0 : affTtft / rrTtft,
                                1.0));

        // What the profile allows: the service time saved is the prefill of the tokens affinity
        // found cached; with every slot busy, throughput goes as 1 / service time.
        double affService = Figure.median(affinity.serviceMs);
        double rrService = Figure.median(roundRobin.serviceMs);
        double bound = affService == 0 ? 0 : rrService / affService;

        Map<String, Object> settingsOut = new LinkedHashMap<>();
        settingsOut.put("strategy", Lm2Strategy.NAME);
        settingsOut.put("parallelism", FleetRun.PARALLELISM);
        settingsOut.put("fleet", settings.describe());
        settingsOut.put("prefixCacheBlocksPerReplica", settings.prefixCacheBlocks());
        settingsOut.put(
                "binding",
                "openai:<4 replicas>#"
                        + ServerSettings.DEFAULT_MODEL_NAME
                        + "?stream=true&routing=affinity|round-robin (other options at their defaults)");
        settingsOut.put(
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(),
                ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue());
        settingsOut.put("sampleMillis", FleetRun.SAMPLE_MS);
        settingsOut.put("warmUpMillis", FleetRun.WARM_UP_MS);
        settingsOut.put("drainFactor", FleetRun.DRAIN_FACTOR);
        settingsOut.put("roundRatios", roundRatios);
        settingsOut.put("profileBoundOnRatio", bound);

        List<String> notes = new ArrayList<>();
        notes.add(
                "SIMULATED fleet: 4 replicas of the 8b-h100 profile (max-num-seqs 16, inter-token"
                        + " 12 ms, prefill 30 ms + 250 us per uncached prompt token, load factor"
                        + " 2.0, prefix cache of 16-token blocks) in this JVM on 127.0.0.1; replies"
                        + " from the role-aware oracle; no real model ran");
        notes.add(
                "the sides alternate (affinity first in odd rounds), each run on a fresh fleet with"
                        + " empty prefix caches; both stream (stream=true) so the clients record"
                        + " the time to first token: from sending a request to its first chunk,"
                        + " waiting in the replica's queue included (the client at its defaults"
                        + " lets the replicas' queues hold the surplus, so this is mostly queueing);"
                        + " serverMeanTimeToFirstTokenMs is the replicas' own simulated one"
                        + " (prefill with the load slowdown, no queue), from their /metrics");
        notes.add(
                "calls/s: completions per second in the steady phase (from 5 s after the client"
                        + " first had 64 calls in flight until fewer than 2 x 64 questions were"
                        + " unfinished); both sides make the same calls (same questions, seed and"
                        + " oracle), so calls/s and questions/s move together");
        notes.add(
                String.format(
                        Locale.ROOT,
                        "why the ratio is what it is: under this profile prefill is %.0f%% of a"
                                + " round-robin call's service time and %.0f%% of an affinity"
                                + " call's (modelServiceMsPerCall: 30 ms + 0.25 ms per uncached"
                                + " prompt token, then 12 ms per further output token); with"
                                + " every slot busy, throughput goes as 1 / service time, so"
                                + " the most affinity can gain is %.2f x (profileBoundOnRatio)."
                                + " Round robin also hits the cache for the prompt templates,"
                                + " which every replica soon holds (hit rate %.2f vs %.2f)",
                        100 * Figure.median(roundRobin.prefillShare),
                        100 * Figure.median(affinity.prefillShare),
                        bound,
                        Figure.median(roundRobin.hitRate),
                        Figure.median(affinity.hitRate)));
        notes.add(
                "default size 600 questions per side and 2 rounds (4 runs, about 8 minutes), not"
                        + " 5,000: each run of 5,000 lm2 questions takes about 13 minutes at the"
                        + " fleet's ~90 calls/s");
        if (!affinity.steady || !roundRobin.steady) {
            notes.add(
                    "this size is too small for a steady phase: calls/s covers the whole run from"
                            + " the first call to the last result, ramp-up and drain included");
        }

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 over "
                                + String.format("%,d", run.size())
                                + " generated questions per side, 4 simulated 8b-h100 replicas"
                                + " with prefix caches, streaming: affinity vs round robin",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "steady-phase calls/s, affinity ÷ round robin",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad affinity",
                        "round robin",
                        affinity.figures(),
                        roundRobin.figures(),
                        settingsOut,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("calls/s (steady phase)", affCps, rrCps),
                        Table.row(
                                "questions/s (whole run)",
                                Figure.median(affinity.questionsPerSecond),
                                Figure.median(roundRobin.questionsPerSecond)),
                        Table.row("p50 time to first token (ms)", affTtft, rrTtft),
                        Table.row(
                                "server mean prefill (ms)",
                                Figure.median(affinity.serverPrefillMs),
                                Figure.median(roundRobin.serverPrefillMs)),
                        Table.row(
                                "prefix cache hit rate",
                                Figure.median(affinity.hitRate),
                                Figure.median(roundRobin.hitRate)),
                        Table.row(
                                "prefill share of service time",
                                Figure.median(affinity.prefillShare),
                                Figure.median(roundRobin.prefillShare)),
                        Table.row(
                                "busy fraction",
                                Figure.median(affinity.busy),
                                Figure.median(roundRobin.busy)));
        return new Outcome(result, rows);
    }
}
