package dev.triad.model;

import org.apache.flink.annotation.PublicEvolving;

/**
 * One chat message in OpenAI's sense.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the text
 */
@PublicEvolving
public record ChatMessage(String role, String content) {

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }
}
