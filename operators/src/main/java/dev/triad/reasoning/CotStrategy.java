package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.scoring.AnswerScorer;
import java.util.List;

/**
 * Chain of thought: one solver call for the whole question ({@link CotPurpose}), the baseline LM2
 * is measured against. It keeps no state of its own.
 *
 * <p>The reply is the JSON object its prompt asks for; a reply in plain text (a prompt set of the
 * user's own that asks for text, with {@code structured=off}) is read as evaluation harnesses read
 * chain of thought: its answer is extracted the way the scorer reads answers ({@link
 * AnswerScorer#extract}: a {@code \boxed{}}, a {@code ####} line, "the answer is", else the last
 * number).
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

    @Override
    public Decision onTextReply(
            QuestionState state, StrategyPurpose purpose, PendingCall call, String text)
            throws ReplyFormatException {
        String answer = AnswerScorer.extract(text);
        if (answer == null || answer.isBlank()) {
            throw new ReplyFormatException(
                    "the reply is text without an answer in it (no \\boxed{}, '####' line,"
                            + " 'the answer is' or number)");
        }
        return Decision.solved(answer.strip());
    }
}
