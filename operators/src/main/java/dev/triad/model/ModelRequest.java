package dev.triad.model;

import java.util.List;

/**
 * One call to a model: the rendered chat, sampling settings and the call's structured context.
 *
 * @param role which role makes the call
 * @param messages the chat to complete
 * @param temperature sampling temperature
 * @param maxTokens completion token limit
 * @param context what the call is for (not sent to real models)
 */
public record ModelRequest(
        Role role,
        List<ChatMessage> messages,
        double temperature,
        int maxTokens,
        CallContext context) {

    public ModelRequest {
        messages = List.copyOf(messages);
    }
}
