package dev.triad.model.openai;

import dev.triad.model.CallHeader;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelRequest;
import java.util.List;

/**
 * One {@link ModelRequest} on its way through the client: the rendered chat, the affinity key, the
 * token estimate for the rate limits, whether it is streamed, and the request body (written once
 * per model name). Thread-safe.
 */
final class Call {

    /** Characters per token for the estimate made before a call (OpenAI's rule of thumb). */
    static final int CHARS_PER_TOKEN = 4;

    final ModelRequest request;
    final String key;
    final List<ChatMessage> messages;
    final long estimatedTokens;
    final boolean stream;

    /** The call's {@link CallHeader}, or {@code null} for a request without a context. */
    final String callHeader;

    private volatile String bodyModel;
    private volatile byte[] body;

    Call(ModelRequest request, boolean stream) {
        this.request = request;
        this.stream = stream;
        this.key = request.context() == null ? null : request.context().questionId();
        this.messages = request.messages();
        this.callHeader = request.context() == null ? null : CallHeader.encode(request.context());
        long chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content() == null ? 0 : m.content().length();
        }
        this.estimatedTokens = Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    /** The request body for {@code model}; written on first use. */
    byte[] body(String model) {
        byte[] written = body;
        if (written != null && model.equals(bodyModel)) {
            return written;
        }
        written =
                ChatWire.requestBody(
                        model, messages, request.temperature(), request.maxTokens(), stream);
        synchronized (this) {
            bodyModel = model;
            body = written;
        }
        return written;
    }
}
