package dev.triad.jobs.progress;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;

/**
 * The reasoning operator's live numbers, read in the same JVM as an embedded MiniCluster through
 * Flink's metric system: {@link #register(Configuration)} adds a {@link ProgressMetricsReporter} to
 * the cluster's configuration, and the reporter hands every metric of the operator's {@code triad}
 * group to this object, summed over subtasks.
 *
 * <p>A subtask's counters are removed when it finishes; their last values are kept, so totals do
 * not fall back at the end of a run. Thread-safe: Flink adds and removes metrics on its threads,
 * the progress line reads them on its own.
 */
public final class ProgressMetrics implements ProgressSource {

    /** The operator's metric group that carries Triad's numbers. */
    public static final String GROUP = "triad";

    /** Counter: (question, strategy) pairs started. */
    public static final String QUESTIONS_STARTED = "questionsStarted";

    /** Counter: (question, strategy) pairs finished, whatever the outcome. */
    public static final String QUESTIONS_FINISHED = "questionsFinished";

    /** Counter: model calls started. */
    public static final String CALLS_STARTED = "callsStarted";

    /** Counter: model calls completed. */
    public static final String CALLS_COMPLETED = "callsCompleted";

    /** Counter: calls answered from the reply journal after a restore (not paid again). */
    public static final String CALLS_REPLAYED = "callsReplayed";

    /** Counter: calls in flight at a failure, made again after the restore. */
    public static final String CALLS_REMADE = "callsRemade";

    /** Gauge: (question, strategy) pairs in flight. */
    public static final String QUESTIONS_IN_FLIGHT = "questionsInFlight";

    /** Gauge: model calls in flight. */
    public static final String CALLS_IN_FLIGHT = "callsInFlight";

    /**
     * Gauge: roles whose whole fleet is down (summed over subtasks, each counting its own view):
     * above 0, calls wait for the fleet and no new questions start.
     */
    public static final String FLEETS_DOWN = "fleetsDown";

    static final String REPORTER_NAME = "triad-progress";
    static final String ID_PROPERTY = "progress-id";

    private static final Map<String, ProgressMetrics> BY_ID = new ConcurrentHashMap<>();

    private final String id;
    private final Map<Metric, String> live = new ConcurrentHashMap<>();
    private final Map<String, Long> retired = new ConcurrentHashMap<>();

    private ProgressMetrics(String id) {
        this.id = id;
    }

    /**
     * Adds a reporter to {@code conf} (for a MiniCluster started in this JVM) and returns the
     * numbers it will fill. Call {@link #close()} when the run is over.
     */
    public static ProgressMetrics register(Configuration conf) {
        ProgressMetrics metrics = new ProgressMetrics(UUID.randomUUID().toString());
        BY_ID.put(metrics.id, metrics);
        String prefix = "metrics.reporter." + REPORTER_NAME + ".";
        conf.setString(prefix + "factory.class", ProgressMetricsReporterFactory.class.getName());
        conf.setString(prefix + ID_PROPERTY, metrics.id);
        return metrics;
    }

    static ProgressMetrics byId(String id) {
        return BY_ID.get(id);
    }

    void added(Metric metric, String name) {
        live.put(metric, name);
    }

    void removed(Metric metric, String name) {
        if (live.remove(metric) != null && metric instanceof Counter counter) {
            retired.merge(name, counter.getCount(), Long::sum);
        }
    }

    /** A counter summed over subtasks, including finished ones. */
    @Override
    public long count(String name) {
        long sum = retired.getOrDefault(name, 0L);
        for (Map.Entry<Metric, String> e : live.entrySet()) {
            if (e.getValue().equals(name) && e.getKey() instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }

    /** A numeric gauge summed over the subtasks still running. */
    @Override
    public long gauge(String name) {
        long sum = 0;
        for (Map.Entry<Metric, String> e : live.entrySet()) {
            if (e.getValue().equals(name) && e.getKey() instanceof Gauge<?> gauge) {
                Object value = gauge.getValue();
                if (value instanceof Number number) {
                    sum += number.longValue();
                }
            }
        }
        return sum;
    }

    /** Whether the operator has registered its metrics yet. */
    @Override
    public boolean seen() {
        return !live.isEmpty() || !retired.isEmpty();
    }

    /** Forgets this run's metrics. */
    public void close() {
        BY_ID.remove(id);
    }
}
