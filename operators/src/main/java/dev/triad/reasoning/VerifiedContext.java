package dev.triad.reasoning;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The (subquestion, answer) pairs a question's later calls are conditioned on, in order; it only
 * ever grows at its end. Keeps the prompts' {@code verified} view of itself, rebuilt only when it
 * grew, so the calls of one step share one immutable list. Stored as the JSON list of its steps.
 * Only the task thread touches it.
 */
@PublicEvolving
public final class VerifiedContext {

    private final List<ContextStep> steps;
    private transient List<Map<String, Object>> prompt;

    /** An empty context. */
    public VerifiedContext() {
        this.steps = new ArrayList<>();
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    VerifiedContext(List<ContextStep> steps) {
        this.steps = steps == null ? new ArrayList<>() : new ArrayList<>(steps);
    }

    /** The steps, oldest first (read-only). */
    @JsonValue
    public List<ContextStep> steps() {
        return Collections.unmodifiableList(steps);
    }

    public int size() {
        return steps.size();
    }

    /** Appends a step. */
    public void add(ContextStep step) {
        steps.add(step);
    }

    /**
     * The context as the prompts' {@code "verified"} list of {@code {"subquestion", "answer"}}
     * objects: immutable, shared by the calls made until the context grows again.
     *
     * @param markUnverified whether a step kept unverified also says {@code "verified": false}
     */
    public List<Map<String, Object>> prompt(boolean markUnverified) {
        List<Map<String, Object>> pairs = prompt;
        if (pairs == null || pairs.size() != steps.size()) {
            // Earlier pairs are reused: the context only ever grows at its end.
            List<Map<String, Object>> built = new ArrayList<>(steps.size());
            if (pairs != null && pairs.size() < steps.size()) {
                built.addAll(pairs);
            }
            for (int i = built.size(); i < steps.size(); i++) {
                built.add(pair(steps.get(i), markUnverified));
            }
            pairs = List.copyOf(built);
            prompt = pairs;
        }
        return pairs;
    }

    private static Map<String, Object> pair(ContextStep step, boolean markUnverified) {
        Map<String, Object> pair = new LinkedHashMap<>(4);
        pair.put("subquestion", step.subquestion());
        pair.put("answer", step.answer());
        if (markUnverified && !step.verified()) {
            pair.put("verified", false);
        }
        return Collections.unmodifiableMap(pair);
    }
}
