package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.Role;
import dev.triad.schemas.Step;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One way of reasoning about a question (lm2, cot, plan-solve), written as a state machine over
 * {@link QuestionState}: the operator asks it for the first call, hands it each parsed reply, and
 * does whatever {@link Decision} it returns. Strategies make no calls themselves and keep nothing
 * outside the state (their own part of it is a {@link StrategyState}), so the operator can
 * checkpoint, restore and interleave thousands of them.
 *
 * <p>A strategy owns its calls: the {@link #purposes()} it makes (an enum of {@link
 * StrategyPurpose}s: role, inputs, reply fields, template), and its templates under {@code
 * dev/triad/prompts/VERSION/NAME/}. A new strategy is one class, its state record, its purpose enum
 * and its templates, made available through {@link Strategies} or {@link
 * Reasoning.Builder#strategy(String, ReasoningStrategyFactory)}; the operator and the simulated
 * models need nothing else.
 */
@PublicEvolving
public interface ReasoningStrategy extends Serializable {

    /** The name used in options and results, e.g. {@code lm2}. */
    String name();

    /** Every purpose this strategy makes calls for. */
    List<? extends StrategyPurpose> purposes();

    /** The roles whose models this strategy calls. */
    default Set<Role> roles() {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (StrategyPurpose purpose : purposes()) {
            roles.add(purpose.role());
        }
        return roles;
    }

    /**
     * The purpose called {@code key}.
     *
     * @throws IllegalStateException when this strategy makes no such calls (a state that does not
     *     belong to it)
     */
    default StrategyPurpose purpose(String key) {
        for (StrategyPurpose purpose : purposes()) {
            if (purpose.key().equals(key)) {
                return purpose;
            }
        }
        throw new IllegalStateException(
                "Strategy " + name() + " makes no call for purpose '" + key + "'");
    }

    /** The first decision for a new question; sets the question's {@link QuestionState#part()}. */
    Decision start(QuestionState state);

    /**
     * Applies the reply to {@code call}, made for {@code purpose}, and decides what comes next.
     *
     * @throws ReplyFormatException when the reply lacks what the call asked for
     */
    Decision onReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, ObjectNode reply)
            throws ReplyFormatException;

    /**
     * Applies a reply that is plain text, not JSON (it holds no JSON object and does not begin as
     * one, {@link ReplyParser#isPlainText}): what a model writes when no structured output is asked
     * of the engine ({@code structured=off}) and its prompt asks for text. By default such a reply
     * is unparsable, and the call is asked again.
     *
     * @throws ReplyFormatException when the text lacks what the call asked for
     */
    default Decision onTextReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, String text)
            throws ReplyFormatException {
        throw new ReplyFormatException("the reply holds no JSON object");
    }

    /**
     * The trace entry for a call whose replies stayed unparsable, with the last raw reply. By
     * default it stands at the call's step (step 1 for calls outside steps).
     */
    default Step unparsableReply(QuestionState state, PendingCall call, String raw) {
        return new Step(
                call.step() > 0 ? call.step() : 1, call.attempt(), null, null, null, false, raw);
    }
}
