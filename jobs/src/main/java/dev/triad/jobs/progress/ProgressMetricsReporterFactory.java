package dev.triad.jobs.progress;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates {@link ProgressMetricsReporter}s; Flink finds it through {@code META-INF/services} when a
 * configuration names it ({@code metrics.reporter.NAME.factory.class}).
 */
public final class ProgressMetricsReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ProgressMetricsReporter(properties.getProperty(ProgressMetrics.ID_PROPERTY, ""));
    }
}
