package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one role's model calls cost for one (question, strategy).
 *
 * <p>{@code replicas} and {@code cost} came later than the other fields: a record written without
 * them reads back with no replicas and no cost.
 *
 * @param calls model calls made, including retries after unparsable replies and failed calls
 * @param promptTokens prompt tokens summed over the calls
 * @param completionTokens completion tokens summed over the calls
 * @param cachedTokens prompt tokens served from a prefix cache
 * @param latencyMs model latency summed over the calls, in milliseconds
 * @param replicas which endpoint (replica base URL, or e.g. {@code sim:default}) answered how many
 *     of the calls, in endpoint order; failed calls have no endpoint, so the counts may sum to
 *     fewer than {@code calls}. Empty when unknown; never {@code null}
 * @param cost the estimated cost of the calls from a price table (per 1M tokens, in the table's
 *     currency), or {@code null} when no price table was given
 */
public record RoleUsage(
        long calls,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long latencyMs,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> replicas,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double cost) {

    /** No calls. */
    public static final RoleUsage ZERO = new RoleUsage(0, 0, 0, 0, 0);

    /** Empty replicas stay the shared empty map, so the per-call sums allocate nothing more. */
    public RoleUsage {
        replicas =
                replicas == null || replicas.isEmpty()
                        ? Map.of()
                        : Collections.unmodifiableSortedMap(new TreeMap<>(replicas));
    }

    /** Usage without replicas and without a cost. */
    public RoleUsage(
            long calls,
            long promptTokens,
            long completionTokens,
            long cachedTokens,
            long latencyMs) {
        this(calls, promptTokens, completionTokens, cachedTokens, latencyMs, Map.of(), null);
    }

    /** This usage plus one call; the replicas are kept, the cost is dropped (it no longer fits). */
    public RoleUsage plus(long prompt, long completion, long cached, long latency) {
        return new RoleUsage(
                calls + 1,
                promptTokens + prompt,
                completionTokens + completion,
                cachedTokens + cached,
                latencyMs + latency,
                replicas,
                null);
    }

    /** This usage with {@code replicas} (endpoint to calls it answered). */
    public RoleUsage withReplicas(Map<String, Long> replicas) {
        return new RoleUsage(
                calls, promptTokens, completionTokens, cachedTokens, latencyMs, replicas, cost);
    }

    /** This usage with an estimated {@code cost}, or {@code null} for none. */
    public RoleUsage withCost(Double cost) {
        return new RoleUsage(
                calls, promptTokens, completionTokens, cachedTokens, latencyMs, replicas, cost);
    }

    /**
     * The sum of two usages: counts, tokens, latency and replica counts added; the cost is the sum
     * when both have one, else {@code null}.
     */
    public RoleUsage add(RoleUsage other) {
        Map<String, Long> merged = replicas;
        if (!other.replicas.isEmpty()) {
            Map<String, Long> sum = new TreeMap<>(replicas);
            other.replicas.forEach((endpoint, n) -> sum.merge(endpoint, n, Long::sum));
            merged = sum;
        }
        return new RoleUsage(
                calls + other.calls,
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                cachedTokens + other.cachedTokens,
                latencyMs + other.latencyMs,
                merged,
                cost == null || other.cost == null ? null : cost + other.cost);
    }
}
