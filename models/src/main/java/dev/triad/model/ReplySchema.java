package dev.triad.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.schemas.VerifierClass;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The JSON Schema of a reply: the object a purpose's {@link ReplyField}s make up, in the subset
 * OpenAI's strict structured outputs accept (every object closed with {@code additionalProperties:
 * false}, every property listed in {@code required}; a field a reply may leave out is typed {@code
 * [T, "null"]}). This is what clients send as the engine's constrained-output request
 * (OpenAI-compatible {@code response_format} {@code json_schema}).
 *
 * <p>{@code maxChars} and {@code maxItems} bound every string and every list: engines that decode
 * under a grammar (llama.cpp, vLLM) then cannot loop inside an endless string, which small or
 * untrained models otherwise do until the token limit. OpenAI's strict mode does not take {@code
 * minLength}/{@code maxLength}, so they are off by default. Stateless; thread-safe.
 */
@PublicEvolving
public final class ReplySchema {

    /** No bound on strings or lists. */
    public static final int UNBOUNDED = 0;

    private ReplySchema() {}

    /** The schema of a reply asking for {@code fields}, unbounded. */
    public static ObjectNode of(List<ReplyField> fields) {
        return of(fields, UNBOUNDED, UNBOUNDED);
    }

    /**
     * The schema of a reply asking for {@code fields}.
     *
     * @param maxChars when above 0, every string has {@code minLength} 1 and {@code maxLength} this
     * @param maxItems when above 0, every list has {@code minItems} 1 and {@code maxItems} this
     */
    public static ObjectNode of(List<ReplyField> fields, int maxChars, int maxItems) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode schema = f.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = f.arrayNode();
        for (ReplyField field : fields) {
            properties.set(field.key(), property(field, fields, maxChars, maxItems));
            required.add(field.key());
        }
        schema.set("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    private static ObjectNode property(
            ReplyField field, List<ReplyField> fields, int maxChars, int maxItems) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode p = f.objectNode();
        switch (field) {
            case CONCEPTS:
            case SUBQUESTIONS:
                p.put("type", "array");
                p.set("items", string(maxChars));
                if (maxItems > 0) {
                    p.put("minItems", 1);
                    p.put("maxItems", maxItems);
                }
                return p;
            case DONE:
                p.put("type", "boolean");
                return p;
            case CLASS:
                p.put("type", "string");
                ArrayNode classes = p.putArray("enum");
                for (VerifierClass c : VerifierClass.values()) {
                    classes.add(c.wireName());
                }
                return p;
            case SUBQUESTION:
                if (fields.contains(ReplyField.DONE)) {
                    // {"done": true} carries no subquestion; strict mode asks for every
                    // property, so the absent one is null.
                    ObjectNode s = string(maxChars);
                    s.set("type", f.arrayNode().add("string").add("null"));
                    return s;
                }
                return string(maxChars);
            default:
                return string(maxChars);
        }
    }

    private static ObjectNode string(int maxChars) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("type", "string");
        if (maxChars > 0) {
            s.put("minLength", 1);
            s.put("maxLength", maxChars);
        }
        return s;
    }

    /**
     * The schema's name as OpenAI's {@code json_schema.name} takes it ({@code [a-zA-Z0-9_-]}, at
     * most 64 characters), e.g. {@code lm2_verify}.
     */
    public static String name(String strategy, String purpose) {
        String raw =
                (strategy == null ? "" : strategy + "_") + (purpose == null ? "reply" : purpose);
        String clean = raw.replaceAll("[^A-Za-z0-9_-]", "_");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }
}
