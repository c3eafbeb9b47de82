package dev.triad.simulator.server;

import java.util.Map;

/**
 * A snapshot of one simulated replica's counters: what its {@code /metrics} shows, for tests and
 * tools in the same JVM.
 *
 * @param replica the replica's index
 * @param running sequences running now
 * @param waiting requests waiting for a slot now
 * @param hanging requests held open without an answer (fault {@code hang})
 * @param runningSeconds running sequences integrated over time, in sequence-seconds
 * @param prefixQueryTokens prompt tokens looked up in the prefix cache
 * @param prefixHitTokens prompt tokens found there
 * @param prefixCacheBlocks blocks in the prefix cache now
 * @param promptTokens prompt tokens of requests started
 * @param generationTokens completion tokens answered
 * @param requestsByCode chat requests by the status code answered ({@code none}: reset, hang or the
 *     client went away)
 * @param faults faults injected, by type
 */
public record ReplicaStats(
        int replica,
        int running,
        int waiting,
        int hanging,
        double runningSeconds,
        long prefixQueryTokens,
        long prefixHitTokens,
        int prefixCacheBlocks,
        long promptTokens,
        long generationTokens,
        Map<String, Long> requestsByCode,
        Map<FaultType, Long> faults) {

    /** Chat requests answered with this status code (e.g. {@code "200"}, or {@code "none"}). */
    public long requests(String code) {
        return requestsByCode.getOrDefault(code, 0L);
    }

    /** All chat requests counted so far. */
    public long requests() {
        return requestsByCode.values().stream().mapToLong(Long::longValue).sum();
    }
}
