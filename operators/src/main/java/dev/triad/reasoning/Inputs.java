package dev.triad.reasoning;

import dev.triad.model.CallInput;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Builds the template inputs of a call for a strategy's {@link Decision#call}, keyed by {@link
 * CallInput#key()}, in the order they are put (the order the user message shows them). The
 * question's text always comes first.
 */
@PublicEvolving
public final class Inputs {

    private final Map<String, Object> values = new LinkedHashMap<>();

    private Inputs(QuestionState state) {
        values.put(CallInput.QUESTION.key(), state.question.text());
    }

    /** Inputs that start with the question's text. */
    public static Inputs of(QuestionState state) {
        return new Inputs(state);
    }

    /** Adds {@code value} as {@code input}, unless it is {@code null}. */
    public Inputs put(CallInput input, Object value) {
        if (value != null) {
            values.put(input.key(), value);
        }
        return this;
    }

    /** The inputs, in the order they were put. */
    public Map<String, Object> build() {
        return values;
    }
}
