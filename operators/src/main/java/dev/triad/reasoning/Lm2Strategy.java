package dev.triad.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallInput;
import dev.triad.reasoning.ReasoningOptions.ExhaustedPolicy;
import dev.triad.schemas.Step;
import dev.triad.schemas.Verdict;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LM2 (Juneja et al., 2024): the decomposer lists concepts and writes one subquestion at a time,
 * conditioned on the verified pairs; the solver answers it; the verifier classifies the answer into
 * one of nine classes. Classes in the reject set send the step back to the decomposer with the
 * class and explanation, at most {@code max-regenerations} times; then the step is kept unverified
 * or the question ends UNSOLVED. After {@code max-steps} accepted steps, or when the decomposer
 * says it is done, the solver writes the final answer from the verified context.
 *
 * <p>Its calls are the {@link Lm2Purpose}s; its part of the state is an {@link Lm2State}.
 */
public final class Lm2Strategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "lm2";

    private static final List<Lm2Purpose> PURPOSES = List.of(Lm2Purpose.values());

    private final StrategySettings settings;

    public Lm2Strategy(StrategySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Lm2Purpose> purposes() {
        return PURPOSES;
    }

    @Override
    public Decision start(QuestionState state) {
        Lm2State first = Lm2State.first();
        state.part(first);
        return Decision.call(
                Lm2Purpose.CONCEPTS_AND_FIRST, 1, 1, Inputs.of(state).demonstrations().build());
    }

    @Override
    public Decision onReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        Lm2State lm2 = state.part();
        switch ((Lm2Purpose) purpose) {
            case CONCEPTS_AND_FIRST:
                lm2 = lm2.withConcepts(concepts(reply));
                state.part(lm2); // kept even when the reply lacks its subquestion
                return afterSubquestion(state, lm2, reply);
            case NEXT_SUBQUESTION:
                return afterSubquestion(state, lm2, reply);
            case ANSWER_SUBQUESTION:
                JsonNode reasoning = reply.path("reasoning");
                lm2 =
                        lm2.withAnswer(
                                reasoning.isTextual() ? reasoning.asText() : null,
                                ReplyParser.requireText(reply, "answer"));
                state.part(lm2);
                return Decision.call(
                        Lm2Purpose.VERIFY,
                        lm2.step(),
                        lm2.attempt(),
                        Inputs.of(state)
                                .put(CallInput.VERIFIED, lm2.context().prompt(true))
                                .put(CallInput.SUBQUESTION, lm2.subquestion())
                                .put(CallInput.ANSWER, lm2.answer())
                                .build());
            case VERIFY:
                return afterVerdict(state, lm2, verdict(reply));
            case FINAL_ANSWER:
                return Decision.solved(ReplyParser.requireText(reply, "answer"));
            default:
                throw new IllegalStateException("lm2 made no call for purpose " + purpose.key());
        }
    }

    @Override
    public Step unparsableReply(QuestionState state, PendingCall call, String raw) {
        Lm2State lm2 = state.part();
        return new Step(
                call.step() > 0 ? call.step() : lm2.step(),
                call.attempt(),
                lm2.subquestion(),
                null,
                null,
                false,
                raw);
    }

    private Decision afterSubquestion(QuestionState state, Lm2State lm2, ObjectNode reply)
            throws ReplyFormatException {
        if (reply.path("done").asBoolean(false) && !reply.hasNonNull("subquestion")) {
            state.part(lm2);
            return finalAnswer(state, lm2);
        }
        lm2 = lm2.withSubquestion(ReplyParser.requireText(reply, "subquestion"));
        state.part(lm2);
        return Decision.call(
                Lm2Purpose.ANSWER_SUBQUESTION,
                lm2.step(),
                lm2.attempt(),
                Inputs.of(state)
                        .put(CallInput.CONCEPTS, lm2.concepts())
                        .put(CallInput.VERIFIED, lm2.context().prompt(true))
                        .put(CallInput.SUBQUESTION, lm2.subquestion())
                        .build());
    }

    private Decision afterVerdict(QuestionState state, Lm2State lm2, Verdict verdict) {
        boolean rejected = settings.rejectClasses().contains(verdict.verifierClass());
        if (rejected && lm2.attempt() <= settings.maxRegenerations()) {
            record(state, lm2, verdict, false, false);
            Map<String, String> feedback = new LinkedHashMap<>();
            feedback.put("subquestion", lm2.subquestion());
            feedback.put("answer", lm2.answer());
            feedback.put("class", verdict.verifierClass().wireName());
            feedback.put("explanation", verdict.explanation());
            lm2 = lm2.retryWith(feedback);
            state.part(lm2);
            return nextSubquestion(state, lm2);
        }
        if (rejected && settings.onExhausted() == ExhaustedPolicy.UNSOLVED) {
            record(state, lm2, verdict, false, false);
            return Decision.unsolved(
                    "step "
                            + lm2.step()
                            + " was rejected "
                            + lm2.attempt()
                            + " times (max-regenerations "
                            + settings.maxRegenerations()
                            + "); last verdict "
                            + verdict.verifierClass().wireName()
                            + ": "
                            + verdict.explanation());
        }
        // Accepted, or kept unverified after the regenerations ran out.
        record(state, lm2, verdict, true, rejected);
        lm2.context().add(new ContextStep(lm2.subquestion(), lm2.answer(), !rejected));
        lm2 = lm2.nextStep();
        state.part(lm2);
        if (lm2.context().size() >= settings.maxSteps()) {
            return finalAnswer(state, lm2);
        }
        return nextSubquestion(state, lm2);
    }

    private static Decision nextSubquestion(QuestionState state, Lm2State lm2) {
        return Decision.call(
                Lm2Purpose.NEXT_SUBQUESTION,
                lm2.step(),
                lm2.attempt(),
                Inputs.of(state)
                        .demonstrations()
                        .put(CallInput.CONCEPTS, lm2.concepts())
                        .put(CallInput.VERIFIED, lm2.context().prompt(true))
                        .put(CallInput.FEEDBACK, lm2.feedback())
                        .build());
    }

    private static Decision finalAnswer(QuestionState state, Lm2State lm2) {
        return Decision.call(
                Lm2Purpose.FINAL_ANSWER,
                0,
                1,
                Inputs.of(state)
                        .put(CallInput.CONCEPTS, lm2.concepts())
                        .put(CallInput.VERIFIED, lm2.context().prompt(true))
                        .build());
    }

    private static void record(
            QuestionState state,
            Lm2State lm2,
            Verdict verdict,
            boolean accepted,
            boolean keptUnverified) {
        state.trace.add(
                new Step(
                        lm2.step(),
                        lm2.attempt(),
                        lm2.subquestion(),
                        lm2.answer(),
                        verdict,
                        accepted,
                        null,
                        lm2.reasoning(),
                        keptUnverified ? Boolean.TRUE : null));
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
