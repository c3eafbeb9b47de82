package dev.triad.reasoning;

import dev.triad.model.Role;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The model call a question is waiting for, kept in keyed state so a restored operator can make it
 * again. {@code seq} tells a current reply from a stale one (a reply to a call made before a
 * deadline, or before a re-ask). {@code purpose} is the key of one of the strategy's {@link
 * StrategyPurpose}s ({@link ReasoningStrategy#purpose(String)}).
 */
@PublicEvolving
public record PendingCall(
        long seq,
        Role role,
        String purpose,
        int step,
        int attempt,
        int retry,
        Map<String, Object> inputs) {

    /** The call a strategy decided on, as call {@code seq}. */
    static PendingCall of(long seq, Decision.Call call) {
        return new PendingCall(
                seq,
                call.purpose().role(),
                call.purpose().key(),
                call.step(),
                call.attempt(),
                0,
                call.inputs());
    }

    /** The same call asked again, after an unparsable reply. */
    PendingCall retried(long newSeq) {
        return new PendingCall(newSeq, role, purpose, step, attempt, retry + 1, inputs);
    }
}
