package dev.triad.model;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A model's reply to one {@link ModelRequest}, with its usage.
 *
 * @param text the completion text
 * @param promptTokens prompt tokens the model counted
 * @param completionTokens completion tokens the model counted
 * @param cachedTokens prompt tokens served from a prefix cache
 * @param latencyMs time from request to last token, in milliseconds
 * @param endpoint which model or replica answered, e.g. {@code sim} or a base URL
 */
@PublicEvolving
public record ModelCompletion(
        String text,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        long latencyMs,
        String endpoint) {}
