package dev.triad.examples;

import static dev.triad.model.CallInput.ANSWER;
import static dev.triad.model.CallInput.QUESTION;
import static dev.triad.model.CallInput.SUBQUESTION;
import static dev.triad.model.CallInput.VERIFIED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import dev.triad.reasoning.ContextStep;
import dev.triad.reasoning.Decision;
import dev.triad.reasoning.Inputs;
import dev.triad.reasoning.PendingCall;
import dev.triad.reasoning.QuestionState;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningStrategy;
import dev.triad.reasoning.ReplyFormatException;
import dev.triad.reasoning.ReplyParser;
import dev.triad.reasoning.StrategyPurpose;
import dev.triad.reasoning.StrategySettings;
import dev.triad.reasoning.StrategyState;
import dev.triad.reasoning.VerifiedContext;
import dev.triad.schemas.Step;
import dev.triad.schemas.Verdict;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.List;

/**
 * A strategy Triad does not ship, written the way a fourth strategy is meant to be: this class, its
 * state record, its purpose enum and its templates (under {@code
 * src/test/resources/dev/triad/prompts/v1/plan-verify/}), registered with {@link
 * Reasoning.Builder#strategy}, outside Triad's packages (so only public API). The decomposer plans
 * every subquestion; the solver answers each and the verifier checks each answer (a rejected one is
 * kept, marked unverified); then the final answer.
 */
public final class PlanVerifyStrategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "plan-verify";

    /** The calls it makes. */
    public enum Purpose implements StrategyPurpose {
        PLAN(
                CallPurpose.of(
                        "plan",
                        Role.DECOMPOSER,
                        List.of(QUESTION),
                        List.of(ReplyField.SUBQUESTIONS))),
        ANSWER_STEP(
                CallPurpose.of(
                        "answer",
                        Role.SOLVER,
                        List.of(QUESTION, VERIFIED, SUBQUESTION),
                        List.of(ReplyField.REASONING, ReplyField.ANSWER))),
        CHECK(
                CallPurpose.of(
                        "check",
                        Role.VERIFIER,
                        List.of(QUESTION, VERIFIED, SUBQUESTION, ANSWER),
                        List.of(ReplyField.EXPLANATION, ReplyField.CLASS))),
        FINAL(
                CallPurpose.of(
                        "final",
                        Role.SOLVER,
                        List.of(QUESTION, VERIFIED),
                        List.of(ReplyField.ANSWER)));

        private final CallPurpose spec;

        Purpose(CallPurpose spec) {
            this.spec = spec;
        }

        @Override
        public CallPurpose spec() {
            return spec;
        }
    }

    /** Its part of a question's state. */
    public record State(int step, List<String> plan, String answer, VerifiedContext context)
            implements StrategyState {}

    public PlanVerifyStrategy(StrategySettings settings) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Purpose> purposes() {
        return List.of(Purpose.values());
    }

    @Override
    public Decision start(QuestionState state) {
        state.part(new State(1, List.of(), null, new VerifiedContext()));
        return Decision.call(Purpose.PLAN, 0, 1, Inputs.of(state).build());
    }

    @Override
    public Decision onReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        State s = state.part();
        switch ((Purpose) purpose) {
            case PLAN:
                List<String> plan = new ArrayList<>();
                for (JsonNode subquestion : reply.path("subquestions")) {
                    plan.add(subquestion.asText());
                }
                return next(state, new State(1, List.copyOf(plan), null, s.context()));
            case ANSWER_STEP:
                State answered =
                        new State(
                                s.step(),
                                s.plan(),
                                ReplyParser.requireText(reply, "answer"),
                                s.context());
                state.part(answered);
                return Decision.call(
                        Purpose.CHECK,
                        s.step(),
                        1,
                        Inputs.of(state)
                                .put(VERIFIED, s.context().prompt(true))
                                .put(SUBQUESTION, s.plan().get(s.step() - 1))
                                .put(ANSWER, answered.answer())
                                .build());
            case CHECK:
                VerifierClass verdict =
                        VerifierClass.parse(ReplyParser.requireText(reply, "class"));
                boolean accepted = verdict == VerifierClass.NO_MISTAKE;
                String subquestion = s.plan().get(s.step() - 1);
                state.trace.add(
                        new Step(
                                s.step(),
                                1,
                                subquestion,
                                s.answer(),
                                new Verdict(verdict, reply.path("explanation").asText()),
                                accepted,
                                null));
                s.context().add(new ContextStep(subquestion, s.answer(), accepted));
                return next(state, new State(s.step() + 1, s.plan(), null, s.context()));
            case FINAL:
                return Decision.solved(ReplyParser.requireText(reply, "answer"));
            default:
                throw new IllegalStateException(purpose.key());
        }
    }

    private static Decision next(QuestionState state, State s) {
        state.part(s);
        if (s.step() > s.plan().size()) {
            return Decision.call(
                    Purpose.FINAL,
                    0,
                    1,
                    Inputs.of(state).put(VERIFIED, s.context().prompt(true)).build());
        }
        return Decision.call(
                Purpose.ANSWER_STEP,
                s.step(),
                1,
                Inputs.of(state)
                        .put(VERIFIED, s.context().prompt(true))
                        .put(SUBQUESTION, s.plan().get(s.step() - 1))
                        .build());
    }
}
