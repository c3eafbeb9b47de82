package dev.triad.model.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads one streamed chat completion ({@code text/event-stream}, OpenAI's {@code
 * chat.completion.chunk}s) as its bytes arrive: splits them into server-sent events (lines ending
 * in LF, CRLF or CR; {@code data:} fields joined, comments and other fields skipped), parses each
 * chunk, joins the content deltas of choice 0, keeps the last {@code usage} sent (the usage chunk
 * of {@code stream_options.include_usage}) and notes when the first chunk with a choice came: the
 * first token.
 *
 * <p>Faults end the body exceptionally with an {@link OpenAiCallException} and cancel the
 * subscription, which closes the connection: a chunk that is not JSON, an error object sent
 * mid-stream, a stream that ends with neither a {@code finish_reason} nor {@code data: [DONE]}
 * (truncated), or one in which no chunk had a choice. All are retriable ({@link OpenAiErrors}). A
 * connection that breaks mid-stream reaches the client as the HTTP client's I/O error.
 *
 * <p>Threading: the HTTP client calls the {@link Flow.Subscriber} methods one at a time; {@link
 * #abort()} may be called from any thread.
 */
final class ChatStream implements HttpResponse.BodySubscriber<ChatStream.Result> {

    /** The longest single event accepted, in bytes; a longer one is a broken stream. */
    static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private static final String DONE = "[DONE]";

    /**
     * A stream read to its end.
     *
     * @param reply the joined text and the usage (0 where the server sent none)
     * @param firstTokenNanos {@link System#nanoTime()} when the first chunk with a choice arrived
     * @param chunks chunks read, {@code [DONE]} not counted
     */
    record Result(ChatWire.Reply reply, long firstTokenNanos, int chunks) {}

    private final String endpoint;
    private final ApiKey key;
    private final CompletableFuture<Result> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private int eventBytes;

    private final StringBuilder text = new StringBuilder();
    private JsonNode usage = MissingNode.getInstance();
    private String finishReason;
    private boolean done;
    private volatile long firstTokenNanos = -1;
    private volatile long lastBytesNanos = System.nanoTime();
    private int chunks;

    ChatStream(String endpoint, ApiKey key) {
        this.endpoint = endpoint;
        this.key = key;
    }

    @Override
    public CompletionStage<Result> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (body.isDone()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        lastBytesNanos = System.nanoTime();
        for (ByteBuffer buffer : buffers) {
            while (buffer.hasRemaining()) {
                if (!accept(buffer.get())) {
                    return;
                }
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        // An event not ended by a blank line is not dispatched (the SSE rule): a stream cut off
        // mid-event is judged by what came before.
        if (done || finishReason != null) {
            if (firstTokenNanos < 0) {
                fail(
                        OpenAiErrors.badResponse(
                                endpoint,
                                "no chunk of the stream had a choice ('choices' empty or"
                                        + " missing in every chunk)"));
                return;
            }
            body.complete(
                    new Result(ChatWire.reply(text.toString(), usage), firstTokenNanos, chunks));
        } else {
            fail(
                    OpenAiErrors.badResponse(
                            endpoint,
                            "the stream ended after "
                                    + chunks
                                    + " chunk(s) with neither a finish_reason nor data: [DONE];"
                                    + " it was cut off"));
        }
    }

    /** {@link System#nanoTime()} of the first chunk with a choice, or -1 before it. */
    long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** {@link System#nanoTime()} when bytes last arrived (or the stream began). */
    long lastBytesNanos() {
        return lastBytesNanos;
    }

    /** Stops reading (the call timed out or the client closed): closes the connection. */
    void abort() {
        body.cancel(false);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    // ------------------------------------------------------------------ server-sent events

    /** One byte of the stream; false once the stream failed. */
    private boolean accept(byte b) {
        if (b == '\n' || b == '\r') {
            boolean crlf = b == '\n' && afterCr;
            afterCr = b == '\r';
            if (!crlf) {
                return line();
            }
            return true;
        }
        afterCr = false;
        if (lineLength == line.length) {
            if (eventBytes + lineLength >= MAX_EVENT_BYTES) {
                fail(
                        OpenAiErrors.badResponse(
                                endpoint,
                                "a stream event is longer than " + MAX_EVENT_BYTES + " bytes"));
                return false;
            }
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
        return true;
    }

    /** A line ended: a field of the event, a comment, or (blank) the end of the event. */
    private boolean line() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            return dispatch();
        }
        if (line[0] == ':') {
            return true; // a comment, e.g. a keep-alive
        }
        int colon = -1;
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon < 0 ? length : colon;
        if (nameEnd != 4 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a') {
            return true; // event:, id:, retry: and unknown fields mean nothing here
        }
        int from = colon < 0 ? length : colon + 1;
        if (from < length && line[from] == ' ') {
            from++;
        }
        if (hasData) {
            data.append('\n');
        }
        hasData = true;
        // '\n' and '\r' never occur inside a UTF-8 sequence, so a line decodes on its own.
        data.append(new String(line, from, length - from, StandardCharsets.UTF_8));
        eventBytes += length;
        if (line.length > 4096) {
            line = new byte[256];
        }
        return true;
    }

    /** An event ended: its data is one chunk, or {@code [DONE]}. */
    private boolean dispatch() {
        if (!hasData) {
            return true;
        }
        String payload = data.toString();
        data.setLength(0);
        hasData = false;
        eventBytes = 0;
        if (done) {
            return true; // nothing counts after [DONE]
        }
        if (payload.trim().equals(DONE)) {
            done = true;
            return true;
        }
        return chunk(payload);
    }

    private boolean chunk(String payload) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            // The parser quotes the chunk; a server may have echoed the key into it.
            fail(
                    OpenAiErrors.badResponse(
                            endpoint,
                            "stream chunk "
                                    + (chunks + 1)
                                    + " is not valid JSON: "
                                    + OpenAiErrors.excerpt(
                                            key.redact(String.valueOf(e.getOriginalMessage())))));
            return false;
        } catch (IOException e) {
            fail(
                    OpenAiErrors.badResponse(
                            endpoint, "stream chunk " + (chunks + 1) + " is unreadable"));
            return false;
        }
        chunks++;
        if (root == null || !root.isObject()) {
            fail(
                    OpenAiErrors.badResponse(
                            endpoint, "stream chunk " + chunks + " is not a JSON object"));
            return false;
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            fail(OpenAiErrors.streamError(endpoint, error, key));
            return false;
        }
        JsonNode choices = root.get("choices");
        if (choices != null && choices.isArray()) {
            for (JsonNode choice : choices) {
                if (choice.path("index").asInt(0) != 0) {
                    continue;
                }
                if (firstTokenNanos < 0) {
                    firstTokenNanos = System.nanoTime();
                }
                JsonNode content = choice.path("delta").get("content");
                if (content != null && content.isTextual()) {
                    text.append(content.asText());
                }
                JsonNode finish = choice.get("finish_reason");
                if (finish != null && finish.isTextual()) {
                    finishReason = finish.asText();
                }
            }
        }
        JsonNode chunkUsage = root.get("usage");
        if (chunkUsage != null && chunkUsage.isObject()) {
            usage = chunkUsage;
        }
        return true;
    }

    private void fail(OpenAiCallException e) {
        body.completeExceptionally(e);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
