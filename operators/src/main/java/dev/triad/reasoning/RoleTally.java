package dev.triad.reasoning;

import dev.triad.model.ModelCompletion;
import dev.triad.schemas.RoleUsage;
import java.util.HashMap;
import java.util.Map;

/**
 * One role's usage while a question runs, summed in place call by call (no allocation per call once
 * an endpoint was seen) and turned into the result's {@link RoleUsage} once, when the question
 * ends. Public fields, as the JSON state serialiser reads and writes them; only the task thread
 * touches it.
 */
public final class RoleTally {

    /** Calls made, failed ones and re-asks included. */
    public long calls;

    public long promptTokens;
    public long completionTokens;
    public long cachedTokens;

    /** Model latency summed over the answered calls, in milliseconds. */
    public long latencyMs;

    /** Endpoint to the calls it answered; {@code null} until one answered. */
    public Map<String, Long> replicas;

    /** Counts a call that failed (no usage, no endpoint). */
    void failed() {
        calls++;
    }

    /** Counts an answered call. */
    void answered(ModelCompletion completion) {
        calls++;
        promptTokens += completion.promptTokens();
        completionTokens += completion.completionTokens();
        cachedTokens += completion.cachedTokens();
        latencyMs += completion.latencyMs();
        String endpoint = completion.endpoint();
        if (endpoint != null) {
            if (replicas == null) {
                replicas = new HashMap<>(4);
            }
            replicas.merge(endpoint, 1L, Long::sum);
        }
    }

    /** The sums as a result's usage, without a cost. */
    RoleUsage toUsage() {
        return new RoleUsage(
                calls, promptTokens, completionTokens, cachedTokens, latencyMs, replicas, null);
    }
}
