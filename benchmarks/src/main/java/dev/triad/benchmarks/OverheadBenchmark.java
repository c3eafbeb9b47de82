package dev.triad.benchmarks;

import dev.triad.model.ModelBinding;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code overhead}: generated questions through {@code lm2} with a zero-latency simulated model,
 * against a bare Flink job making the same model calls per question through {@code
 * AsyncDataStream.unorderedWait} ({@link Lm2CallChainFunction}). Both sides read the same source
 * ({@code fromSequence → map(generator::problem)}), call the same model implementation through the
 * same counting wrapper, run at parallelism = cores and end in the same counting sink.
 *
 * <p>One warm-up run per side (at most {@value #WARMUP_MAX_QUESTIONS} questions), then the sides
 * alternate for the rounds (Triad first in odd rounds, last in even ones) and medians are taken.
 * Each run starts a fresh MiniCluster; the timed part is the job's net run time. A third,
 * diagnostic side runs the baseline plus Triad's prompt rendering and reply parsing per call; it is
 * reported under {@code settings.diagnostics} and is not part of the targets.
 *
 * <p>Targets: Triad's questions/s at least {@value #TARGET_RATIO} × the baseline's, and a million
 * questions in at most {@value #TARGET_SECONDS_PER_MILLION} s.
 */
public final class OverheadBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "overhead";

    /** Least Triad ÷ baseline questions/s. */
    public static final double TARGET_RATIO = 0.7;

    /** Most seconds for 1,000,000 questions through Triad. */
    public static final double TARGET_SECONDS_PER_MILLION = 60;

    /** Questions when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 1_000_000;

    /** Most questions in the warm-up run of each side. */
    public static final long WARMUP_MAX_QUESTIONS = 100_000;

    /** Questions (and calls) in flight per subtask, both sides: Triad's default cap. */
    static final int IN_FLIGHT = ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue();

    private static final int DEFAULT_ROUNDS = 3;
    private static final double MILLION = 1_000_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "lm2 with a zero-latency simulated model vs a bare unorderedWait job making the"
                + " same calls; questions/s and calls/s of both";
    }

    @Override
    public String target() {
        return "Triad questions/s >= "
                + TARGET_RATIO
                + " x a bare unorderedWait job making the same calls and parsing the replies, and 1,000,000 questions in <= "
                + (int) TARGET_SECONDS_PER_MILLION
                + " s";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        int parallelism = Runtime.getRuntime().availableProcessors();
        ModelBinding model = BenchJobs.instantModel();
        long warmup = Math.min(run.size(), WARMUP_MAX_QUESTIONS);
        log.printf("%s: warm-up, %,d questions per side%n", NAME, warmup);
        for (Side side : Side.values()) {
            Sample.log(log, "warm-up", runOnce(side, warmup, parallelism, model));
        }

        Map<Side, List<Sample>> samples = new EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            samples.put(side, new ArrayList<>());
        }
        for (int round = 1; round <= run.rounds(); round++) {
            String label = "round " + round + "/" + run.rounds();
            List<Side> order = new ArrayList<>(List.of(Side.values()));
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            for (Side side : order) {
                Sample sample = runOnce(side, run.size(), parallelism, model);
                Sample.log(log, label, sample);
                samples.get(side).add(sample);
            }
        }
        List<Sample> triad = samples.get(Side.TRIAD);
        List<Sample> bare = samples.get(Side.BARE);

        Map<String, Object> triadFigures = Sample.figures(triad);
        Map<String, Object> bareFigures = Sample.figures(bare);
        Map<String, Object> textFigures = Sample.figures(samples.get(Side.BARE_TEXT));
        Figure textRate = (Figure) textFigures.get("questionsPerSecond");
        Figure triadRate = (Figure) triadFigures.get("questionsPerSecond");
        Figure bareRate = (Figure) bareFigures.get("questionsPerSecond");
        Figure triadSeconds = (Figure) triadFigures.get("seconds");
        // The target's baseline makes the same calls and parses each reply (a job cannot act on
        // an answer it does not read); the bare job that ignores replies is reported beside it.
        double ratio = triadRate.median() / textRate.median();
        double secondsPerMillion = triadSeconds.median() * MILLION / run.size();
        long triadCalls = triad.get(triad.size() - 1).calls();
        long bareCalls = bare.get(bare.size() - 1).calls();

        List<Check> checks = new ArrayList<>();
        checks.add(Check.atLeast("ratio", ratio, TARGET_RATIO));
        checks.add(
                Check.atMost(
                        "Triad seconds per 1,000,000 questions",
                        secondsPerMillion,
                        TARGET_SECONDS_PER_MILLION));
        checks.add(
                Check.atLeast(
                        "Triad results / questions",
                        last(triad).records() / (double) run.size(),
                        1));
        checks.add(
                Check.atLeast(
                        "Triad calls / baseline calls (same calls on both sides)",
                        triadCalls / (double) Math.max(1, bareCalls),
                        1));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", Lm2Strategy.NAME);
        settings.put("parallelism", parallelism);
        settings.put("source", "env.fromSequence(0, n-1).map(ProblemGenerator(seed).problem)");
        settings.put("generatorSeed", BenchJobs.SEED);
        settings.put("model", model.describe());
        settings.put("modelSettings", model.settings());
        settings.put(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put(ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put("bareCapacity", IN_FLIGHT);
        settings.put("warmupQuestions", warmup);

        Map<String, Object> diagnostics = new LinkedHashMap<>();
        diagnostics.put(
                "bareIgnoringReplies",
                "the same calls through unorderedWait without parsing the replies: the engine's"
                        + " floor, not a workload that can do lm2");
        diagnostics.put("bareIgnoringRepliesFigures", bareFigures);
        diagnostics.put("triadOverBareIgnoringReplies", triadRate.median() / bareRate.median());
        diagnostics.put("parsingOverIgnoring", textRate.median() / bareRate.median());
        // On a shared machine the CPU each side burns per question is steadier than its rate.
        diagnostics.put(
                "baselineCpuOverTriadCpu",
                ((Figure) textFigures.get("cpuMicrosPerQuestion")).median()
                        / ((Figure) triadFigures.get("cpuMicrosPerQuestion")).median());
        settings.put("diagnostics", diagnostics);

        List<String> notes =
                List.of(
                        "seconds: the job's net run time (JobExecutionResult#getNetRuntime), a"
                                + " fresh MiniCluster per run, its start-up excluded; wallSeconds"
                                + " include it",
                        "the sides alternate: Triad first in odd rounds, last in even ones;"
                                + " medians over the rounds",
                        "calls per question: lm2 with a perfect oracle makes 2 + 3 x steps; the"
                                + " baseline makes exactly that many per question",
                        "the baseline makes the same calls to the same in-process model and"
                                + " parses every reply with Triad's parser; it keeps no state."
                                + " The ratio is the price of the reasoning operator: the"
                                + " strategy's state machine, keyed state, deadline timers, the"
                                + " keyed shuffle and a mail per call that does not complete at"
                                + " once",
                        "both sides send the same prompts (PromptLibrary; the concepts of the"
                                + " first reply included), rendered lazily when the model reads"
                                + " the messages (the simulated model does, to count prompt"
                                + " tokens); Lm2CallChainFunctionTest checks they are identical",
                        "cpuMicrosPerQuestion: this JVM's CPU time over the job (all threads,"
                                + " GC and JIT included) per question; on a shared machine it is"
                                + " steadier than the rates, and"
                                + " settings.diagnostics.baselineCpuOverTriadCpu compares it");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 vs bare AsyncDataStream.unorderedWait (same calls, replies parsed), "
                                + String.format("%,d", run.size())
                                + " questions, parallelism "
                                + parallelism
                                + ", medians of "
                                + run.rounds()
                                + " rounds",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "questions/s, Triad ÷ bare Flink parsing replies (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad lm2",
                        "bare unorderedWait, parsing replies",
                        triadFigures,
                        textFigures,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("questions/s", triadRate, textRate),
                        Table.row(
                                "calls/s",
                                (Figure) triadFigures.get("callsPerSecond"),
                                (Figure) textFigures.get("callsPerSecond")),
                        Table.row(
                                "seconds (net run time)",
                                triadSeconds,
                                (Figure) textFigures.get("seconds")),
                        Table.row("calls", triadCalls, bareCalls),
                        new Table.Row(
                                "diagnostic: bare ignoring replies",
                                "",
                                Table.number(bareRate.median()) + " questions/s"));
        return new Outcome(result, rows);
    }

    private static Sample last(List<Sample> samples) {
        return samples.get(samples.size() - 1);
    }

    /** What one run runs: Triad, the bare job ignoring replies, or the bare job parsing them. */
    private enum Side {
        TRIAD,
        BARE,
        BARE_TEXT
    }

    private static Sample runOnce(Side side, long questions, int parallelism, ModelBinding model)
            throws Exception {
        RunCounters counters = RunCounters.create(NAME + "-" + side.name().toLowerCase());
        try {
            StreamExecutionEnvironment env = BenchJobs.environment(parallelism);
            DataStream<Question> source = BenchJobs.questions(env, questions);
            ModelBinding counted = new CountingModelBinding(model, counters.id(), false);
            if (side == Side.TRIAD) {
                BenchJobs.triad(
                        source, Lm2Strategy.NAME, counted, IN_FLIGHT, IN_FLIGHT, counters.id());
            } else {
                BenchJobs.bare(source, counted, side == Side.BARE_TEXT, IN_FLIGHT, counters.id());
            }
            long start = System.nanoTime();
            long cpuStart = Machine.processCpuNanos();
            JobExecutionResult result = env.execute("triad bench " + NAME + " " + side);
            double cpu = (Machine.processCpuNanos() - cpuStart) / 1e9;
            double wall = (System.nanoTime() - start) / 1e9;
            return new Sample(
                    side,
                    questions,
                    counters.callsStarted.sum(),
                    counters.records.sum(),
                    counters.notSolved.sum(),
                    BenchJobs.seconds(result),
                    wall,
                    cpu);
        } finally {
            counters.release();
        }
    }

    /** One run of one side. */
    private record Sample(
            Side side,
            long questions,
            long calls,
            long records,
            long notSolved,
            double seconds,
            double wallSeconds,
            double cpuSeconds) {

        double questionsPerSecond() {
            return questions / seconds;
        }

        double callsPerSecond() {
            return calls / seconds;
        }

        double cpuMicrosPerQuestion() {
            return cpuSeconds * 1e6 / questions;
        }

        static void log(PrintStream log, String label, Sample s) {
            log.printf(
                    "%s: %s %-9s %,d questions, %,d calls in %.2f s: %,.0f questions/s, %,.0f"
                            + " calls/s, %.1f µs CPU per question%n",
                    NAME,
                    label,
                    s.side().name().toLowerCase(),
                    s.questions(),
                    s.calls(),
                    s.seconds(),
                    s.questionsPerSecond(),
                    s.callsPerSecond(),
                    s.cpuMicrosPerQuestion());
        }

        static Map<String, Object> figures(List<Sample> samples) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("questions", samples.get(0).questions());
            map.put(
                    "questionsPerSecond",
                    Figure.of("questions/s", samples, Sample::questionsPerSecond));
            map.put("callsPerSecond", Figure.of("calls/s", samples, Sample::callsPerSecond));
            map.put("seconds", Figure.of("s", samples, Sample::seconds));
            map.put("wallSeconds", Figure.of("s", samples, Sample::wallSeconds));
            map.put("cpuMicrosPerQuestion", Figure.of("µs", samples, Sample::cpuMicrosPerQuestion));
            map.put("calls", samples.stream().map(Sample::calls).toList());
            map.put(
                    "callsPerQuestion",
                    samples.get(samples.size() - 1).calls()
                            / (double) samples.get(samples.size() - 1).questions());
            map.put("results", samples.stream().map(Sample::records).toList());
            map.put("notSolved", samples.stream().map(Sample::notSolved).toList());
            return map;
        }
    }
}
