package dev.triad.reasoning;

import dev.triad.model.Role;
import java.util.Map;

/**
 * The model call a question is waiting for, kept in keyed state so a restored operator can make it
 * again. {@code seq} tells a current reply from a stale one (a reply to a call made before a
 * deadline, or before a retry).
 */
public record PendingCall(
        long seq,
        Role role,
        String purpose,
        int step,
        int attempt,
        int retry,
        Map<String, Object> inputs) {

    /** The same call asked again, after an unparsable reply or a retriable error. */
    PendingCall retried(long newSeq) {
        return new PendingCall(newSeq, role, purpose, step, attempt, retry + 1, inputs);
    }
}
