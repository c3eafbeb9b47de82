package dev.triad.jobs.progress;

/**
 * Where a {@link ProgressLine} reads the reasoning operator's numbers: {@link ProgressMetrics} in
 * the JVM of an embedded MiniCluster, or a Flink cluster's REST API for a submitted job. Names are
 * those of {@link ProgressMetrics} ({@link ProgressMetrics#QUESTIONS_FINISHED}, {@link
 * ProgressMetrics#CALLS_IN_FLIGHT}), summed over subtasks.
 */
public interface ProgressSource {

    /** Whether the operator's numbers have been seen yet (the job is running). */
    boolean seen();

    /** A counter summed over subtasks. */
    long count(String name);

    /** A numeric gauge summed over subtasks. */
    long gauge(String name);

    /** What the progress line says before the numbers are seen (followed by the seconds waited). */
    default String waiting() {
        return "starting the embedded Flink MiniCluster...";
    }
}
