package dev.triad.model;

import dev.triad.schemas.Question;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a model call is for, in structured form. Real models read only the rendered messages;
 * simulated models read this (and the question's gold steps, when present) to act as an oracle, and
 * routers may use {@link #questionId()} for prefix affinity.
 *
 * @param question the question being reasoned about
 * @param strategy the strategy making the call
 * @param purpose what the call asks for: its role, the inputs it carries and the reply fields it
 *     asks for
 * @param step the step number the call belongs to (from 1), or 0 for calls outside steps
 * @param attempt the attempt at this step or call (from 1); a regenerated step counts up
 * @param retry 0 for the first try of this call, n for the n-th re-ask after an unparsable reply
 * @param inputs the template variables the prompt was rendered from, by {@link CallInput#key()}
 */
@PublicEvolving
public record CallContext(
        Question question,
        String strategy,
        CallPurpose purpose,
        int step,
        int attempt,
        int retry,
        Map<String, Object> inputs) {

    /** The id of the question, the natural affinity key. */
    public String questionId() {
        return question.id();
    }

    /** The purpose's key, e.g. {@code verify}, or {@code null} when the call has no purpose. */
    public String purposeKey() {
        return purpose == null ? null : purpose.key();
    }
}
