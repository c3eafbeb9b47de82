package dev.triad.model.openai;

import dev.triad.model.openai.OpenAiCallException.Kind;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * One replica's client-side figures as Flink metrics, in a key-value group {@code replica=<base
 * URL>} under the role's group (Prometheus: a {@code replica} label): requests sent, answered,
 * failed by kind, tokens, calls in flight and queued, the adaptive concurrency limit, whether it is
 * skipped, and p50 / p95 latency and time to first token. Read by the reporter from the client's
 * own counters; nothing is updated per call for them.
 */
final class ReplicaMetrics {

    private ReplicaMetrics() {}

    static void register(MetricGroup roleGroup, ReplicaEndpoint replica) {
        MetricGroup group = roleGroup.addGroup("replica", replica.baseUrl);
        group.counter("requests", new ReadCounter(replica.sent::sum));
        group.counter("succeeded", new ReadCounter(replica.succeeded::sum));
        group.counter("promptTokens", new ReadCounter(replica.promptTokens::sum));
        group.counter("completionTokens", new ReadCounter(replica.completionTokens::sum));
        group.counter("cachedTokens", new ReadCounter(replica.cachedTokens::sum));
        group.counter("ejections", new ReadCounter(replica.ejections::sum));
        for (Kind kind : Kind.values()) {
            if (kind != Kind.EXHAUSTED) {
                group.addGroup("failure", kind.name())
                        .counter("requests", new ReadCounter(() -> failures(replica, kind)));
            }
        }
        group.gauge("inFlight", (Gauge<Integer>) replica::inFlight);
        group.gauge("queued", (Gauge<Integer>) replica::queued);
        group.gauge("concurrencyLimit", (Gauge<Integer>) () -> replica.limit.getLimit());
        group.gauge("down", (Gauge<Integer>) () -> replica.down(System.nanoTime()) ? 1 : 0);
        group.gauge("latencyP50Ms", (Gauge<Double>) () -> replica.latency.snapshot().p50Millis());
        group.gauge(
                "latencyP95Ms",
                (Gauge<Double>) () -> replica.latency.snapshot().percentileMillis(95));
        group.gauge(
                "timeToFirstTokenP50Ms",
                (Gauge<Double>) () -> replica.timeToFirstToken.snapshot().p50Millis());
    }

    private static long failures(ReplicaEndpoint replica, Kind kind) {
        var count = replica.failures.get(kind);
        return count == null ? 0 : count.sum();
    }

    /** A counter the reporter reads from a sum the client keeps anyway. */
    private static final class ReadCounter implements Counter {

        private final LongSupplier value;

        ReadCounter(LongSupplier value) {
            this.value = value;
        }

        @Override
        public void inc() {
            throw new UnsupportedOperationException("read-only: the client counts");
        }

        @Override
        public void inc(long n) {
            throw new UnsupportedOperationException("read-only: the client counts");
        }

        @Override
        public void dec() {
            throw new UnsupportedOperationException("read-only: the client counts");
        }

        @Override
        public void dec(long n) {
            throw new UnsupportedOperationException("read-only: the client counts");
        }

        @Override
        public long getCount() {
            return value.getAsLong();
        }
    }
}
