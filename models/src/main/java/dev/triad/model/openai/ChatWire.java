package dev.triad.model.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.ChatMessage;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON of OpenAI's chat-completions API as the client writes and reads it: the request body
 * ({@code model}, {@code messages}, {@code temperature}, {@code max_tokens}, {@code stream}, and
 * with {@code stream: true} {@code stream_options.include_usage}; {@code response_format} when the
 * binding asks for structured outputs, see {@link #responseFormat}), a completion's first choice
 * and its {@code usage} (with {@code prompt_tokens_details.cached_tokens}), and the model list of
 * {@code GET /models}. Streamed answers are read by {@link ChatStream}.
 *
 * <p>Stateless; thread-safe.
 */
final class ChatWire {

    private ChatWire() {}

    /** The parts of a completion the client keeps. */
    record Reply(String text, int promptTokens, int completionTokens, int cachedTokens) {}

    /** The body of {@code POST /chat/completions}. */
    static byte[] requestBody(
            String model,
            List<ChatMessage> messages,
            double temperature,
            int maxTokens,
            boolean stream,
            JsonNode responseFormat) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("messages");
            for (ChatMessage message : messages) {
                g.writeStartObject();
                g.writeStringField("role", message.role());
                g.writeStringField("content", message.content() == null ? "" : message.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("temperature", temperature);
            if (maxTokens > 0) {
                g.writeNumberField("max_tokens", maxTokens);
            }
            if (responseFormat != null) {
                g.writeFieldName("response_format");
                g.writeTree(responseFormat);
            }
            g.writeBooleanField("stream", stream);
            if (stream) {
                // Without it an OpenAI-compatible server sends no usage in a stream.
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The {@code response_format} of a call whose reply asks for {@code fields}, or {@code null}
     * when nothing is to be sent ({@link StructuredOutput#OFF}, or a call without reply fields).
     */
    static JsonNode responseFormat(
            StructuredOutput structured,
            String name,
            List<ReplyField> fields,
            int maxChars,
            int maxItems) {
        if (structured == StructuredOutput.OFF || fields == null || fields.isEmpty()) {
            return null;
        }
        // A handful of distinct formats (one per strategy and purpose) serve every call: built
        // once, then shared. Only written (writeTree), never changed after it is cached.
        return FORMATS.computeIfAbsent(
                new FormatKey(structured, name, List.copyOf(fields), maxChars, maxItems),
                k -> buildResponseFormat(structured, name, fields, maxChars, maxItems));
    }

    /** What a {@code response_format} is made from. */
    private record FormatKey(
            StructuredOutput structured,
            String name,
            List<ReplyField> fields,
            int maxChars,
            int maxItems) {}

    private static final Map<FormatKey, JsonNode> FORMATS = new ConcurrentHashMap<>();

    private static JsonNode buildResponseFormat(
            StructuredOutput structured,
            String name,
            List<ReplyField> fields,
            int maxChars,
            int maxItems) {
        ObjectNode format = JsonNodeFactory.instance.objectNode();
        format.put("type", structured.key());
        if (structured == StructuredOutput.JSON_SCHEMA) {
            ObjectNode schema = format.putObject("json_schema");
            schema.put("name", name);
            schema.put("strict", true);
            schema.set("schema", ReplySchema.of(fields, maxChars, maxItems));
        }
        return format;
    }

    /**
     * Reads a completion.
     *
     * @throws OpenAiCallException (retriable) when the body does not parse, has no choices or no
     *     message
     */
    static Reply parseCompletion(String endpoint, byte[] body, ApiKey key) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            // The parser quotes the body; a server may have echoed the key into it.
            String why = key.redact(String.valueOf(e.getOriginalMessage()));
            if (why.length() > OpenAiErrors.MAX_SERVER_MESSAGE) {
                why = why.substring(0, OpenAiErrors.MAX_SERVER_MESSAGE) + "...";
            }
            throw OpenAiErrors.badResponse(endpoint, "the body is not valid JSON: " + why);
        } catch (IOException e) {
            throw OpenAiErrors.badResponse(endpoint, "the body cannot be read");
        }
        if (root == null || !root.isObject()) {
            throw OpenAiErrors.badResponse(endpoint, "the body is not a JSON object");
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw OpenAiErrors.badResponse(endpoint, "'choices' is empty or missing");
        }
        JsonNode message = choices.get(0).get("message");
        if (message == null || !message.isObject()) {
            throw OpenAiErrors.badResponse(endpoint, "choices[0] has no 'message'");
        }
        JsonNode content = message.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder parts = new StringBuilder();
            for (JsonNode part : content) {
                parts.append(part.path("text").asText(""));
            }
            text = parts.toString();
        } else {
            throw OpenAiErrors.badResponse(endpoint, "choices[0].message.content is not text");
        }
        return reply(text, root.path("usage"));
    }

    /** A reply with the token counts of an OpenAI {@code usage} object (0 where missing). */
    static Reply reply(String text, JsonNode usage) {
        return new Reply(
                text,
                usage.path("prompt_tokens").asInt(0),
                usage.path("completion_tokens").asInt(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asInt(0));
    }

    /**
     * The first model id of a {@code GET /models} answer.
     *
     * @throws OpenAiCallException (retriable) when there is none
     */
    static String firstModel(String endpoint, byte[] body) {
        try {
            JsonNode data = Json.mapper().readTree(body).path("data");
            if (data.isArray() && !data.isEmpty() && data.get(0).path("id").isTextual()) {
                return data.get(0).path("id").asText();
            }
        } catch (IOException | RuntimeException e) {
            // Reported below.
        }
        throw OpenAiErrors.badResponse(
                endpoint,
                "GET /models lists no model; name the model in the binding with #name, e.g."
                        + " openai:"
                        + endpoint
                        + "#my-model");
    }
}
