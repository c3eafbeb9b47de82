package dev.triad.simulator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Google's Gemini API as the simulated server speaks it: {@code POST
 * /v1beta/models/MODEL:generateContent}, not streamed, with the key in {@code x-goog-api-key};
 * {@code contents} of {@code {role: user|model, parts: [{text}]}}, the system prompt in {@code
 * systemInstruction}, the limit in {@code generationConfig.maxOutputTokens}. The reply has one
 * candidate with a {@code finishReason} and {@code usageMetadata: {promptTokenCount,
 * candidatesTokenCount, totalTokenCount, cachedContentTokenCount}}; errors are {@code {"error":
 * {"code", "message", "status"}}}. Field names are read in camelCase or snake_case, as Gemini does.
 *
 * <p>The parse checks what Gemini requires and answers 400 otherwise, so a test that gets an answer
 * knows the client's body had that shape. {@code generationConfig.responseMimeType:
 * application/json} (with or without a {@code responseSchema}, which needs it) makes the reply the
 * bare JSON object, as {@code response_format} does in {@link ChatRequest}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class GeminiWire {

    /** Routes start with this and end with {@link #METHOD}; the model is between. */
    static final String PATH_PREFIX = "/v1beta/models/";

    static final String METHOD = ":generateContent";

    static final String HEADER_API_KEY = "x-goog-api-key";

    private GeminiWire() {}

    /** The model named by a {@code generateContent} path, or {@code null} for any other path. */
    static String model(String path) {
        if (path.startsWith(PATH_PREFIX)
                && path.endsWith(METHOD)
                && path.length() > PATH_PREFIX.length() + METHOD.length()) {
            return path.substring(PATH_PREFIX.length(), path.length() - METHOD.length());
        }
        return null;
    }

    /**
     * Parses a {@code generateContent} body; the system instruction becomes the first message.
     *
     * @throws ChatRequest.Invalid naming what is wrong
     */
    static ChatRequest parse(InputStream body, String model) throws ChatRequest.Invalid {
        JsonNode root = OllamaWire.readObject(body);
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = field(root, "systemInstruction", "system_instruction");
        if (system != null && !system.isNull()) {
            messages.add(ChatMessage.system(text(system, "systemInstruction")));
        }
        JsonNode contents = root.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw new ChatRequest.Invalid(
                    "* GenerateContentRequest.contents: contents is not specified", "contents");
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            String role = c.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                throw new ChatRequest.Invalid(
                        "Please use a valid role: user, model (contents["
                                + i
                                + "].role was "
                                + c.get("role")
                                + ")",
                        "contents");
            }
            messages.add(
                    new ChatMessage(
                            role.equals("model") ? "assistant" : "user",
                            text(c, "contents[" + i + "]")));
        }
        JsonNode config = field(root, "generationConfig", "generation_config");
        int maxTokens = 0;
        boolean structured = false;
        if (config != null) {
            JsonNode mime = field(config, "responseMimeType", "response_mime_type");
            structured = mime != null && "application/json".equals(mime.asText());
            JsonNode schema = field(config, "responseSchema", "response_schema");
            if (schema != null && !schema.isNull() && !structured) {
                throw new ChatRequest.Invalid(
                        "* GenerateContentRequest.generation_config.response_mime_type: must be"
                                + " application/json when response_schema is set, was "
                                + mime,
                        "generationConfig");
            }
            JsonNode max = field(config, "maxOutputTokens", "max_output_tokens");
            if (max != null && !max.isNull()) {
                if (!max.canConvertToInt() || max.asInt() < 1) {
                    throw new ChatRequest.Invalid(
                            "generationConfig.maxOutputTokens must be a positive integer, was "
                                    + max,
                            "generationConfig");
                }
                maxTokens = max.asInt();
            }
        }
        return new ChatRequest(model, messages, false, false, maxTokens, structured);
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode value = node.get(camel);
        return value != null ? value : node.get(snake);
    }

    /** The text of a {@code Content}: its {@code parts}, each {@code {text}}. */
    private static String text(JsonNode content, String where) throws ChatRequest.Invalid {
        JsonNode parts = content.get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw new ChatRequest.Invalid(
                    where + ".parts must be a non-empty list of {text} parts", where);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (!part.path("text").isTextual()) {
                throw new ChatRequest.Invalid(
                        where + ": this simulated server reads only text parts, got " + part,
                        where);
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    /** The whole reply; with no candidates at all when {@code empty}. */
    static byte[] response(
            OpenAiWire.Head head,
            String content,
            String finishReason,
            OpenAiWire.Usage usage,
            boolean empty) {
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("candidates");
                    if (!empty) {
                        g.writeStartObject();
                        g.writeObjectFieldStart("content");
                        g.writeArrayFieldStart("parts");
                        g.writeStartObject();
                        g.writeStringField("text", content);
                        g.writeEndObject();
                        g.writeEndArray();
                        g.writeStringField("role", "model");
                        g.writeEndObject();
                        g.writeStringField(
                                "finishReason",
                                "length".equals(finishReason) ? "MAX_TOKENS" : "STOP");
                        g.writeNumberField("index", 0);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeObjectFieldStart("usageMetadata");
                    g.writeNumberField("promptTokenCount", usage.promptTokens());
                    g.writeNumberField("candidatesTokenCount", usage.completionTokens());
                    g.writeNumberField(
                            "totalTokenCount", usage.promptTokens() + usage.completionTokens());
                    if (usage.cachedTokens() > 0) {
                        g.writeNumberField("cachedContentTokenCount", usage.cachedTokens());
                    }
                    g.writeEndObject();
                    g.writeStringField("modelVersion", head.model());
                    g.writeStringField("responseId", head.id());
                    g.writeEndObject();
                },
                false);
    }

    /** Gemini's error body; the status name follows the code as Google's APIs do. */
    static byte[] error(int code, String message) {
        String status;
        switch (code) {
            case 400:
                status = "INVALID_ARGUMENT";
                break;
            case 401:
                status = "UNAUTHENTICATED";
                break;
            case 403:
                status = "PERMISSION_DENIED";
                break;
            case 404:
                status = "NOT_FOUND";
                break;
            case 405:
                status = "UNIMPLEMENTED";
                break;
            case 429:
                status = "RESOURCE_EXHAUSTED";
                break;
            case 503:
                status = "UNAVAILABLE";
                break;
            default:
                status = "INTERNAL";
        }
        return OpenAiWire.json(
                g -> {
                    g.writeStartObject();
                    g.writeObjectFieldStart("error");
                    g.writeNumberField("code", code);
                    g.writeStringField("message", message);
                    g.writeStringField("status", status);
                    g.writeEndObject();
                    g.writeEndObject();
                },
                false);
    }
}
