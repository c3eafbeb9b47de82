package dev.triad.reasoning;

import dev.triad.schemas.Question;

/**
 * One question to be run by one strategy: the element the {@link ReasoningOperator} consumes, keyed
 * by {@link #key()}.
 */
public record ReasoningTask(Question question, String strategy) {

    /** The operator's key, {@code strategy:id}: unique per (question id, strategy). */
    public String key() {
        return strategy + ":" + question.id();
    }
}
