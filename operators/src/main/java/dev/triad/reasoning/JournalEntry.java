package dev.triad.reasoning;

import dev.triad.model.ModelCompletion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One completed model reply in the {@link ReplyJournal}: the question it belongs to (the operator's
 * key, question id and strategy), which of the question's calls it answered ({@link
 * #callOf(PendingCall)}: purpose, step, attempt, retry), a digest of the request that was sent, and
 * the reply with its usage. A journal line is this record as JSON.
 *
 * @param key the (question id, strategy) key the call was made under
 * @param call the call's place in its question, e.g. {@code verify/2/1/0}
 * @param request SHA-256 of what was sent (role, messages, temperature, maximum tokens), so a reply
 *     is only used for the very same request
 * @param completion the reply
 */
record JournalEntry(String key, String call, String request, ModelCompletion completion) {

    /**
     * A call's place in its question: purpose, step, attempt and re-ask, e.g. {@code verify/2/1/0}.
     */
    static String callOf(PendingCall call) {
        return call.purpose() + "/" + call.step() + "/" + call.attempt() + "/" + call.retry();
    }

    /** The digest of a request's content: everything a model sees. */
    static String digest(dev.triad.model.ModelRequest request) {
        StringBuilder text = new StringBuilder(512);
        text.append(request.role().key())
                .append('\n')
                .append(request.temperature())
                .append('\n')
                .append(request.maxTokens());
        for (var message : request.messages()) {
            text.append('\n').append(message.role()).append('\u0000').append(message.content());
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of()
                    .formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The lookup key: question, call and request together. */
    String id() {
        return key + '\u0000' + call + '\u0000' + request;
    }
}
