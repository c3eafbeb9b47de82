package dev.triad.reasoning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the template inputs of a call (see {@link dev.triad.model.CallPurpose}) from state. */
final class Inputs {

    private final Map<String, Object> values = new LinkedHashMap<>();

    private Inputs(QuestionState state) {
        values.put("question", state.question.text());
    }

    static Inputs of(QuestionState state) {
        return new Inputs(state);
    }

    Inputs concepts(QuestionState state) {
        values.put("concepts", List.copyOf(state.concepts));
        return this;
    }

    Inputs verified(QuestionState state) {
        values.put("verified", state.promptContext(isLm2(state)));
        return this;
    }

    Inputs put(String key, Object value) {
        if (value != null) {
            values.put(key, value);
        }
        return this;
    }

    Map<String, Object> build() {
        return values;
    }

    private static boolean isLm2(QuestionState state) {
        return Lm2Strategy.NAME.equals(state.strategy);
    }
}
