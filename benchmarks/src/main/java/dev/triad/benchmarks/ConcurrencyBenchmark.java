package dev.triad.benchmarks;

import dev.triad.model.ModelBinding;
import dev.triad.reasoning.CotStrategy;
import dev.triad.reasoning.ReasoningOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code concurrency}: {@code cot} questions (one solver call each) through one subtask with a
 * simulated latency of exactly {@value #LATENCY_MS} ms per call and {@value #IN_FLIGHT} questions
 * and calls allowed in flight. By Little's law a subtask that keeps them all in flight completes
 * {@value #IN_FLIGHT} calls per second; the baseline is that ideal.
 *
 * <p>Measured: calls completed per second in the steady state (whole seconds from one latency after
 * the in-flight cap was first reached, while the source still had questions; the median of its
 * one-second counts, and its mean), calls in flight, and the JVM's peak live thread count over the
 * run (the MiniCluster included), with the threads grouped by name.
 *
 * <p>Targets: fewer than {@value #TARGET_MAX_THREADS} threads, and calls/s at least {@value
 * #TARGET_RATIO} × Little's law.
 */
public final class ConcurrencyBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "concurrency";

    /** Calls (and questions) in flight in the one subtask. */
    public static final int IN_FLIGHT = 16_384;

    /** Simulated latency of every call. */
    public static final long LATENCY_MS = 1_000;

    /** Peak live threads must stay below this. */
    public static final int TARGET_MAX_THREADS = 64;

    /** Least measured calls/s ÷ Little's law calls/s. */
    public static final double TARGET_RATIO = 0.9;

    /** Questions when {@code --size} is not given: about 20 s at Little's law rate. */
    public static final long DEFAULT_SIZE = 20L * IN_FLIGHT;

    private static final long SAMPLE_MS = 50;
    private static final int PARALLELISM = 1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "cot with 1 s simulated latency, 16,384 calls in flight in one subtask; calls/s vs"
                + " Little's law, and the JVM's threads";
    }

    @Override
    public String target() {
        return "peak live threads < "
                + TARGET_MAX_THREADS
                + ", and calls/s >= "
                + TARGET_RATIO
                + " x 16,384/s (Little's law)";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        double ideal = IN_FLIGHT * 1000.0 / LATENCY_MS;
        List<Double> rates = new ArrayList<>();
        List<Double> perSecondAll = new ArrayList<>();
        List<Double> windowMeans = new ArrayList<>();
        List<Double> threadPeaks = new ArrayList<>();
        List<Long> inFlightMax = new ArrayList<>();
        List<Double> inFlightMedian = new ArrayList<>();
        List<Double> runSeconds = new ArrayList<>();
        Map<String, Integer> threadGroups = Map.of();
        for (int round = 1; round <= run.rounds(); round++) {
            Measurement m = runOnce(run.size(), log);
            rates.add(m.callsPerSecond());
            perSecondAll.addAll(m.perSecond());
            windowMeans.add(m.windowMeanCallsPerSecond());
            threadPeaks.add((double) m.peakThreads());
            inFlightMax.add(m.maxInFlight());
            inFlightMedian.add(m.medianInFlight());
            runSeconds.add(m.seconds());
            threadGroups = m.threadGroups();
            log.printf(
                    "%s: round %d/%d: %,.0f calls/s over %.1f s of steady state, up to %,d in"
                            + " flight, peak %d threads%n",
                    NAME,
                    round,
                    run.rounds(),
                    m.callsPerSecond(),
                    m.windowSeconds(),
                    m.maxInFlight(),
                    m.peakThreads());
        }
        Figure rate = Figure.of("calls/s", rates);
        Figure threads = Figure.of("threads", threadPeaks);
        double ratio = rate.median() / ideal;
        double maxThreads = threadPeaks.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        List<Check> checks =
                List.of(
                        Check.below("peak live threads", maxThreads, TARGET_MAX_THREADS),
                        Check.atLeast("ratio", ratio, TARGET_RATIO));

        Map<String, Object> triad = new LinkedHashMap<>();
        triad.put("callsPerSecond", rate);
        triad.put(
                "callsPerSecondEachSecond",
                perSecondAll.isEmpty() ? null : Figure.of("calls/s", perSecondAll));
        triad.put("windowMeanCallsPerSecond", Figure.of("calls/s", windowMeans));
        triad.put("peakThreads", threads);
        triad.put("maxCallsInFlight", inFlightMax);
        triad.put("medianCallsInFlight", Figure.of("calls", inFlightMedian));
        triad.put("seconds", Figure.of("s", runSeconds));
        triad.put("threadsByName", threadGroups);

        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("callsPerSecond", ideal);
        baseline.put("callsInFlight", IN_FLIGHT);
        baseline.put("latencySeconds", LATENCY_MS / 1000.0);

        ModelBinding model = BenchJobs.slowModel(LATENCY_MS);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", CotStrategy.NAME);
        settings.put("parallelism", PARALLELISM);
        settings.put(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put(ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), IN_FLIGHT);
        settings.put("model", model.describe());
        settings.put("modelSettings", model.settings());
        settings.put("sampleMillis", SAMPLE_MS);

        List<String> notes =
                List.of(
                        "steady state: whole seconds from one latency after the in-flight cap was"
                                + " first reached, while the source still had questions",
                        "callsPerSecond: the median of the steady state's one-second completion"
                                + " counts (callsPerSecondEachSecond); windowMeanCallsPerSecond:"
                                + " all its completions over its length",
                        "peakThreads: ThreadMXBean peak over the run, reset at its start; the"
                                + " whole JVM, MiniCluster included; threadsByName: live threads"
                                + " by name (digits dropped) in the middle of the run",
                        "simulated completions run on one shared timer thread ("
                                + "triad-simulator-latency) and come back to the task as mails");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "cot, 1 s per call, "
                                + String.format("%,d", IN_FLIGHT)
                                + " in flight in one subtask, "
                                + String.format("%,d", run.size())
                                + " questions",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "calls/s, Triad ÷ Little's law (16,384 in flight ÷ 1 s)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad cot",
                        "Little's law",
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("calls/s", rate.median(), ideal),
                        Table.row(
                                "calls in flight (max)",
                                inFlightMax.stream().mapToLong(Long::longValue).max().orElse(0),
                                IN_FLIGHT),
                        new Table.Row("peak live threads", Table.number(maxThreads), "-"));
        return new Outcome(result, rows);
    }

    private static Measurement runOnce(long questions, PrintStream log) throws Exception {
        RunCounters counters = RunCounters.create(NAME);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            ModelBinding model =
                    new CountingModelBinding(BenchJobs.slowModel(LATENCY_MS), counters.id(), true);
            StreamExecutionEnvironment env = BenchJobs.environment(PARALLELISM);
            BenchJobs.triad(
                    BenchJobs.questions(env, questions),
                    CotStrategy.NAME,
                    model,
                    IN_FLIGHT,
                    IN_FLIGHT,
                    counters.id());
            threads.resetPeakThreadCount();
            long start = System.nanoTime();
            JobClient client = env.executeAsync("triad bench " + NAME);
            CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
            List<long[]> samples = new ArrayList<>(); // {nanos since start, started, completed}
            Map<String, Integer> groups = Map.of();
            long nextReport = 5_000;
            while (!done.isDone()) {
                long t = (System.nanoTime() - start) / 1_000_000;
                long started = counters.callsStarted.sum();
                long completed = counters.callsCompleted.sum();
                samples.add(new long[] {System.nanoTime() - start, started, completed});
                if (groups.isEmpty() && started >= questions / 2 && completed > 0) {
                    groups = threadGroups(threads);
                }
                if (t >= nextReport) {
                    log.printf(
                            "%s: %.0f s, %,d calls started, %,d completed, %,d in flight%n",
                            NAME, t / 1000.0, started, completed, started - completed);
                    nextReport += 5_000;
                }
                try {
                    done.get(SAMPLE_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // sample again
                }
            }
            done.get();
            samples.add(
                    new long[] {
                        System.nanoTime() - start,
                        counters.callsStarted.sum(),
                        counters.callsCompleted.sum()
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            if (groups.isEmpty()) {
                groups = threadGroups(threads);
            }
            return Measurement.of(
                    samples, questions, threads.getPeakThreadCount(), groups, seconds);
        } finally {
            counters.release();
        }
    }

    /** Live threads by name, with digits dropped, so pools show up as one line each. */
    static Map<String, Integer> threadGroups(ThreadMXBean threads) {
        Map<String, Integer> groups = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                String name = info.getThreadName().replaceAll("[0-9]+", "#");
                groups.merge(name, 1, Integer::sum);
            }
        }
        return groups;
    }

    /** What one run measured. */
    private record Measurement(
            double callsPerSecond,
            double windowMeanCallsPerSecond,
            double windowSeconds,
            List<Double> perSecond,
            long maxInFlight,
            double medianInFlight,
            int peakThreads,
            Map<String, Integer> threadGroups,
            double seconds) {

        static Measurement of(
                List<long[]> samples,
                long questions,
                int peakThreads,
                Map<String, Integer> groups,
                double seconds) {
            // The steady state: Little's law holds once every slot is busy. Calls completing at t
            // were started at t - latency, so it starts one latency after the cap was first
            // reached, and lasts while the source still had questions to hand over.
            long first = -1;
            long firstCompletion = -1;
            long full = -1;
            for (long[] s : samples) {
                if (first < 0 && s[1] - s[2] >= IN_FLIGHT) {
                    first = s[0] + TimeUnit.MILLISECONDS.toNanos(LATENCY_MS);
                }
                if (firstCompletion < 0 && s[2] > 0) {
                    firstCompletion = s[0];
                }
                if (s[1] < questions) {
                    full = s[0];
                }
            }
            long last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0];
            if (first < 0 || first >= full) {
                // the cap was never reached (or too late): measure from the first completion
                first = Math.max(0, firstCompletion);
            }
            if (full <= first) {
                full = last; // too small a run for a steady state: use all of it
            }
            long wholeSeconds = (full - first) / 1_000_000_000L;
            long end = wholeSeconds >= 1 ? first + wholeSeconds * 1_000_000_000L : full;
            double window;
            double rate;
            if (wholeSeconds >= 1) {
                window = (end - first) / 1e9;
                rate = (completedAt(samples, end) - completedAt(samples, first)) / window;
            } else {
                // Too short for a steady state (tiny sizes): every call over the time from the
                // first call started to the last one completed.
                long[] lastSample = samples.get(samples.size() - 1);
                long firstStart = -1;
                long allDone = lastSample[0];
                for (long[] s : samples) {
                    if (firstStart < 0 && s[1] > 0) {
                        firstStart = s[0];
                    }
                    if (s[2] >= lastSample[2]) {
                        allDone = s[0];
                        break;
                    }
                }
                window = Math.max(1e-3, (allDone - Math.max(0, firstStart)) / 1e9);
                rate = lastSample[2] / window;
            }
            List<Double> perSecond = new ArrayList<>();
            for (long i = 0; i < wholeSeconds; i++) {
                long from = first + i * 1_000_000_000L;
                perSecond.add(
                        completedAt(samples, from + 1_000_000_000L) - completedAt(samples, from));
            }
            long maxInFlight = 0;
            List<Double> inFlight = new ArrayList<>();
            for (long[] s : samples) {
                maxInFlight = Math.max(maxInFlight, s[1] - s[2]);
                if (s[0] >= first && s[0] <= end) {
                    inFlight.add((double) (s[1] - s[2]));
                }
            }
            // The headline is the median one-second rate (robust to the ramp's first second);
            // with fewer than three whole seconds, the window's mean.
            double headline = perSecond.size() >= 3 ? Figure.median(perSecond) : rate;
            return new Measurement(
                    headline,
                    rate,
                    window,
                    perSecond,
                    maxInFlight,
                    inFlight.isEmpty() ? 0 : Figure.median(inFlight),
                    peakThreads,
                    groups,
                    seconds);
        }

        /** Completed calls at time {@code t}, interpolated between the samples around it. */
        private static double completedAt(List<long[]> samples, long t) {
            long[] before = null;
            for (long[] s : samples) {
                if (s[0] <= t) {
                    before = s;
                } else {
                    if (before == null) {
                        return s[2];
                    }
                    double f = (t - before[0]) / (double) (s[0] - before[0]);
                    return before[2] + f * (s[2] - before[2]);
                }
            }
            return before == null ? 0 : before[2];
        }
    }
}
