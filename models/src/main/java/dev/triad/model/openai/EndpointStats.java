package dev.triad.model.openai;

import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A snapshot of one replica as one {@link OpenAiCompatibleModel} sees it, for metrics and tests.
 * Holds no key, prompt or answer.
 *
 * @param endpoint the replica's base URL
 * @param limit the adaptive concurrency limit now
 * @param inFlight calls on the wire now
 * @param queued calls waiting for a slot, a rate-limit token or {@code Retry-After}
 * @param sent requests sent so far
 * @param succeeded requests answered with a usable completion
 * @param failures failed requests by kind ({@link OpenAiCallException.Kind} names)
 * @param promptTokens prompt tokens the replica reported
 * @param completionTokens completion tokens the replica reported
 * @param cachedTokens prompt tokens served from its prefix cache
 * @param ejections times it was skipped after refusing a connection
 * @param down whether it is skipped now
 * @param streamed requests answered as a stream ({@code stream=true}) with a usable completion
 * @param latency time from sending a request to its last byte, of the requests that succeeded
 * @param timeToFirstToken time from sending a streamed request to its first chunk with a choice
 *     (the first token), of the streamed requests that succeeded; empty without {@code stream=true}
 */
@PublicEvolving
public record EndpointStats(
        String endpoint,
        int limit,
        int inFlight,
        int queued,
        long sent,
        long succeeded,
        Map<String, Long> failures,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long ejections,
        boolean down,
        long streamed,
        LatencyHistogram latency,
        LatencyHistogram timeToFirstToken) {

    /** Failed requests of one kind. */
    public long failures(OpenAiCallException.Kind kind) {
        return failures.getOrDefault(kind.name(), 0L);
    }
}
