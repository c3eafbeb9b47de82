package dev.triad.reasoning;

import dev.triad.schemas.Question;
import java.util.Objects;

/**
 * One question to be run by one strategy: the element the {@link ReasoningOperator} consumes, keyed
 * by {@link #key()}. Immutable; the key is built once, since the shuffle, the keyed input and the
 * operator all ask for it.
 */
public final class ReasoningTask {

    private final Question question;
    private final String strategy;
    private final String key;

    public ReasoningTask(Question question, String strategy) {
        this.question = Objects.requireNonNull(question, "question");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.key = strategy + ":" + question.id();
    }

    /** The question. */
    public Question question() {
        return question;
    }

    /** The strategy's name, e.g. {@code lm2}. */
    public String strategy() {
        return strategy;
    }

    /** The operator's key, {@code strategy:id}: unique per (question id, strategy). */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReasoningTask other
                && question.equals(other.question)
                && strategy.equals(other.strategy);
    }

    @Override
    public int hashCode() {
        return 31 * question.hashCode() + strategy.hashCode();
    }

    @Override
    public String toString() {
        return "ReasoningTask[" + key + "]";
    }
}
