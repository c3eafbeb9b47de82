package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Chain of thought: one solver call for the whole question ({@link CotPurpose}), the baseline LM2
 * is measured against. It keeps no state of its own.
 */
public final class CotStrategy implements ReasoningStrategy {

    private static final long serialVersionUID = 1L;

    /** The strategy's name in options and results. */
    public static final String NAME = "cot";

    private static final List<CotPurpose> PURPOSES = List.of(CotPurpose.values());

    public CotStrategy() {}

    /** For {@link ReasoningStrategyFactory}: cot has no settings. */
    public CotStrategy(StrategySettings ignored) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CotPurpose> purposes() {
        return PURPOSES;
    }

    @Override
    public Decision start(QuestionState state) {
        return Decision.call(CotPurpose.WHOLE_QUESTION, 0, 1, Inputs.of(state).build());
    }

    @Override
    public Decision onReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, ObjectNode reply)
            throws ReplyFormatException {
        return Decision.solved(ReplyParser.requireText(reply, "answer"));
    }
}
