package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Set;

/**
 * One way of reasoning about a question (lm2, cot, plan-solve), written as a state machine over
 * {@link QuestionState}: the operator asks it for the first call, hands it each parsed reply, and
 * does whatever {@link Decision} it returns. Strategies make no calls themselves and keep nothing
 * outside the state, so the operator can checkpoint, restore and interleave thousands of them.
 */
public interface ReasoningStrategy extends Serializable {

    /** The name used in options and results, e.g. {@code lm2}. */
    String name();

    /** The roles whose models this strategy calls. */
    Set<Role> roles();

    /** The first decision for a new question. */
    Decision start(QuestionState state);

    /**
     * Applies the reply to {@code call} and decides what comes next.
     *
     * @throws ReplyFormatException when the reply lacks what the call asked for
     */
    Decision onReply(QuestionState state, PendingCall call, ObjectNode reply)
            throws ReplyFormatException;
}
