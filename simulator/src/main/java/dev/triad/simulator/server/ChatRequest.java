package dev.triad.simulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The parts of an OpenAI chat-completions request body the simulated server reads: {@code model},
 * {@code messages} (content as a string or as a list of {@code {type: text, text}} parts), {@code
 * stream}, {@code stream_options.include_usage} and {@code max_completion_tokens} / {@code
 * max_tokens}, and {@code response_format}: {@code json_object} or {@code json_schema} (whose
 * schema, when {@code strict}, must be one OpenAI's strict mode accepts: every object with {@code
 * additionalProperties: false} and all its properties {@code required}) makes the reply the bare
 * JSON object. Everything else (temperature, ...) is accepted and ignored.
 *
 * @param model the model named, or {@code null}
 * @param messages the chat
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 * @param maxTokens the completion token limit, or 0 for none
 * @param structured whether {@code response_format} asks for JSON ({@code json_object} or {@code
 *     json_schema})
 */
record ChatRequest(
        String model,
        List<ChatMessage> messages,
        boolean stream,
        boolean includeUsage,
        int maxTokens,
        boolean structured) {

    /** A request without {@code response_format}. */
    ChatRequest(
            String model,
            List<ChatMessage> messages,
            boolean stream,
            boolean includeUsage,
            int maxTokens) {
        this(model, messages, stream, includeUsage, maxTokens, false);
    }

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
                maxTokens,
                structured(root.get("response_format")));
    }

    /**
     * Whether {@code response_format} asks for JSON.
     *
     * @throws Invalid as OpenAI answers a format or schema it does not take
     */
    static boolean structured(JsonNode format) throws Invalid {
        if (format == null || format.isNull()) {
            return false;
        }
        String type = format.path("type").asText("");
        switch (type) {
            case "text":
                return false;
            case "json_object":
                return true;
            case "json_schema":
                break;
            default:
                throw new Invalid(
                        "Invalid value for 'response_format.type': '"
                                + type
                                + "'. Supported values are: 'text', 'json_object' and"
                                + " 'json_schema'.",
                        "response_format.type");
        }
        JsonNode spec = format.get("json_schema");
        if (spec == null || !spec.isObject()) {
            throw new Invalid(
                    "Missing required parameter: 'response_format.json_schema'.",
                    "response_format.json_schema");
        }
        String name = spec.path("name").asText("");
        if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
            throw new Invalid(
                    "Invalid 'response_format.json_schema.name': '"
                            + name
                            + "'. Expected a string of 1 to 64 letters, digits, '_' or '-'.",
                    "response_format.json_schema.name");
        }
        JsonNode schema = spec.get("schema");
        if (schema == null || !schema.isObject()) {
            throw new Invalid(
                    "Missing required parameter: 'response_format.json_schema.schema'.",
                    "response_format.json_schema.schema");
        }
        if (spec.path("strict").asBoolean(false)) {
            String why = strictViolation(schema, "");
            if (why != null) {
                throw new Invalid(
                        "Invalid schema for response_format '" + name + "': " + why + ".",
                        "response_format");
            }
        }
        return true;
    }

    /**
     * Why {@code schema} is not one OpenAI's strict mode accepts, or {@code null}: every object
     * must close with {@code additionalProperties: false} and list all its properties in {@code
     * required}; checked through {@code properties}, {@code items}, {@code anyOf} and {@code
     * $defs}.
     */
    static String strictViolation(JsonNode schema, String at) {
        if (schema == null || !schema.isObject()) {
            return null;
        }
        String where = at.isEmpty() ? "the root" : "'" + at + "'";
        boolean object =
                "object".equals(schema.path("type").asText())
                        || (schema.path("type").isArray()
                                && schema.path("type").toString().contains("\"object\""))
                        || schema.has("properties");
        if (object) {
            JsonNode extra = schema.get("additionalProperties");
            if (extra == null || !extra.isBoolean() || extra.asBoolean()) {
                return "In "
                        + where
                        + ", 'additionalProperties' is required to be supplied and to be false";
            }
            JsonNode properties = schema.path("properties");
            JsonNode required = schema.path("required");
            Iterator<String> names = properties.fieldNames();
            while (names.hasNext()) {
                String property = names.next();
                boolean listed = false;
                for (JsonNode r : required) {
                    listed |= property.equals(r.asText());
                }
                if (!listed) {
                    return "In "
                            + where
                            + ", 'required' is required to be supplied and to be an array"
                            + " including every key in properties. Missing '"
                            + property
                            + "'";
                }
                String why = strictViolation(properties.get(property), at + "/" + property);
                if (why != null) {
                    return why;
                }
            }
        }
        String why = strictViolation(schema.get("items"), at + "/items");
        if (why != null) {
            return why;
        }
        for (String list : new String[] {"anyOf"}) {
            int i = 0;
            for (JsonNode option : schema.path(list)) {
                why = strictViolation(option, at + "/" + list + "/" + i++);
                if (why != null) {
                    return why;
                }
            }
        }
        for (String defs : new String[] {"$defs", "definitions"}) {
            Iterator<Map.Entry<String, JsonNode>> entries = schema.path(defs).fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> e = entries.next();
                why = strictViolation(e.getValue(), at + "/" + defs + "/" + e.getKey());
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
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
