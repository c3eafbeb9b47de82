package dev.triad.model.openai;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A snapshot of latencies the client recorded (microsecond resolution, three significant digits):
 * how many, percentiles, mean and maximum, in milliseconds. Snapshots of several replicas or
 * subtasks add up with {@link #plus}.
 *
 * <p>Immutable and thread-safe; the recording side is {@link Recorder}, internal to the client.
 */
@PublicEvolving
public final class LatencyHistogram {

    /** Significant decimal digits kept of every value. */
    static final int SIGNIFICANT_DIGITS = 3;

    private static final LatencyHistogram EMPTY = new LatencyHistogram(new Histogram(3));

    private final Histogram micros;

    private LatencyHistogram(Histogram micros) {
        this.micros = micros;
    }

    /** A histogram with nothing in it. */
    public static LatencyHistogram empty() {
        return EMPTY;
    }

    /** Values recorded. */
    public long count() {
        return micros.getTotalCount();
    }

    /**
     * The value at a percentile in milliseconds, e.g. {@code percentileMillis(50)} for the median;
     * 0 when empty.
     *
     * @param percentile in [0, 100]
     */
    public double percentileMillis(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], was " + percentile);
        }
        return count() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The median in milliseconds; 0 when empty. */
    public double p50Millis() {
        return percentileMillis(50);
    }

    /** The mean in milliseconds; 0 when empty. */
    public double meanMillis() {
        return count() == 0 ? 0 : micros.getMean() / 1000.0;
    }

    /** The largest value in milliseconds; 0 when empty. */
    public double maxMillis() {
        return count() == 0 ? 0 : micros.getMaxValue() / 1000.0;
    }

    /** This histogram and {@code other} together (e.g. two replicas, or two subtasks). */
    public LatencyHistogram plus(LatencyHistogram other) {
        if (other.count() == 0) {
            return this;
        }
        if (count() == 0) {
            return other;
        }
        Histogram sum = micros.copy();
        sum.add(other.micros);
        return new LatencyHistogram(sum);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "LatencyHistogram[count %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms]",
                count(),
                p50Millis(),
                percentileMillis(99),
                maxMillis());
    }

    /** Records latencies from any thread without locks; {@link #snapshot()} copies them. */
    public static final class Recorder {
        private final ConcurrentHistogram micros = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

        /** Records one latency. */
        public void recordNanos(long nanos) {
            micros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
        }

        /** What was recorded so far. */
        public LatencyHistogram snapshot() {
            if (micros.getTotalCount() == 0) {
                return EMPTY;
            }
            Histogram copy = new Histogram(SIGNIFICANT_DIGITS);
            copy.add(micros.copy());
            return new LatencyHistogram(copy);
        }
    }
}
