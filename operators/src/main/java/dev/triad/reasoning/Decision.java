package dev.triad.reasoning;

import dev.triad.schemas.Status;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/** What a strategy wants next for a question: one more model call, or the end. */
@PublicEvolving
public sealed interface Decision {

    /** Make this call; its reply comes back to the strategy. */
    record Call(StrategyPurpose purpose, int step, int attempt, Map<String, Object> inputs)
            implements Decision {}

    /** The question is over. */
    record Finish(Status status, String reason, String answer) implements Decision {}

    static Call call(StrategyPurpose purpose, int step, int attempt, Map<String, Object> inputs) {
        return new Call(purpose, step, attempt, inputs);
    }

    static Finish solved(String answer) {
        return new Finish(Status.SOLVED, null, answer);
    }

    static Finish unsolved(String reason) {
        return new Finish(Status.UNSOLVED, reason, null);
    }

    static Finish failed(String reason) {
        return new Finish(Status.FAILED, reason, null);
    }
}
