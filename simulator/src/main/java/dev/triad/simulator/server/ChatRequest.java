package dev.triad.simulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI chat-completions request body the simulated server reads: {@code model},
 * {@code messages} (content as a string or as a list of {@code {type: text, text}} parts), {@code
 * stream}, {@code stream_options.include_usage} and {@code max_completion_tokens} / {@code
 * max_tokens}. Everything else (temperature, response_format, ...) is accepted and ignored.
 *
 * @param model the model named, or {@code null}
 * @param messages the chat
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 * @param maxTokens the completion token limit, or 0 for none
 */
record ChatRequest(
        String model,
        List<ChatMessage> messages,
        boolean stream,
        boolean includeUsage,
        int maxTokens) {

    /** A request the server refuses with 400 {@code invalid_request_error}. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        final String param;

        Invalid(String message, String param) {
            super(message);
            this.param = param;
        }
    }

    /**
     * Parses a request body.
     *
     * @throws Invalid naming what is wrong and the parameter
     */
    static ChatRequest parse(InputStream body) throws Invalid {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new Invalid(
                    "The request body is not valid JSON: "
                            + e.getOriginalMessage()
                            + ". Send a chat-completions JSON object.",
                    null);
        } catch (IOException e) {
            throw new Invalid("The request body cannot be read: " + e.getMessage() + ".", null);
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(
                    "The request body must be a JSON object with 'messages'; got "
                            + (root == null ? "nothing" : root.getNodeType())
                            + ".",
                    null);
        }
        JsonNode model = root.get("model");
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray() || messagesNode.isEmpty()) {
            throw new Invalid(
                    "'messages' must be a non-empty array of {role, content} objects.", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            JsonNode m = messagesNode.get(i);
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw new Invalid(
                        "messages[" + i + "].role must be a string such as 'user'.",
                        "messages[" + i + "].role");
            }
            messages.add(new ChatMessage(role.asText(), content(m.get("content"), i)));
        }
        boolean stream = root.path("stream").asBoolean(false);
        boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
        int maxTokens = 0;
        for (String key : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode node = root.get(key);
            if (node != null && !node.isNull()) {
                if (!node.canConvertToInt() || node.asInt() < 1) {
                    throw new Invalid(key + " must be a positive integer, was " + node + ".", key);
                }
                maxTokens = node.asInt();
                break;
            }
        }
        return new ChatRequest(
                model != null && model.isTextual() ? model.asText() : null,
                messages,
                stream,
                includeUsage,
                maxTokens);
    }

    private static String content(JsonNode content, int index) throws Invalid {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText())) {
                    text.append(part.path("text").asText());
                }
            }
            return text.toString();
        }
        throw new Invalid(
                "messages[" + index + "].content must be a string or a list of text parts.",
                "messages[" + index + "].content");
    }
}
