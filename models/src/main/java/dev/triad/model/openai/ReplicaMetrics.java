package dev.triad.model.openai;

import dev.triad.model.ModelMetricGroup;
import dev.triad.model.openai.OpenAiCallException.Kind;

/**
 * One replica's client-side figures as metrics, in a key-value group {@code replica=<base URL>}
 * under the role's group (Prometheus: a {@code replica} label): requests sent, answered, failed by
 * kind, tokens, calls in flight and queued, the adaptive concurrency limit, whether it is skipped,
 * and p50 / p95 latency and time to first token. Read by the reporter from the client's own
 * counters; nothing is updated per call for them.
 */
final class ReplicaMetrics {

    private ReplicaMetrics() {}

    static void register(ModelMetricGroup roleGroup, ReplicaEndpoint replica) {
        ModelMetricGroup group = roleGroup.addGroup("replica", replica.baseUrl);
        group.counter("requests", replica.sent::sum);
        group.counter("succeeded", replica.succeeded::sum);
        group.counter("promptTokens", replica.promptTokens::sum);
        group.counter("completionTokens", replica.completionTokens::sum);
        group.counter("cachedTokens", replica.cachedTokens::sum);
        group.counter("ejections", replica.ejections::sum);
        for (Kind kind : Kind.values()) {
            if (kind != Kind.EXHAUSTED) {
                group.addGroup("failure", kind.name())
                        .counter("requests", () -> failures(replica, kind));
            }
        }
        group.gauge("inFlight", replica::inFlight);
        group.gauge("queued", replica::queued);
        group.gauge("concurrencyLimit", () -> replica.limit.getLimit());
        group.gauge("down", () -> replica.down(System.nanoTime()) ? 1 : 0);
        group.gauge("latencyP50Ms", () -> replica.latency.snapshot().p50Millis());
        group.gauge("latencyP95Ms", () -> replica.latency.snapshot().percentileMillis(95));
        group.gauge("timeToFirstTokenP50Ms", () -> replica.timeToFirstToken.snapshot().p50Millis());
    }

    private static long failures(ReplicaEndpoint replica, Kind kind) {
        var count = replica.failures.get(kind);
        return count == null ? 0 : count.sum();
    }
}
