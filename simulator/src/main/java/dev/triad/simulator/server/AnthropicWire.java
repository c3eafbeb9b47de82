package dev.triad.simulator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API as the simulated server speaks it: {@code POST /v1/messages}, not
 * streamed, with the {@code x-api-key} and {@code anthropic-version} headers; the system prompt in
 * {@code system} (a string or text blocks), {@code messages} with roles {@code user} and {@code
 * assistant} only, {@code max_tokens} required. The reply is a {@code message} with text {@code
 * content} blocks, a {@code stop_reason} and {@code usage: {input_tokens, output_tokens,
 * cache_read_input_tokens, cache_creation_input_tokens}} (input_tokens without the cached ones, as
 * Anthropic counts); errors are {@code {"type": "error", "error": {"type", "message"}}}.
 *
 * <p>The parse checks what Anthropic requires and answers 400 otherwise, so a test that gets an
 * answer knows the client's body had that shape. {@code output_config.format} ({@code type:
 * json_schema} with a {@code schema} object, Anthropic's structured outputs) makes the reply the
 * bare JSON object, as {@code response_format} does in {@link ChatRequest}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class AnthropicWire {

    /** The route. */
    static final String PATH = "/v1/messages";

    static final String HEADER_API_KEY = "x-api-key";
    static final String HEADER_VERSION = "anthropic-version";

    private AnthropicWire() {}

    /**
     * Parses a {@code /v1/messages} body; the system prompt becomes the first message.
     *
     * @throws ChatRequest.Invalid naming what is wrong
     */
    static ChatRequest parse(InputStream body) throws ChatRequest.Invalid {
        JsonNode root = OllamaWire.readObject(body);
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw new ChatRequest.Invalid("model: Field required", "model");
        }
        JsonNode maxTokens = root.get("max_tokens");
        if (maxTokens == null || !maxTokens.canConvertToInt() || maxTokens.asInt() < 1) {
            throw new ChatRequest.Invalid(
                    "max_tokens: a positive integer is required, was " + maxTokens, "max_tokens");
        }
        if (root.path("stream").asBoolean(false)) {
            throw new ChatRequest.Invalid(
                    "this simulated Anthropic server answers only without \"stream\": true",
                    "stream");
        }
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = root.get("system");
        if (system != null && !system.isNull()) {
            messages.add(ChatMessage.system(text(system, "system")));
        }
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray() || messagesNode.isEmpty()) {
            throw new ChatRequest.Invalid(
                    "messages: a non-empty array of {role, content} is required", "messages");
        }
        for (int i = 0; i < messagesNode.size(); i++) {
            JsonNode m = messagesNode.get(i);
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new ChatRequest.Invalid(
                        "messages."
                                + i
                                + ".role: Input should be 'user' or 'assistant' (the system prompt"
                                + " goes in 'system'), was "
                                + m.get("role"),
                        "messages");
            }
            messages.add(new ChatMessage(role, text(m.get("content"), "messages." + i)));
        }
        return new ChatRequest(
                model.asText(),
                messages,
                false,
                false,
                maxTokens.asInt(),
                structured(root.path("output_config").get("format")));
    }

    /**
     * Whether {@code output_config.format} asks for JSON.
     *
     * @throws ChatRequest.Invalid unless it is {@code {type: json_schema, schema: {...}}}, as
     *     Anthropic answers
     */
    private static boolean structured(JsonNode format) throws ChatRequest.Invalid {
        if (format == null || format.isNull()) {
            return false;
        }
        if (!"json_schema".equals(format.path("type").asText())) {
            throw new ChatRequest.Invalid(
                    "output_config.format.type: Input should be 'json_schema', was "
                            + format.get("type"),
                    "output_config");
        }
        if (!format.path("schema").isObject()) {
            throw new ChatRequest.Invalid(
                    "output_config.format.schema: a JSON schema object is required",
                    "output_config");
        }
        return true;
    }

    /** A string, or a list of {@code {type: text, text}} blocks. */
    private static String text(JsonNode node, String where) throws ChatRequest.Invalid {
        if (node != null && node.isTextual()) {
            return node.asText();
        }
        if (node != null && node.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode block : node) {
                if (!"text".equals(block.path("type").asText())
                        || !block.path("text").isTextual()) {
                    throw new ChatRequest.Invalid(
                            where + ": this simulated server reads only text blocks, got " + block,
                            where);
                }
                text.append(block.get("text").asText());
            }
            return text.toString();
        }
        throw new ChatRequest.Invalid(
                where + ".content: a string or a list of text blocks is required", where);
    }

    /** The whole reply; with an empty {@code content} list when {@code empty}. */
    static byte[] message(
            OpenAiWire.Head head,
            String content,
            String finishReason,
            OpenAiWire.Usage usage,
            boolean empty) {
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", "msg_" + head.id());
                    g.writeStringField("type", "message");
                    g.writeStringField("role", "assistant");
                    g.writeStringField("model", head.model());
                    g.writeArrayFieldStart("content");
                    if (!empty) {
                        g.writeStartObject();
                        g.writeStringField("type", "text");
                        g.writeStringField("text", content);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeStringField(
                            "stop_reason",
                            "length".equals(finishReason) ? "max_tokens" : "end_turn");
                    g.writeNullField("stop_sequence");
                    g.writeObjectFieldStart("usage");
                    g.writeNumberField("input_tokens", usage.promptTokens() - usage.cachedTokens());
                    g.writeNumberField("cache_creation_input_tokens", 0);
                    g.writeNumberField("cache_read_input_tokens", usage.cachedTokens());
                    g.writeNumberField("output_tokens", usage.completionTokens());
                    g.writeEndObject();
                    g.writeEndObject();
                },
                false);
    }

    /** Anthropic's error body; the error type follows the status as Anthropic's does. */
    static byte[] error(int status, String message) {
        String type;
        switch (status) {
            case 401:
                type = "authentication_error";
                break;
            case 403:
                type = "permission_error";
                break;
            case 404:
                type = "not_found_error";
                break;
            case 429:
                type = "rate_limit_error";
                break;
            case 500:
                type = "api_error";
                break;
            case 503:
            case 529:
                type = "overloaded_error";
                break;
            default:
                type = "invalid_request_error";
        }
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("type", "error");
                    g.writeObjectFieldStart("error");
                    g.writeStringField("type", type);
                    g.writeStringField("message", message);
                    g.writeEndObject();
                    g.writeEndObject();
                },
                false);
    }
}
