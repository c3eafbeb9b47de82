package dev.triad.reasoning;

import dev.triad.model.Role;
import dev.triad.schemas.Step;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One model call of a finished question, rebuilt from its {@link dev.triad.schemas.Result}: the
 * purpose it was made for, the template inputs it was rendered from (exactly as the strategy built
 * them, in the same order) and the reply it got, in the reply fields its purpose asks for. {@link
 * PromptLibrary#render} of {@code (strategy, purpose, inputs)} gives the chat the model saw.
 *
 * @param strategy the strategy that made the call, e.g. {@code lm2}
 * @param purpose what the call was for
 * @param step the step it belongs to, from 1
 * @param attempt the attempt at that step, from 1
 * @param inputs the template inputs, keyed by {@link dev.triad.model.CallInput#key()}
 * @param reply the reply's fields as the strategy read them (the model's JSON, parsed and trimmed)
 * @param traced the trace entry the call wrote (decomposer, solver) or judged (verifier)
 */
@PublicEvolving
public record TracedCall(
        String strategy,
        StrategyPurpose purpose,
        int step,
        int attempt,
        Map<String, Object> inputs,
        Map<String, Object> reply,
        Step traced) {

    /** The role the call went to. */
    public Role role() {
        return purpose.role();
    }
}
