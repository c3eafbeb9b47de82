package dev.triad.reasoning;

import static dev.triad.model.CallInput.ANSWER;
import static dev.triad.model.CallInput.CONCEPTS;
import static dev.triad.model.CallInput.DEMONSTRATIONS;
import static dev.triad.model.CallInput.FEEDBACK;
import static dev.triad.model.CallInput.QUESTION;
import static dev.triad.model.CallInput.SUBQUESTION;
import static dev.triad.model.CallInput.VERIFIED;

import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import java.util.List;

/** The calls {@link Lm2Strategy} makes. */
public enum Lm2Purpose implements StrategyPurpose {
    /** Decomposer, first call: the concepts the problem needs and the first subquestion. */
    CONCEPTS_AND_FIRST(
            CallPurpose.of(
                    "concepts",
                    Role.DECOMPOSER,
                    List.of(QUESTION, DEMONSTRATIONS),
                    List.of(ReplyField.CONCEPTS, ReplyField.SUBQUESTION))),
    /**
     * Decomposer: the next subquestion, or a rejected one written again (the inputs then carry the
     * feedback); {@code done} when the verified steps answer the question.
     */
    NEXT_SUBQUESTION(
            CallPurpose.of(
                    "subquestion",
                    Role.DECOMPOSER,
                    List.of(QUESTION, DEMONSTRATIONS, CONCEPTS, VERIFIED, FEEDBACK),
                    List.of(ReplyField.SUBQUESTION, ReplyField.DONE))),
    /** Solver: the answer to the current subquestion. */
    ANSWER_SUBQUESTION(
            CallPurpose.of(
                    "answer",
                    Role.SOLVER,
                    List.of(QUESTION, CONCEPTS, VERIFIED, SUBQUESTION),
                    List.of(ReplyField.REASONING, ReplyField.ANSWER))),
    /** Verifier: one of the nine classes for the current (subquestion, answer). */
    VERIFY(
            CallPurpose.of(
                    "verify",
                    Role.VERIFIER,
                    List.of(QUESTION, VERIFIED, SUBQUESTION, ANSWER),
                    List.of(ReplyField.EXPLANATION, ReplyField.CLASS))),
    /** Solver: the final answer from the verified context. */
    FINAL_ANSWER(
            CallPurpose.of(
                    "final",
                    Role.SOLVER,
                    List.of(QUESTION, CONCEPTS, VERIFIED),
                    List.of(ReplyField.ANSWER)));

    private final CallPurpose spec;

    Lm2Purpose(CallPurpose spec) {
        this.spec = spec;
    }

    @Override
    public CallPurpose spec() {
        return spec;
    }
}
