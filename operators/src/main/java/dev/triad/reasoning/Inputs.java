package dev.triad.reasoning;

import java.util.ArrayList;
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
        List<Map<String, Object>> pairs = new ArrayList<>(state.context.size());
        for (ContextStep step : state.context) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("subquestion", step.subquestion());
            pair.put("answer", step.answer());
            if (!step.verified() && isLm2(state)) {
                pair.put("verified", false);
            }
            pairs.add(pair);
        }
        values.put("verified", pairs);
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
