package dev.triad.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triad.reasoning.Lm2Strategy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The child JVM of the {@code memory} benchmark: runs {@code lm2} over {@code N} generated
 * questions with a slow simulated model, so nearly all of them wait at the source, samples the live
 * heap for a fixed time and prints one line {@value #MARKER} followed by a JSON object.
 *
 * <p>Usage: {@code MemoryProbe QUESTIONS SECONDS LATENCY_MS PARALLELISM}. Live heap is the heap in
 * use right after a full collection ({@link System#gc()}), sampled every {@value #SAMPLE_MS} ms
 * once the first model call was made; {@code peakLiveHeapBytes} is the largest sample. The sum of
 * the heap pools' peak usage over the same window is reported too (it includes garbage, so it
 * mostly shows the young generation's size).
 *
 * <p>Run by {@link MemoryBenchmark} in a fresh JVM per size, so one size's garbage or JIT state
 * cannot leak into the other's figure.
 */
public final class MemoryProbe {

    /** Prefix of the result line on stdout. */
    public static final String MARKER = "TRIAD-MEMORY-PROBE ";

    static final long SAMPLE_MS = 2_000;
    private static final long START_TIMEOUT_MS = 120_000;
    private static final int IN_FLIGHT = OverheadBenchmark.IN_FLIGHT;

    private MemoryProbe() {}

    /** See the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println(
                    "Usage: MemoryProbe QUESTIONS SECONDS LATENCY_MS PARALLELISM (got "
                            + args.length
                            + " arguments); MemoryBenchmark starts it, see ./triad bench --help");
            System.exit(2);
        }
        long questions = Long.parseLong(args[0]);
        long seconds = Long.parseLong(args[1]);
        long latencyMs = Long.parseLong(args[2]);
        int parallelism = Integer.parseInt(args[3]);
        Map<String, Object> out = probe(questions, seconds, latencyMs, parallelism);
        System.out.println(MARKER + new ObjectMapper().writeValueAsString(out));
        System.out.flush();
        System.exit(0); // the cancelled MiniCluster may leave non-daemon threads behind
    }

    private static Map<String, Object> probe(
            long questions, long seconds, long latencyMs, int parallelism) throws Exception {
        RunCounters counters = RunCounters.create("memory");
        StreamExecutionEnvironment env = BenchJobs.environment(parallelism);
        BenchJobs.triad(
                BenchJobs.questions(env, questions),
                Lm2Strategy.NAME,
                new CountingModelBinding(BenchJobs.slowModel(latencyMs), counters.id(), true),
                IN_FLIGHT,
                IN_FLIGHT,
                counters.id());
        JobClient client = env.executeAsync("triad bench memory probe " + questions);
        long waited = 0;
        while (counters.callsStarted.sum() == 0) {
            if (waited > START_TIMEOUT_MS || client.getJobExecutionResult().isDone()) {
                throw new IllegalStateException(
                        "The memory probe's job made no model call within "
                                + START_TIMEOUT_MS
                                + " ms; see the log above");
            }
            Thread.sleep(50);
            waited += 50;
        }
        List<MemoryPoolMXBean> heapPools = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                heapPools.add(pool);
            }
        }
        List<Long> samples = new ArrayList<>();
        List<Long> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(SAMPLE_MS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            System.gc();
            samples.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            inFlight.add(counters.callsInFlight());
        }
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            poolPeaks += pool.getPeakUsage().getUsed();
        }
        long finished = counters.records.sum();
        long calls = counters.callsStarted.sum();
        if (!client.getJobExecutionResult().isDone()) {
            try {
                client.cancel().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // it finished meanwhile (a small size): nothing to cancel
                if (!client.getJobExecutionResult().isDone()) {
                    throw e;
                }
            }
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("questions", questions);
        out.put("seconds", seconds);
        out.put("latencyMs", latencyMs);
        out.put("parallelism", parallelism);
        out.put("peakLiveHeapBytes", samples.stream().mapToLong(Long::longValue).max().orElse(0));
        out.put("liveHeapSamples", samples);
        out.put("heapPoolPeakSumBytes", poolPeaks);
        out.put("questionsFinished", finished);
        out.put("questionsNotFinished", questions - finished);
        out.put("callsStarted", calls);
        out.put("callsInFlightSamples", inFlight);
        out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return out;
    }
}
