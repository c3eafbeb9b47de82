package dev.triad.reasoning;

import dev.triad.model.CallInput;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the template inputs of a call, keyed by {@link CallInput#key()}, in the order they are put
 * (the order the user message shows them). The question's text always comes first.
 */
final class Inputs {

    private final Map<String, Object> values = new LinkedHashMap<>();

    private Inputs(QuestionState state) {
        values.put(CallInput.QUESTION.key(), state.question.text());
    }

    static Inputs of(QuestionState state) {
        return new Inputs(state);
    }

    /** Adds {@code value} as {@code input}, unless it is {@code null}. */
    Inputs put(CallInput input, Object value) {
        if (value != null) {
            values.put(input.key(), value);
        }
        return this;
    }

    Map<String, Object> build() {
        return values;
    }
}
