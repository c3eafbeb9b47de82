package dev.triad.simulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Ollama's native chat API as the simulated server speaks it: {@code POST /api/chat} with {@code
 * stream: false} only (Ollama streams when {@code stream} is absent, so it must be sent), the reply
 * {@code {model, created_at, message: {role, content}, done, done_reason, prompt_eval_count,
 * eval_count}} and the error {@code {"error": "..."}}.
 *
 * <p>The parse checks what Ollama requires (a model, messages with known roles and string content,
 * a {@code format} that is {@code "json"} or a JSON schema object) and answers 400 otherwise, so a
 * test that gets an answer knows the client's body had that shape. A {@code format} makes the reply
 * the bare JSON object, as {@code response_format} does in {@link ChatRequest}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class OllamaWire {

    /** The route. */
    static final String PATH = "/api/chat";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private OllamaWire() {}

    /**
     * Parses a {@code /api/chat} body.
     *
     * @throws ChatRequest.Invalid naming what is wrong
     */
    static ChatRequest parse(InputStream body) throws ChatRequest.Invalid {
        JsonNode root = readObject(body);
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw new ChatRequest.Invalid("model is required", "model");
        }
        JsonNode stream = root.get("stream");
        if (stream == null || !stream.isBoolean() || stream.asBoolean()) {
            throw new ChatRequest.Invalid(
                    "this simulated Ollama answers only \"stream\": false (Ollama streams when"
                            + " stream is absent), was "
                            + stream,
                    "stream");
        }
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray() || messagesNode.isEmpty()) {
            throw new ChatRequest.Invalid(
                    "messages must be a non-empty array of {role, content}", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            JsonNode m = messagesNode.get(i);
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw new ChatRequest.Invalid(
                        "messages["
                                + i
                                + "].role must be one of "
                                + ROLES
                                + ", was "
                                + m.get("role"),
                        "messages");
            }
            JsonNode content = m.get("content");
            if (content != null && !content.isNull() && !content.isTextual()) {
                throw new ChatRequest.Invalid(
                        "messages[" + i + "].content must be a string", "messages");
            }
            messages.add(new ChatMessage(role, content == null ? "" : content.asText()));
        }
        JsonNode numPredict = root.path("options").get("num_predict");
        int maxTokens = 0;
        if (numPredict != null && !numPredict.isNull()) {
            if (!numPredict.canConvertToInt()) {
                throw new ChatRequest.Invalid(
                        "options.num_predict must be an integer, was " + numPredict, "options");
            }
            // Ollama: -1 (or any negative) means no limit.
            maxTokens = Math.max(0, numPredict.asInt());
        }
        return new ChatRequest(
                model.asText(), messages, false, false, maxTokens, structured(root.get("format")));
    }

    /**
     * Whether {@code format} asks for JSON: {@code "json"} or a schema object.
     *
     * @throws ChatRequest.Invalid for anything else, as Ollama refuses it
     */
    private static boolean structured(JsonNode format) throws ChatRequest.Invalid {
        if (format == null || format.isNull()) {
            return false;
        }
        if ((format.isTextual() && format.asText().equals("json"))
                || (format.isObject() && format.path("type").isTextual())) {
            return true;
        }
        throw new ChatRequest.Invalid(
                "invalid format: \"json\" or a JSON schema object with a \"type\" is expected,"
                        + " was "
                        + format,
                "format");
    }

    /** The whole reply; with no {@code message} at all when {@code empty}. */
    static byte[] completion(
            OpenAiWire.Head head,
            String content,
            String finishReason,
            OpenAiWire.Usage usage,
            long totalNanos,
            boolean empty) {
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("model", head.model());
                    g.writeStringField(
                            "created_at", Instant.ofEpochSecond(head.created()).toString());
                    if (!empty) {
                        g.writeObjectFieldStart("message");
                        g.writeStringField("role", "assistant");
                        g.writeStringField("content", content);
                        g.writeEndObject();
                    }
                    g.writeBooleanField("done", true);
                    g.writeStringField("done_reason", finishReason);
                    g.writeNumberField("total_duration", totalNanos);
                    g.writeNumberField("prompt_eval_count", usage.promptTokens());
                    g.writeNumberField("eval_count", usage.completionTokens());
                    g.writeEndObject();
                },
                false);
    }

    /** Ollama's error body. */
    static byte[] error(String message) {
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("error", message);
                    g.writeEndObject();
                },
                false);
    }

    /** The body as a JSON object, shared with {@link AnthropicWire}. */
    static JsonNode readObject(InputStream body) throws ChatRequest.Invalid {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ChatRequest.Invalid(
                    "The request body is not valid JSON: " + e.getOriginalMessage() + ".", null);
        } catch (IOException e) {
            throw new ChatRequest.Invalid(
                    "The request body cannot be read: " + e.getMessage() + ".", null);
        }
        if (root == null || !root.isObject()) {
            throw new ChatRequest.Invalid("The request body must be a JSON object.", null);
        }
        return root;
    }
}
