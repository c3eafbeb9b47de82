package dev.triad.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallInput;
import dev.triad.schemas.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Plan, then solve (Divide-or-Conquer, Wu et al., 2024): the decomposer plans every subquestion at
 * once, the solver answers them in order, then writes the final answer. No verifier. Its calls are
 * the {@link PlanSolvePurpose}s; its part of the state is a {@link PlanSolveState}.
 */
public final class PlanSolveStrategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "plan-solve";

    private static final List<PlanSolvePurpose> PURPOSES = List.of(PlanSolvePurpose.values());

    private final StrategySettings settings;

    public PlanSolveStrategy(StrategySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlanSolvePurpose> purposes() {
        return PURPOSES;
    }

    @Override
    public Decision start(QuestionState state) {
        state.part(PlanSolveState.first());
        return Decision.call(
                PlanSolvePurpose.PLAN, 0, 1, Inputs.of(state).demonstrations().build());
    }

    @Override
    public Decision onReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        PlanSolveState plan = state.part();
        switch ((PlanSolvePurpose) purpose) {
            case PLAN:
                plan = plan.withPlan(plan(reply));
                state.part(plan);
                return next(state, plan);
            case ANSWER_SUBQUESTION:
                String answer = ReplyParser.requireText(reply, "answer");
                String subquestion = plan.plan().get(plan.step() - 1);
                state.trace.add(new Step(plan.step(), 1, subquestion, answer, null, true, null));
                plan.context().add(new ContextStep(subquestion, answer, false));
                plan = plan.nextStep();
                state.part(plan);
                return next(state, plan);
            case FINAL_ANSWER:
                return Decision.solved(ReplyParser.requireText(reply, "answer"));
            default:
                throw new IllegalStateException(
                        "plan-solve made no call for purpose " + purpose.key());
        }
    }

    @Override
    public Step unparsableReply(QuestionState state, PendingCall call, String raw) {
        PlanSolveState plan = state.part();
        return new Step(
                call.step() > 0 ? call.step() : plan.step(),
                call.attempt(),
                null,
                null,
                null,
                false,
                raw);
    }

    private static Decision next(QuestionState state, PlanSolveState plan) {
        if (plan.step() > plan.plan().size()) {
            return Decision.call(
                    PlanSolvePurpose.FINAL_ANSWER,
                    0,
                    1,
                    Inputs.of(state).put(CallInput.VERIFIED, plan.context().prompt(false)).build());
        }
        return Decision.call(
                PlanSolvePurpose.ANSWER_SUBQUESTION,
                plan.step(),
                1,
                Inputs.of(state)
                        .put(CallInput.VERIFIED, plan.context().prompt(false))
                        .put(CallInput.SUBQUESTION, plan.plan().get(plan.step() - 1))
                        .build());
    }

    private List<String> plan(ObjectNode reply) throws ReplyFormatException {
        JsonNode node = reply.get("subquestions");
        if (node == null || !node.isArray()) {
            throw new ReplyFormatException("the reply has no 'subquestions' list");
        }
        List<String> plan = new ArrayList<>();
        for (JsonNode subquestion : node) {
            if (plan.size() < settings.maxSteps() && !subquestion.asText().isBlank()) {
                plan.add(subquestion.asText().trim());
            }
        }
        return plan;
    }
}
