package dev.triad.model.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.triad.model.CallContext;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.model.openai.StructuredOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A call's reply shape as langchain4j's {@link ResponseFormat}: {@link ReplySchema} (the schema the
 * {@code openai:} client sends) turned into langchain4j's typed {@link JsonSchema}, which each
 * provider writes in its own dialect (OpenAI {@code response_format} {@code json_schema}, Ollama
 * {@code format}, Gemini {@code generationConfig.responseSchema}, Anthropic {@code
 * output_config.format}).
 *
 * <p>Only the keywords {@link ReplySchema} writes without bounds are mapped: {@code object} with
 * {@code properties}, {@code required} and {@code additionalProperties}, {@code array} with {@code
 * items}, {@code string} (with {@code enum}), {@code boolean}, {@code integer}, {@code number},
 * {@code null}, and a type list such as {@code ["string", "null"]} (as {@code anyOf}). Formats are
 * built once per (setting, strategy, purpose) and shared; they are immutable. Thread-safe.
 */
final class LangChain4jReplySchema {

    private static final Map<Key, ResponseFormat> FORMATS = new ConcurrentHashMap<>();

    private LangChain4jReplySchema() {}

    /** What a format is made from. */
    private record Key(StructuredOutput structured, String name, List<ReplyField> fields) {}

    /**
     * The format of a call, or {@code null} when nothing is to be asked ({@link
     * StructuredOutput#OFF}, or a call without a purpose or reply fields).
     */
    static ResponseFormat responseFormat(StructuredOutput structured, CallContext context) {
        if (structured == StructuredOutput.OFF || context == null || context.purpose() == null) {
            return null;
        }
        List<ReplyField> fields = context.purpose().replyFields();
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        if (structured == StructuredOutput.JSON_OBJECT) {
            return ResponseFormat.JSON;
        }
        String name = ReplySchema.name(context.strategy(), context.purposeKey());
        return FORMATS.computeIfAbsent(
                new Key(structured, name, List.copyOf(fields)),
                k ->
                        ResponseFormat.builder()
                                .type(ResponseFormatType.JSON)
                                .jsonSchema(
                                        JsonSchema.builder()
                                                .name(k.name())
                                                .rootElement(element(ReplySchema.of(k.fields())))
                                                .build())
                                .build());
    }

    /**
     * {@code schema} as langchain4j's element.
     *
     * @throws IllegalArgumentException for a keyword or type this mapping does not know (a {@link
     *     ReplySchema} that grew one needs a line here)
     */
    static JsonSchemaElement element(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<JsonSchemaElement> options = new ArrayList<>();
            for (JsonNode t : type) {
                options.add(single(t.asText(), schema));
            }
            return JsonAnyOfSchema.builder().anyOf(options).build();
        }
        return single(type == null ? "" : type.asText(), schema);
    }

    private static JsonSchemaElement single(String type, JsonNode schema) {
        switch (type) {
            case "object":
                JsonObjectSchema.Builder object = JsonObjectSchema.builder();
                schema.path("properties")
                        .fields()
                        .forEachRemaining(
                                p -> object.addProperty(p.getKey(), element(p.getValue())));
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                object.required(required);
                if (schema.has("additionalProperties")) {
                    object.additionalProperties(schema.get("additionalProperties").asBoolean());
                }
                return object.build();
            case "array":
                return JsonArraySchema.builder().items(element(schema.path("items"))).build();
            case "string":
                if (schema.has("enum")) {
                    List<String> values = new ArrayList<>();
                    schema.get("enum").forEach(v -> values.add(v.asText()));
                    return JsonEnumSchema.builder().enumValues(values).build();
                }
                return new JsonStringSchema();
            case "boolean":
                return new JsonBooleanSchema();
            case "integer":
                return new JsonIntegerSchema();
            case "number":
                return new JsonNumberSchema();
            case "null":
                return new JsonNullSchema();
            default:
                throw new IllegalArgumentException(
                        "reply schema type '"
                                + type
                                + "' has no langchain4j element; map it in"
                                + " LangChain4jReplySchema: "
                                + schema);
        }
    }
}
