package dev.triad.benchmarks;

import dev.triad.model.openai.Routing;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.simulator.PassageGenerator;
import dev.triad.simulator.SimulationProfile;
import dev.triad.simulator.server.ServerSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prefix}: {@code lm2} against {@value FleetRun#REPLICAS} SIMULATED {@code 8b-h100} replicas
 * with their prefix caches on, every role bound through the {@code openai:} client with {@code
 * stream=true}; Triad's prefix-affinity routing (all calls of a question to one replica) against
 * round robin, side by side: the sides alternate (affinity first in odd rounds, last in even ones),
 * each run on a fresh fleet (empty caches). Two workloads ({@code --workload}):
 *
 * <ul>
 *   <li>{@value #LONG}: every question carries its own passage of 2,000–4,000 tokens ({@link
 *       PassageGenerator}), so every call of a question starts, after its role's template, with
 *       that passage (the prompt set {@value #PASSAGE_FIRST_PROMPTS} puts the question before each
 *       role's instructions); at most {@value #LONG_QUESTIONS_IN_FLIGHT} questions in flight, so
 *       the live contexts are about three times what one replica's cache holds and fit in four;
 *   <li>{@value #SHORT}: the generated problems (150–500 characters) at the operator's default
 *       questions in flight, where the shared prompt templates are most of every prompt.
 * </ul>
 *
 * <p>Measured per workload: calls completed per second in the steady phase ({@link FleetRun}), the
 * clients' median time to first token, prompt lengths, the cache's size against the live contexts,
 * and from the server the prefix-cache hit rate and prefill's share of a call's service time under
 * the profile.
 *
 * <p>Targets: long context, affinity's calls/s at least {@value #LONG_TARGET_RATIO} × round robin's
 * and its median time to first token at most {@value #LONG_TARGET_TTFT_RATIO} × round robin's;
 * short prompts, affinity's calls/s at least {@value #SHORT_TARGET_RATIO} × round robin's (no
 * regression).
 */
public final class PrefixBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "prefix";

    /** {@code --workload}: questions with a long passage each. */
    public static final String LONG = "long";

    /** {@code --workload}: the short generated problems. */
    public static final String SHORT = "short";

    /** {@code --workload}: {@value #LONG}, then {@value #SHORT} (the default). */
    public static final String BOTH = "both";

    /** Long context: least affinity ÷ round-robin calls/s. */
    public static final double LONG_TARGET_RATIO = 1.5;

    /** Long context: most affinity ÷ round-robin median time to first token. */
    public static final double LONG_TARGET_TTFT_RATIO = 0.5;

    /** Short prompts: least affinity ÷ round-robin calls/s (no regression). */
    public static final double SHORT_TARGET_RATIO = 0.98;

    /**
     * Long context: questions in the reasoning operator at once, four times the fleet's 64 slots.
     * Their passages are about three times what one replica's cache holds (so round robin, which
     * brings every question to every replica, cannot keep them) and fit in the four caches together
     * (so affinity, which gives each replica a quarter of them, can).
     */
    public static final int LONG_QUESTIONS_IN_FLIGHT = 256;

    /** Long context: prefix cache blocks per replica, the profile's own. */
    public static final int LONG_CACHE_BLOCKS = SimulationProfile.PREFIX_CACHE_BLOCKS;

    /**
     * Prompt prefixes a question keeps live under the built-in prompts: its text behind the
     * decomposer's, the solver's and the verifier's instructions (lm2's one-off calls, the concepts
     * and the final answer, aside). Under {@value #PASSAGE_FIRST_PROMPTS} every call of a question
     * starts with its text: one prefix.
     */
    static final int BUILT_IN_CHAINS_PER_QUESTION = 3;

    /** The long-context workload's prompt set, from the repository root. */
    static final String PASSAGE_FIRST_PROMPTS = "examples/prompts/passage-first";

    /** Tokens per cache block (vLLM's default, as the simulated server's prefix cache). */
    static final int BLOCK_TOKENS = 16;

    /**
     * Questions per side, round and workload when {@code --size} is not given: both workloads, 2
     * rounds each, take about 11 minutes on 2 cores.
     */
    public static final long DEFAULT_SIZE = 300;

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
                + " affinity routing vs round robin on long-context questions (a 2-4k-token"
                + " passage each) and on short ones (--workload long|short|both); calls/s, time"
                + " to first token, prefix cache hit rates";
    }

    @Override
    public String target() {
        return "long context: affinity calls/s >= "
                + LONG_TARGET_RATIO
                + " x round robin's and p50 time to first token <= "
                + LONG_TARGET_TTFT_RATIO
                + " x round robin's; short prompts: affinity calls/s >= "
                + SHORT_TARGET_RATIO
                + " x round robin's";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS).atLeast(MIN_SIZE, "questions for prefix");
    }

    @Override
    public List<String> workloads() {
        return List.of(BOTH, LONG, SHORT);
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
            out.put("promptTokensP50", last.promptTokensPercentile(50));
            out.put("promptTokensP95", last.promptTokensPercentile(95));
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
        List<String> keys =
                run.workload().equals(BOTH) ? List.of(LONG, SHORT) : List.of(run.workload());
        Map<String, Object> triad = new LinkedHashMap<>();
        Map<String, Object> baseline = new LinkedHashMap<>();
        Map<String, Object> perWorkload = new LinkedHashMap<>();
        List<Check> checks = new ArrayList<>();
        List<Table.Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double headline = 0;
        for (String key : keys) {
            Workload workload = workload(key, run.size());
            Measured m = measure(workload, run, log);
            triad.put(key, m.affinity.figures());
            baseline.put(key, m.roundRobin.figures());
            perWorkload.put(key, m.summary());
            checks.addAll(m.checks);
            rows.addAll(m.rows());
            notes.add(m.why());
            if (key.equals(keys.get(0))) {
                headline = m.ratio();
            }
        }

        Map<String, Object> settingsOut = new LinkedHashMap<>();
        settingsOut.put("strategy", Lm2Strategy.NAME);
        settingsOut.put("workload", run.workload());
        settingsOut.put("parallelism", FleetRun.PARALLELISM);
        settingsOut.put(
                "binding",
                "openai:<4 replicas>#"
                        + ServerSettings.DEFAULT_MODEL_NAME
                        + "?stream=true&routing=affinity|round-robin (other options at their"
                        + " defaults)");
        settingsOut.put("sampleMillis", FleetRun.SAMPLE_MS);
        settingsOut.put("warmUpMillis", FleetRun.WARM_UP_MS);
        settingsOut.put("drainFactor", FleetRun.DRAIN_FACTOR);
        settingsOut.put("workloads", perWorkload);

        notes.add(
                0,
                "SIMULATED fleet: 4 replicas of the 8b-h100 profile (max-num-seqs 16, inter-token"
                        + " 12 ms, prefill 30 ms + 250 us per uncached prompt token, load factor"
                        + " 2.0, prefix cache of 16-token blocks, LRU) in this JVM on 127.0.0.1;"
                        + " replies from the role-aware oracle; no real model ran");
        notes.add(
                1,
                "prefill cost: the profile's 250 us per uncached token is per sequence; with 16"
                        + " sequences running and the load slowdown of 2.0 a replica prefills"
                        + " 16 / (0.25 ms x 2.0) = 32,000 prompt tokens/s, about the compute"
                        + " bound of an 8B model on one H100 (2 x 8e9 FLOP per token at ~50% of"
                        + " 989 dense bf16 TFLOPS is ~31,000 tokens/s); both workloads use it"
                        + " unchanged");
        notes.add(
                2,
                "the sides alternate (affinity first in odd rounds), each run on a fresh fleet"
                        + " with empty prefix caches; both stream so the clients record the time"
                        + " to first token (from sending a request to its first chunk, waiting in"
                        + " the replica's queue included); calls/s: completions per second in the"
                        + " steady phase (from 5 s after the client first had 64 calls in flight"
                        + " until fewer than 2 x 64 questions were unfinished); both sides make"
                        + " the same calls (same questions, seed and oracle)");
        notes.add(
                3,
                "live contexts: the questions in the reasoning operator at once"
                        + " (max-questions-in-flight) x their prompt prefixes (long: 1, the"
                        + " prompt set "
                        + PASSAGE_FIRST_PROMPTS
                        + " puts the question before each role's instructions, so every call of a"
                        + " question starts with its passage; short: 3, the built-in prompts put"
                        + " each role's instructions first) x the median prompt, in blocks;"
                        + " cacheFractionOfLiveContexts = one replica's cache / all live contexts;"
                        + " affinity needs about 1 / 4 of them per replica"
                        + " (cacheFractionOfAffinityShare), round robin all of them on every"
                        + " replica");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 over "
                                + String.format("%,d", run.size())
                                + " questions per side and workload ("
                                + String.join(", ", keys)
                                + "), 4 simulated 8b-h100 replicas with prefix caches, streaming:"
                                + " affinity vs round robin",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        headline,
                        "steady-phase calls/s, affinity ÷ round robin, "
                                + keys.get(0)
                                + " workload (the other workloads' ratios are in checks)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad affinity",
                        "round robin",
                        triad,
                        baseline,
                        settingsOut,
                        notes,
                        Machine.current());
        return new Outcome(result, rows);
    }

    /** A workload: its questions (the server's oracle book), the job's source, the fleet. */
    record Workload(
            String key,
            String description,
            List<Question> questions,
            FleetRun.Source source,
            ServerSettings settings,
            int chainsPerQuestion) {}

    /** The workload called {@code key} with {@code size} questions. */
    static Workload workload(String key, long size) {
        if (key.equals(LONG)) {
            List<Question> questions = FleetRun.passages(size);
            return new Workload(
                    LONG,
                    "long context: each generated problem inside its own passage of "
                            + PassageGenerator.DEFAULT_MIN_TOKENS
                            + "-"
                            + PassageGenerator.DEFAULT_MAX_TOKENS
                            + " tokens (PassageGenerator, seed "
                            + BenchJobs.SEED
                            + "), at most "
                            + LONG_QUESTIONS_IN_FLIGHT
                            + " questions in flight, prompt set "
                            + PASSAGE_FIRST_PROMPTS,
                    questions,
                    new FleetRun.Source(
                            new BenchJobs.PassageAt(new PassageGenerator(BenchJobs.SEED)),
                            LONG_QUESTIONS_IN_FLIGHT,
                            PromptSet.load(passageFirstPrompts())),
                    FleetRun.fleet(questions)
                            .prefixCache(true)
                            .prefixCacheBlocks(LONG_CACHE_BLOCKS)
                            .build(),
                    1);
        }
        List<Question> questions = FleetRun.questions(size);
        return new Workload(
                SHORT,
                "short prompts: the generated problems (150-500 characters), the operator's"
                        + " default questions in flight ("
                        + ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue()
                        + ")",
                questions,
                FleetRun.GENERATED,
                FleetRun.fleet(questions).prefixCache(true).build(),
                BUILT_IN_CHAINS_PER_QUESTION);
    }

    /**
     * {@value #PASSAGE_FIRST_PROMPTS} of the repository: the prompt set that puts the question
     * before each role's instructions.
     *
     * @throws IllegalStateException when the folder is not there
     */
    static Path passageFirstPrompts() {
        Path results = BenchCli.defaultResultsDir().toAbsolutePath();
        Path root = results.getParent() == null ? null : results.getParent().getParent();
        Path dir =
                root == null ? Path.of(PASSAGE_FIRST_PROMPTS) : root.resolve(PASSAGE_FIRST_PROMPTS);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(
                    "The long-context workload needs the prompt set "
                            + dir
                            + ", which is not there; run the benchmark from a checkout of Triad"
                            + " (./triad bench prefix), or pass --workload short");
        }
        return dir;
    }

    /** Cache blocks one replica needs to hold {@code questions} live contexts of this prompt. */
    static long liveContextBlocks(int questions, int chainsPerQuestion, int promptTokens) {
        long blocksPerPrompt = (promptTokens + BLOCK_TOKENS - 1) / BLOCK_TOKENS;
        return (long) questions * chainsPerQuestion * blocksPerPrompt;
    }

    /** Both sides of one workload over the rounds. */
    private Measured measure(Workload workload, Run run, PrintStream log) throws Exception {
        ServerSettings settings = workload.settings();
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
                                workload.key() + "-" + side.routing.key(),
                                workload.questions(),
                                workload.source(),
                                settings,
                                b -> b.routing(side.routing).stream(true),
                                log);
                side.add(m, settings);
                cps[side == affinity ? 0 : 1] = m.steadyCallsPerSecond();
                log.printf(
                        "%s %s: round %d/%d, %s: %.1f calls/s (steady), p50 time to first token"
                                + " %.0f ms, prefix hit rate %.3f, %d results in %.1f s%n",
                        NAME,
                        workload.key(),
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
        return new Measured(workload, affinity, roundRobin, roundRatios);
    }

    /** One workload's outcome. */
    private static final class Measured {
        final Workload workload;
        final Side affinity;
        final Side roundRobin;
        final List<Double> roundRatios;
        final List<Check> checks = new ArrayList<>();

        Measured(Workload workload, Side affinity, Side roundRobin, List<Double> roundRatios) {
            this.workload = workload;
            this.affinity = affinity;
            this.roundRobin = roundRobin;
            this.roundRatios = roundRatios;
            String key = workload.key();
            if (key.equals(LONG)) {
                checks.add(Check.atLeast(key + ": calls/s ratio", ratio(), LONG_TARGET_RATIO));
                checks.add(
                        Check.atMost(
                                key + ": p50 time to first token, affinity / round robin",
                                ttftRatio(),
                                LONG_TARGET_TTFT_RATIO));
            } else {
                checks.add(Check.atLeast(key + ": calls/s ratio", ratio(), SHORT_TARGET_RATIO));
            }
        }

        double ratio() {
            double rr = Figure.median(roundRobin.callsPerSecond);
            return rr == 0 ? 0 : Figure.median(affinity.callsPerSecond) / rr;
        }

        double ttftRatio() {
            double rr = Figure.median(roundRobin.ttftP50);
            return rr == 0 ? 0 : Figure.median(affinity.ttftP50) / rr;
        }

        /** With every slot busy throughput goes as 1 / service time: the most affinity gains. */
        double bound() {
            double aff = Figure.median(affinity.serviceMs);
            return aff == 0 ? 0 : Figure.median(roundRobin.serviceMs) / aff;
        }

        int promptP50() {
            return affinity.last.promptTokensPercentile(50);
        }

        Map<String, Object> summary() {
            ServerSettings s = workload.settings();
            int inFlight = workload.source().maxQuestionsInFlight();
            long live = liveContextBlocks(inFlight, workload.chainsPerQuestion(), promptP50());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("description", workload.description());
            out.put("questions", workload.questions().size());
            if (workload.key().equals(LONG)) {
                int[] passages =
                        workload.questions().stream()
                                .mapToInt(
                                        q ->
                                                Integer.parseInt(
                                                        q.metadata()
                                                                .get(
                                                                        PassageGenerator
                                                                                .META_PASSAGE_TOKENS)))
                                .sorted()
                                .toArray();
                out.put("passageTokensP50", passages[(passages.length - 1) / 2]);
                out.put("passageTokensP95", passages[(int) Math.ceil(0.95 * passages.length) - 1]);
            }
            out.put("promptTokensP50", promptP50());
            out.put("promptTokensP95", affinity.last.promptTokensPercentile(95));
            out.put("prefixCacheBlocksPerReplica", s.prefixCacheBlocks());
            out.put("prefixCacheTokensPerReplica", (long) s.prefixCacheBlocks() * BLOCK_TOKENS);
            out.put("maxQuestionsInFlight", inFlight);
            out.put("promptPrefixesPerQuestion", workload.chainsPerQuestion());
            out.put("liveContexts", (long) inFlight * workload.chainsPerQuestion());
            out.put("liveContextBlocks", live);
            out.put(
                    "cacheFractionOfLiveContexts",
                    live == 0 ? 0 : (double) s.prefixCacheBlocks() / live);
            out.put(
                    "cacheFractionOfAffinityShare",
                    live == 0 ? 0 : (double) s.prefixCacheBlocks() * s.replicas() / live);
            out.put("hitRateAffinity", Figure.median(affinity.hitRate));
            out.put("hitRateRoundRobin", Figure.median(roundRobin.hitRate));
            out.put("steadyCallsPerSecondAffinity", Figure.median(affinity.callsPerSecond));
            out.put("steadyCallsPerSecondRoundRobin", Figure.median(roundRobin.callsPerSecond));
            out.put("callsPerSecondRatio", ratio());
            out.put("timeToFirstTokenP50MsAffinity", Figure.median(affinity.ttftP50));
            out.put("timeToFirstTokenP50MsRoundRobin", Figure.median(roundRobin.ttftP50));
            out.put("timeToFirstTokenP50Ratio", ttftRatio());
            out.put("roundRatios", roundRatios);
            out.put("profileBoundOnRatio", bound());
            out.put("fleet", s.describe());
            Map<String, Object> targets = new LinkedHashMap<>();
            for (Check c : checks) {
                targets.put(c.name(), c.describe());
            }
            out.put("targets", targets);
            if (!affinity.steady || !roundRobin.steady) {
                out.put(
                        "steadyPhase",
                        "not found at this size: calls/s covers the whole run from the first call"
                                + " to the last result, ramp-up and drain included");
            }
            return out;
        }

        List<Table.Row> rows() {
            String k = workload.key() + ": ";
            return List.of(
                    Table.row(
                            k + "calls/s (steady)",
                            Figure.median(affinity.callsPerSecond),
                            Figure.median(roundRobin.callsPerSecond)),
                    Table.row(
                            k + "p50 TTFT (ms)",
                            Figure.median(affinity.ttftP50),
                            Figure.median(roundRobin.ttftP50)),
                    Table.row(
                            k + "prefix hit rate",
                            Figure.median(affinity.hitRate),
                            Figure.median(roundRobin.hitRate)),
                    Table.row(
                            k + "prefill share",
                            Figure.median(affinity.prefillShare),
                            Figure.median(roundRobin.prefillShare)),
                    Table.row(
                            k + "busy fraction",
                            Figure.median(affinity.busy),
                            Figure.median(roundRobin.busy)));
        }

        String why() {
            return String.format(
                    Locale.ROOT,
                    "%s workload: prompts p50 %d tokens; prefill is %.0f%% of a round-robin call's"
                            + " service time and %.0f%% of an affinity call's (hit rate %.2f vs"
                            + " %.2f); with every slot busy throughput goes as 1 / service time,"
                            + " so the most affinity can gain here is %.2f x (profileBoundOnRatio)",
                    workload.key(),
                    promptP50(),
                    100 * Figure.median(roundRobin.prefillShare),
                    100 * Figure.median(affinity.prefillShare),
                    Figure.median(roundRobin.hitRate),
                    Figure.median(affinity.hitRate),
                    bound());
        }
    }
}
