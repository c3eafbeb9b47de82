package dev.triad.reasoning;

import static dev.triad.model.CallInput.DEMONSTRATIONS;
import static dev.triad.model.CallInput.QUESTION;
import static dev.triad.model.CallInput.SUBQUESTION;
import static dev.triad.model.CallInput.VERIFIED;

import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import java.util.List;

/** The calls {@link PlanSolveStrategy} makes. */
public enum PlanSolvePurpose implements StrategyPurpose {
    /** Decomposer: every subquestion at once. */
    PLAN(
            CallPurpose.of(
                    "plan",
                    Role.DECOMPOSER,
                    List.of(QUESTION, DEMONSTRATIONS),
                    List.of(ReplyField.SUBQUESTIONS))),
    /** Solver: the answer to the next planned subquestion, given the answered ones. */
    ANSWER_SUBQUESTION(
            CallPurpose.of(
                    "answer",
                    Role.SOLVER,
                    List.of(QUESTION, VERIFIED, SUBQUESTION),
                    List.of(ReplyField.REASONING, ReplyField.ANSWER))),
    /** Solver: the final answer from the answered subquestions. */
    FINAL_ANSWER(
            CallPurpose.of(
                    "final", Role.SOLVER, List.of(QUESTION, VERIFIED), List.of(ReplyField.ANSWER)));

    private final CallPurpose spec;

    PlanSolvePurpose(CallPurpose spec) {
        this.spec = spec;
    }

    @Override
    public CallPurpose spec() {
        return spec;
    }
}
