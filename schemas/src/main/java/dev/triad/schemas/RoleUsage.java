package dev.triad.schemas;

/**
 * What one role's model calls cost for one (question, strategy).
 *
 * @param calls model calls made, including retries after unparsable replies
 * @param promptTokens prompt tokens summed over the calls
 * @param completionTokens completion tokens summed over the calls
 * @param cachedTokens prompt tokens served from a prefix cache
 * @param latencyMs model latency summed over the calls, in milliseconds
 */
public record RoleUsage(
        long calls, long promptTokens, long completionTokens, long cachedTokens, long latencyMs) {

    /** No calls. */
    public static final RoleUsage ZERO = new RoleUsage(0, 0, 0, 0, 0);

    /** This usage plus one call. */
    public RoleUsage plus(long prompt, long completion, long cached, long latency) {
        return new RoleUsage(
                calls + 1,
                promptTokens + prompt,
                completionTokens + completion,
                cachedTokens + cached,
                latencyMs + latency);
    }
}
