package dev.triad.jobs.progress;

import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * A Flink metric reporter that passes the metrics of the reasoning operator's {@code triad} group
 * to a {@link ProgressMetrics} in the same JVM. Installed by {@link
 * ProgressMetrics#register(org.apache.flink.configuration.Configuration)}; not meant for clusters.
 */
public final class ProgressMetricsReporter implements MetricReporter {

    private final String id;

    ProgressMetricsReporter(String id) {
        this.id = id;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        ProgressMetrics target = ProgressMetrics.byId(id);
        if (target != null && inTriadGroup(group)) {
            target.added(metric, metricName);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        ProgressMetrics target = ProgressMetrics.byId(id);
        if (target != null && inTriadGroup(group)) {
            target.removed(metric, metricName);
        }
    }

    private static boolean inTriadGroup(MetricGroup group) {
        String[] scope = group.getScopeComponents();
        return scope.length > 1 && ProgressMetrics.GROUP.equals(scope[scope.length - 1]);
    }
}
