package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import java.util.List;

/** The one call {@link CotStrategy} makes. */
public enum CotPurpose implements StrategyPurpose {
    /** Solver: the whole question, reasoning first, then the answer. */
    WHOLE_QUESTION(
            CallPurpose.of(
                    "cot",
                    Role.SOLVER,
                    List.of(CallInput.QUESTION),
                    List.of(ReplyField.REASONING, ReplyField.ANSWER)));

    private final CallPurpose spec;

    CotPurpose(CallPurpose spec) {
        this.spec = spec;
    }

    @Override
    public CallPurpose spec() {
        return spec;
    }
}
