package dev.triad.reasoning;

import static dev.triad.model.CallPurpose.ANSWER;
import static dev.triad.model.CallPurpose.FINAL;
import static dev.triad.model.CallPurpose.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.Role;
import dev.triad.schemas.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Plan, then solve (Divide-or-Conquer, Wu et al., 2024): the decomposer plans every subquestion at
 * once, the solver answers them in order, then writes the final answer. No verifier.
 */
public final class PlanSolveStrategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "plan-solve";

    private final StrategySettings settings;

    public PlanSolveStrategy(StrategySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Role> roles() {
        return EnumSet.of(Role.DECOMPOSER, Role.SOLVER);
    }

    @Override
    public Decision start(QuestionState state) {
        return Decision.call(Role.DECOMPOSER, PLAN, 0, 1, Inputs.of(state).build());
    }

    @Override
    public Decision onReply(QuestionState state, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        switch (call.purpose()) {
            case PLAN:
                state.plan = plan(reply);
                return next(state);
            case ANSWER:
                String answer = ReplyParser.requireText(reply, "answer");
                String subquestion = state.plan.get(state.step - 1);
                state.trace.add(new Step(state.step, 1, subquestion, answer, null, true, null));
                state.context.add(new ContextStep(subquestion, answer, false));
                state.step++;
                return next(state);
            case FINAL:
                return Decision.solved(ReplyParser.requireText(reply, "answer"));
            default:
                throw new IllegalStateException(
                        "plan-solve made no call for purpose " + call.purpose());
        }
    }

    private Decision next(QuestionState state) {
        if (state.step > state.plan.size()) {
            return Decision.call(
                    Role.SOLVER, FINAL, 0, 1, Inputs.of(state).verified(state).build());
        }
        return Decision.call(
                Role.SOLVER,
                ANSWER,
                state.step,
                1,
                Inputs.of(state)
                        .verified(state)
                        .put("subquestion", state.plan.get(state.step - 1))
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
