package dev.triad.model;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a model registers its own metrics, without depending on a metrics library: the reasoning
 * operator adapts its Flink {@code MetricGroup} to this, other hosts may adapt theirs or pass
 * {@link #NONE}.
 *
 * <p>Every metric is read by the reporter from a value the model keeps anyway ({@link LongSupplier}
 * and {@link Supplier} are called on the reporter's thread), so nothing is updated per call for
 * metrics. Registration happens once, after the model is opened.
 */
@PublicEvolving
public interface ModelMetricGroup {

    /** A group that drops everything registered in it. */
    ModelMetricGroup NONE =
            new ModelMetricGroup() {
                @Override
                public ModelMetricGroup addGroup(String key, String value) {
                    return this;
                }

                @Override
                public void counter(String name, LongSupplier count) {}

                @Override
                public <T extends Number> void gauge(String name, Supplier<T> value) {}
            };

    /**
     * A key-value subgroup, e.g. {@code replica=<base URL>}; reporters that know labels (Flink's
     * Prometheus reporter) turn it into a label.
     */
    ModelMetricGroup addGroup(String key, String value);

    /** A monotonic count read from {@code count}. */
    void counter(String name, LongSupplier count);

    /** A value read from {@code value} when reported. */
    <T extends Number> void gauge(String name, Supplier<T> value);
}
