package dev.triad.reasoning;

import java.util.List;

/**
 * {@link PlanSolveStrategy}'s part of a question's state.
 *
 * @param step the planned subquestion being answered, from 1
 * @param plan the planned subquestions (immutable), empty before the plan came
 * @param context the subquestions answered so far
 */
public record PlanSolveState(int step, List<String> plan, VerifiedContext context)
        implements StrategyState {

    public PlanSolveState {
        plan = plan == null ? List.of() : List.copyOf(plan);
        context = context == null ? new VerifiedContext() : context;
    }

    /** The state of a question before its plan. */
    static PlanSolveState first() {
        return new PlanSolveState(1, List.of(), new VerifiedContext());
    }

    PlanSolveState withPlan(List<String> subquestions) {
        return new PlanSolveState(step, subquestions, context);
    }

    PlanSolveState nextStep() {
        return new PlanSolveState(step + 1, plan, context);
    }
}
