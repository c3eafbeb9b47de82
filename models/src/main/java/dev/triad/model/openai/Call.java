package dev.triad.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.CallContext;
import dev.triad.model.CallHeader;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplySchema;
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

    /** The {@code response_format} sent, or {@code null}. */
    final JsonNode responseFormat;

    /** The {@code max_tokens} sent: the request's, capped by the binding's {@code max-tokens}. */
    final int maxTokens;

    /** A call with no structured output and no token cap of the binding's (tests). */
    Call(ModelRequest request, boolean stream) {
        this(request, stream, StructuredOutput.OFF, 0, 0, 0);
    }

    Call(
            ModelRequest request,
            boolean stream,
            StructuredOutput structured,
            int maxChars,
            int maxItems,
            int maxTokensCap) {
        this.request = request;
        this.stream = stream;
        CallContext context = request.context();
        this.responseFormat =
                context == null || context.purpose() == null
                        ? null
                        : ChatWire.responseFormat(
                                structured,
                                ReplySchema.name(context.strategy(), context.purposeKey()),
                                context.purpose().replyFields(),
                                maxChars,
                                maxItems);
        this.maxTokens =
                maxTokensCap > 0 && (request.maxTokens() <= 0 || request.maxTokens() > maxTokensCap)
                        ? maxTokensCap
                        : request.maxTokens();
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
                        model, messages, request.temperature(), maxTokens, stream, responseFormat);
        synchronized (this) {
            bodyModel = model;
            body = written;
        }
        return written;
    }
}
