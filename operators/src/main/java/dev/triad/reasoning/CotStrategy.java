package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallPurpose;
import dev.triad.model.Role;
import java.util.EnumSet;
import java.util.Set;

/**
 * Chain of thought: one solver call for the whole question, the baseline LM2 is measured against.
 */
public final class CotStrategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "cot";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Role> roles() {
        return EnumSet.of(Role.SOLVER);
    }

    @Override
    public Decision start(QuestionState state) {
        return Decision.call(Role.SOLVER, CallPurpose.COT, 0, 1, Inputs.of(state).build());
    }

    @Override
    public Decision onReply(QuestionState state, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        return Decision.solved(ReplyParser.requireText(reply, "answer"));
    }
}
