package dev.triad.model.openai;

import dev.triad.model.BindingSpec;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The reply options that the {@code openai:} and {@code gguf:} bindings share, parsed from a spec
 * and described into one in a single place: {@code structured} (how each call's reply shape is
 * sent, {@link StructuredOutput}), {@code max-chars} and {@code max-items} (bounds on every string
 * and list of the reply schema, 0 for none) and {@code max-tokens} (the most reply tokens a call
 * may ask for, 0 for each call's own limit).
 *
 * <p>Immutable. The bindings' builders check the values, each with its own messages.
 *
 * @param structured how each call's reply shape is sent
 * @param maxChars the {@code maxLength} of every string in the reply schema, or 0 for none
 * @param maxItems the {@code maxItems} of every list in the reply schema, or 0 for none
 * @param maxTokens the most reply tokens of a call, or 0 for each call's own limit
 */
@PublicEvolving
public record ReplyOptions(StructuredOutput structured, int maxChars, int maxItems, int maxTokens)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@code structured} when a spec does not name it. */
    public static final StructuredOutput DEFAULT_STRUCTURED = StructuredOutput.JSON_SCHEMA;

    /** The options of a spec that names none of them. */
    public static final ReplyOptions DEFAULTS = new ReplyOptions(DEFAULT_STRUCTURED, 0, 0, 0);

    public ReplyOptions {
        Objects.requireNonNull(structured, "structured");
    }

    /**
     * The options of a parsed spec, the defaults for those it does not name.
     *
     * @throws IllegalArgumentException naming the parameter whose value is not one it takes
     */
    public static ReplyOptions parse(BindingSpec parsed) {
        return new ReplyOptions(
                parsed.choice(
                        "structured",
                        DEFAULT_STRUCTURED,
                        StructuredOutput.ALL,
                        StructuredOutput::key),
                parsed.integer("max-chars", 0),
                parsed.integer("max-items", 0),
                parsed.integer("max-tokens", 0));
    }

    /** Adds the options that differ from the defaults to {@code spec}, in the order parsed. */
    public BindingSpec.Builder describeInto(BindingSpec.Builder spec) {
        return spec.paramUnlessDefault("structured", structured.key(), DEFAULT_STRUCTURED.key())
                .paramUnlessDefault("max-chars", maxChars, 0)
                .paramUnlessDefault("max-items", maxItems, 0)
                .paramUnlessDefault("max-tokens", maxTokens, 0);
    }
}
