package dev.triad.reasoning;

import java.util.List;
import java.util.Map;

/**
 * {@link Lm2Strategy}'s part of a question's state.
 *
 * @param step the step being worked on, from 1
 * @param attempt the attempt at the current step, from 1
 * @param concepts the concepts the decomposer listed (immutable)
 * @param subquestion the subquestion being worked on, or {@code null}
 * @param answer the solver's answer to it, or {@code null}
 * @param feedback the rejected attempt's subquestion, answer, class and explanation, sent back to
 *     the decomposer while the step is written again; otherwise {@code null}
 * @param context the steps accepted (or kept unverified) so far
 * @param reasoning the solver's reasoning for {@code answer}, or {@code null} (also in states
 *     checkpointed before it was kept)
 */
public record Lm2State(
        int step,
        int attempt,
        List<String> concepts,
        String subquestion,
        String answer,
        Map<String, String> feedback,
        VerifiedContext context,
        String reasoning)
        implements StrategyState {

    public Lm2State {
        concepts = concepts == null ? List.of() : List.copyOf(concepts);
        context = context == null ? new VerifiedContext() : context;
    }

    /** A state without the solver's reasoning. */
    public Lm2State(
            int step,
            int attempt,
            List<String> concepts,
            String subquestion,
            String answer,
            Map<String, String> feedback,
            VerifiedContext context) {
        this(step, attempt, concepts, subquestion, answer, feedback, context, null);
    }

    /** The state of a question before its first call. */
    static Lm2State first() {
        return new Lm2State(1, 1, List.of(), null, null, null, new VerifiedContext());
    }

    Lm2State withConcepts(List<String> newConcepts) {
        return new Lm2State(step, attempt, newConcepts, subquestion, answer, feedback, context);
    }

    /** A new subquestion for the current attempt, not answered yet. */
    Lm2State withSubquestion(String text) {
        return new Lm2State(step, attempt, concepts, text, null, feedback, context);
    }

    /** The solver's answer to the current subquestion and its reasoning ({@code null} if none). */
    Lm2State withAnswer(String thinking, String text) {
        return new Lm2State(
                step, attempt, concepts, subquestion, text, feedback, context, thinking);
    }

    /** The next attempt at this step, with the rejected one's feedback. */
    Lm2State retryWith(Map<String, String> rejected) {
        return new Lm2State(step, attempt + 1, concepts, subquestion, answer, rejected, context);
    }

    /** The next step, after the current one joined the context. */
    Lm2State nextStep() {
        return new Lm2State(step + 1, 1, concepts, null, null, null, context);
    }
}
