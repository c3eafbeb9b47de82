package dev.triad.reasoning;

import static dev.triad.model.CallPurpose.ANSWER;
import static dev.triad.model.CallPurpose.CONCEPTS;
import static dev.triad.model.CallPurpose.FINAL;
import static dev.triad.model.CallPurpose.SUBQUESTION;
import static dev.triad.model.CallPurpose.VERIFY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.Role;
import dev.triad.reasoning.ReasoningOptions.ExhaustedPolicy;
import dev.triad.schemas.Step;
import dev.triad.schemas.Verdict;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LM2 (Juneja et al., 2024): the decomposer lists concepts and writes one subquestion at a time,
 * conditioned on the verified pairs; the solver answers it; the verifier classifies the answer into
 * one of nine classes. Classes in the reject set send the step back to the decomposer with the
 * class and explanation, at most {@code max-regenerations} times; then the step is kept unverified
 * or the question ends UNSOLVED. After {@code max-steps} accepted steps, or when the decomposer
 * says it is done, the solver writes the final answer from the verified context.
 */
public final class Lm2Strategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "lm2";

    private final StrategySettings settings;

    public Lm2Strategy(StrategySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Role> roles() {
        return EnumSet.allOf(Role.class);
    }

    @Override
    public Decision start(QuestionState state) {
        return Decision.call(Role.DECOMPOSER, CONCEPTS, 1, 1, Inputs.of(state).build());
    }

    @Override
    public Decision onReply(QuestionState state, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        switch (call.purpose()) {
            case CONCEPTS:
                state.concepts = concepts(reply);
                return afterSubquestion(state, reply);
            case SUBQUESTION:
                return afterSubquestion(state, reply);
            case ANSWER:
                state.answer = ReplyParser.requireText(reply, "answer");
                return Decision.call(
                        Role.VERIFIER,
                        VERIFY,
                        state.step,
                        state.attempt,
                        Inputs.of(state)
                                .verified(state)
                                .put("subquestion", state.subquestion)
                                .put("answer", state.answer)
                                .build());
            case VERIFY:
                return afterVerdict(state, verdict(reply));
            case FINAL:
                return Decision.solved(ReplyParser.requireText(reply, "answer"));
            default:
                throw new IllegalStateException("lm2 made no call for purpose " + call.purpose());
        }
    }

    private Decision afterSubquestion(QuestionState state, ObjectNode reply)
            throws ReplyFormatException {
        if (reply.path("done").asBoolean(false) && !reply.hasNonNull("subquestion")) {
            return finalAnswer(state);
        }
        state.subquestion = ReplyParser.requireText(reply, "subquestion");
        state.answer = null;
        return Decision.call(
                Role.SOLVER,
                ANSWER,
                state.step,
                state.attempt,
                Inputs.of(state)
                        .concepts(state)
                        .verified(state)
                        .put("subquestion", state.subquestion)
                        .build());
    }

    private Decision afterVerdict(QuestionState state, Verdict verdict) {
        boolean rejected = settings.rejectClasses().contains(verdict.verifierClass());
        if (rejected && state.attempt <= settings.maxRegenerations()) {
            record(state, verdict, false);
            Map<String, String> feedback = new LinkedHashMap<>();
            feedback.put("subquestion", state.subquestion);
            feedback.put("answer", state.answer);
            feedback.put("class", verdict.verifierClass().wireName());
            feedback.put("explanation", verdict.explanation());
            state.feedback = feedback;
            state.attempt++;
            return nextSubquestion(state);
        }
        if (rejected && settings.onExhausted() == ExhaustedPolicy.UNSOLVED) {
            record(state, verdict, false);
            return Decision.unsolved(
                    "step "
                            + state.step
                            + " was rejected "
                            + state.attempt
                            + " times (max-regenerations "
                            + settings.maxRegenerations()
                            + "); last verdict "
                            + verdict.verifierClass().wireName()
                            + ": "
                            + verdict.explanation());
        }
        // Accepted, or kept unverified after the regenerations ran out.
        record(state, verdict, true);
        state.context.add(new ContextStep(state.subquestion, state.answer, !rejected));
        state.step++;
        state.attempt = 1;
        state.feedback = null;
        state.subquestion = null;
        state.answer = null;
        if (state.context.size() >= settings.maxSteps()) {
            return finalAnswer(state);
        }
        return nextSubquestion(state);
    }

    private Decision nextSubquestion(QuestionState state) {
        return Decision.call(
                Role.DECOMPOSER,
                SUBQUESTION,
                state.step,
                state.attempt,
                Inputs.of(state)
                        .concepts(state)
                        .verified(state)
                        .put("feedback", state.feedback)
                        .build());
    }

    private static Decision finalAnswer(QuestionState state) {
        return Decision.call(
                Role.SOLVER, FINAL, 0, 1, Inputs.of(state).concepts(state).verified(state).build());
    }

    private static void record(QuestionState state, Verdict verdict, boolean accepted) {
        state.trace.add(
                new Step(
                        state.step,
                        state.attempt,
                        state.subquestion,
                        state.answer,
                        verdict,
                        accepted,
                        null));
    }

    private static List<String> concepts(ObjectNode reply) {
        List<String> concepts = new ArrayList<>();
        JsonNode node = reply.path("concepts");
        if (node.isArray()) {
            node.forEach(c -> concepts.add(c.asText()));
        } else if (node.isTextual()) {
            concepts.add(node.asText());
        }
        return List.copyOf(concepts); // immutable: every later call's inputs share it
    }

    private static Verdict verdict(ObjectNode reply) throws ReplyFormatException {
        String name = ReplyParser.requireText(reply, "class");
        VerifierClass verifierClass;
        try {
            verifierClass = VerifierClass.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ReplyFormatException(e.getMessage());
        }
        return new Verdict(verifierClass, reply.path("explanation").asText(""));
    }
}
