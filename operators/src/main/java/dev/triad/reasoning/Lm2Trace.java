package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.schemas.Result;
import dev.triad.schemas.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Rebuilds the calls of an {@code lm2} result from its trace: each decomposer call that wrote a
 * subquestion (with the feedback of the attempt it rewrote), each solver answer to a subquestion
 * and each verdict, with the inputs {@link Lm2Strategy} built for them. The context a call saw is
 * replayed from the trace (accepted steps in order, those kept unverified marked so), so the
 * rendered prompt is the one the model got.
 *
 * <p>Not rebuilt: the decomposer's {@code done} reply and the final answer (the result keeps the
 * normalised answer, not the reply), and a call whose reply could not be parsed (the trace ends
 * there). Needs the question's text, which results keep from this version on. The decomposer's
 * calls carry the worked examples the result records ({@code demonstrations}), as they were sent.
 */
@PublicEvolving
public final class Lm2Trace {

    private Lm2Trace() {}

    /**
     * The calls of {@code result}, in the order they were made.
     *
     * @throws IllegalArgumentException when the result is not lm2's or has no question text
     */
    public static List<TracedCall> calls(Result result) {
        if (!Lm2Strategy.NAME.equals(result.strategy())) {
            throw new IllegalArgumentException(
                    "result "
                            + result.id()
                            + " is of strategy '"
                            + result.strategy()
                            + "'; only lm2 traces can be replayed");
        }
        if (result.question() == null) {
            throw new IllegalArgumentException(
                    "result "
                            + result.id()
                            + " has no 'question' text (written by an earlier Triad version);"
                            + " run the questions again to get results whose prompts can be"
                            + " rendered");
        }
        List<String> concepts = result.concepts() == null ? List.of() : result.concepts();
        // The worked examples the decomposer was shown, as the result recorded them.
        List<Map<String, Object>> shown = Inputs.demonstrations(result.demonstrations());
        VerifiedContext context = new VerifiedContext();
        Map<String, String> feedback = null;
        List<TracedCall> calls = new ArrayList<>();
        for (Step step : result.steps()) {
            if (step.raw() != null || step.subquestion() == null) {
                break; // an unparsable reply ended the question here
            }
            List<Map<String, Object>> verified = context.prompt(true);
            Map<String, Object> decompose = inputs(result);
            if (shown != null) {
                decompose.put(CallInput.DEMONSTRATIONS.key(), shown);
            }
            Map<String, Object> written = new LinkedHashMap<>();
            Lm2Purpose purpose;
            if (step.index() == 1 && step.attempts() == 1) {
                purpose = Lm2Purpose.CONCEPTS_AND_FIRST;
                written.put("concepts", concepts);
            } else {
                purpose = Lm2Purpose.NEXT_SUBQUESTION;
                decompose.put(CallInput.CONCEPTS.key(), concepts);
                decompose.put(CallInput.VERIFIED.key(), verified);
                if (feedback != null) {
                    decompose.put(CallInput.FEEDBACK.key(), feedback);
                }
            }
            written.put("subquestion", step.subquestion());
            calls.add(call(purpose, step, decompose, written));
            if (step.answer() == null) {
                break;
            }

            Map<String, Object> solve = inputs(result);
            solve.put(CallInput.CONCEPTS.key(), concepts);
            solve.put(CallInput.VERIFIED.key(), verified);
            solve.put(CallInput.SUBQUESTION.key(), step.subquestion());
            Map<String, Object> answered = new LinkedHashMap<>();
            if (step.reasoning() != null) {
                answered.put("reasoning", step.reasoning());
            }
            answered.put("answer", step.answer());
            calls.add(call(Lm2Purpose.ANSWER_SUBQUESTION, step, solve, answered));
            if (step.verdict() == null) {
                break;
            }

            Map<String, Object> verify = inputs(result);
            verify.put(CallInput.VERIFIED.key(), verified);
            verify.put(CallInput.SUBQUESTION.key(), step.subquestion());
            verify.put(CallInput.ANSWER.key(), step.answer());
            String explanation =
                    step.verdict().explanation() == null ? "" : step.verdict().explanation();
            Map<String, Object> judged = new LinkedHashMap<>();
            judged.put("explanation", explanation);
            judged.put("class", step.verdict().verifierClass().wireName());
            calls.add(call(Lm2Purpose.VERIFY, step, verify, judged));

            if (step.accepted()) {
                context.add(
                        new ContextStep(
                                step.subquestion(),
                                step.answer(),
                                !Boolean.TRUE.equals(step.unverified())));
                feedback = null;
            } else {
                // What Lm2Strategy sends back to the decomposer with the step's next attempt.
                feedback = new LinkedHashMap<>();
                feedback.put("subquestion", step.subquestion());
                feedback.put("answer", step.answer());
                feedback.put("class", step.verdict().verifierClass().wireName());
                feedback.put("explanation", explanation);
            }
        }
        return calls;
    }

    private static Map<String, Object> inputs(Result result) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put(CallInput.QUESTION.key(), result.question());
        return inputs;
    }

    private static TracedCall call(
            Lm2Purpose purpose, Step step, Map<String, Object> inputs, Map<String, Object> reply) {
        return new TracedCall(
                Lm2Strategy.NAME, purpose, step.index(), step.attempts(), inputs, reply, step);
    }
}
