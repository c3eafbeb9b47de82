package dev.triad.model.openai;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How a call's reply shape is sent to an OpenAI-compatible server ({@code structured=} in the
 * {@code openai:} binding): as {@code response_format} {@code json_schema} (the engine decodes
 * under the schema; vLLM, SGLang, llama.cpp, OpenAI), as {@code json_object} (any JSON object; the
 * prompt alone names the fields), or not at all (the prompt asks for JSON in words).
 *
 * <p>The {@code langchain4j:} binding takes the same option and sends it as langchain4j's {@code
 * ResponseFormat}, which each provider writes in its own dialect (see {@code LangChain4jBinding}).
 */
@PublicEvolving
public enum StructuredOutput {
    /** {@code response_format: {type: json_schema, json_schema: {name, strict: true, schema}}}. */
    JSON_SCHEMA("json_schema"),
    /** {@code response_format: {type: json_object}}. */
    JSON_OBJECT("json_object"),
    /** No {@code response_format}. */
    OFF("off");

    /** Every value, in the order messages list them. */
    public static final List<StructuredOutput> ALL = List.of(values());

    private final String key;

    StructuredOutput(String key) {
        this.key = key;
    }

    /** The name in a binding spec, e.g. {@code json_schema}. */
    public String key() {
        return key;
    }
}
