package dev.triad.reasoning;

import dev.triad.model.ModelMetricGroup;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * A model's {@link ModelMetricGroup} on a Flink {@link MetricGroup}: key-value groups stay
 * key-value groups (labels in Prometheus), counters are read-only Flink {@link Counter}s over the
 * model's own sums, gauges are Flink {@link Gauge}s. Metric names are passed through unchanged.
 */
@Internal
final class FlinkModelMetricGroup implements ModelMetricGroup {

    private final MetricGroup group;

    FlinkModelMetricGroup(MetricGroup group) {
        this.group = group;
    }

    @Override
    public ModelMetricGroup addGroup(String key, String value) {
        return new FlinkModelMetricGroup(group.addGroup(key, value));
    }

    @Override
    public void counter(String name, LongSupplier count) {
        group.counter(name, new ReadCounter(count));
    }

    @Override
    public <T extends Number> void gauge(String name, Supplier<T> value) {
        group.gauge(name, (Gauge<T>) value::get);
    }

    /** A counter the reporter reads from a sum the model keeps anyway. */
    private static final class ReadCounter implements Counter {

        private final LongSupplier value;

        ReadCounter(LongSupplier value) {
            this.value = value;
        }

        @Override
        public void inc() {
            throw new UnsupportedOperationException("read-only: the model counts");
        }

        @Override
        public void inc(long n) {
            throw new UnsupportedOperationException("read-only: the model counts");
        }

        @Override
        public void dec() {
            throw new UnsupportedOperationException("read-only: the model counts");
        }

        @Override
        public void dec(long n) {
            throw new UnsupportedOperationException("read-only: the model counts");
        }

        @Override
        public long getCount() {
            return value.getAsLong();
        }
    }
}
