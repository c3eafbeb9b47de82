package dev.triad.benchmarks;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one benchmark run (model calls started and completed, records reaching the sink,
 * results that are not SOLVED), shared between the benchmark and the functions of its job through a
 * JVM-wide registry keyed by a run id.
 *
 * <p>Only meaningful on the embedded MiniCluster, where the job's tasks run in the benchmark's own
 * JVM; the functions carry the run id, not the counters, so they stay serialisable.
 *
 * <p>Threading: the counters are {@link LongAdder}s, safe and cheap from any thread.
 */
public final class RunCounters {

    private static final Map<String, RunCounters> RUNS = new ConcurrentHashMap<>();

    private final String id;

    /** Model calls started. */
    public final LongAdder callsStarted = new LongAdder();

    /** Model calls whose future completed (only counted where a benchmark asks for it). */
    public final LongAdder callsCompleted = new LongAdder();

    /**
     * Each counted call's latency as its caller sees it: from {@code complete} to the answer, time
     * queued in the client included (only when completions are counted).
     */
    public final dev.triad.model.openai.LatencyHistogram.Recorder callLatency =
            new dev.triad.model.openai.LatencyHistogram.Recorder();

    /**
     * Each counted call's prompt tokens as the model reported them (only when completions are
     * counted; calls that failed report none).
     */
    public final java.util.Queue<Integer> promptTokens =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Records that reached the sink. */
    public final LongAdder records = new LongAdder();

    /** Results whose status was not SOLVED. */
    public final LongAdder notSolved = new LongAdder();

    private RunCounters(String id) {
        this.id = id;
    }

    /** Creates and registers the counters of a new run. */
    public static RunCounters create(String label) {
        RunCounters counters = new RunCounters(label + "-" + UUID.randomUUID());
        RUNS.put(counters.id, counters);
        return counters;
    }

    /**
     * The counters of a registered run.
     *
     * @throws IllegalStateException when the run is unknown, i.e. the job does not run in the
     *     benchmark's JVM
     */
    public static RunCounters get(String id) {
        RunCounters counters = RUNS.get(id);
        if (counters == null) {
            throw new IllegalStateException(
                    "No benchmark run '"
                            + id
                            + "' in this JVM; benchmark jobs must run on the embedded MiniCluster"
                            + " of the JVM that started them");
        }
        return counters;
    }

    /** The run's id, for the job's functions. */
    public String id() {
        return id;
    }

    /** Calls started and not yet completed. */
    public long callsInFlight() {
        return callsStarted.sum() - callsCompleted.sum();
    }

    /** Removes the run from the registry. */
    public void release() {
        RUNS.remove(id);
    }
}
