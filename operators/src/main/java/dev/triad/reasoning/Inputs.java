package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final QuestionState state;

    private Inputs(QuestionState state) {
        this.state = state;
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

    /**
     * Adds the question's worked examples ({@link CallInput#DEMONSTRATIONS}), when it has any: a
     * decomposer call's inputs put them right after the question.
     */
    public Inputs demonstrations() {
        return put(CallInput.DEMONSTRATIONS, demonstrations(state.question.demonstrations()));
    }

    /**
     * The value of the {@link CallInput#DEMONSTRATIONS} input for {@code demonstrations}: one
     * {@code {question, steps, answer}} object per example, nearest first (ids and scores are for
     * the record, not the model); {@code null} when there are none.
     */
    public static List<Map<String, Object>> demonstrations(Demonstrations demonstrations) {
        if (demonstrations == null || demonstrations.examples().isEmpty()) {
            return null;
        }
        List<Map<String, Object>> shown = new ArrayList<>(demonstrations.examples().size());
        for (Demonstration example : demonstrations.examples()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("question", example.question());
            one.put("steps", example.steps());
            if (example.answer() != null) {
                one.put("answer", example.answer());
            }
            shown.add(one);
        }
        return List.copyOf(shown);
    }

    /** The inputs, in the order they were put. */
    public Map<String, Object> build() {
        return values;
    }
}
