package dev.triad.simulator.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON bodies of OpenAI's chat-completions API as the simulated server writes them: a
 * completion ({@code object: chat.completion}), stream chunks ({@code chat.completion.chunk}, each
 * as one server-sent event {@code data: {...}\n\n}), the model list and the error object {@code
 * {"error": {"message", "type", "param", "code"}}}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class OpenAiWire {

    /** The event that ends a stream. */
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private OpenAiWire() {}

    /** Token usage of one completion. */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {}

    /** The header of every completion and chunk of one request. */
    record Head(String id, long created, String model) {}

    /** Writes one JSON body; shared with {@link OllamaWire} and {@link AnthropicWire}. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** The body as bytes; as one server-sent event ({@code data: ...}) when {@code event}. */
    static byte[] json(Body body, boolean event) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try {
            if (event) {
                bytes.write(DATA);
            }
            try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
                body.write(g);
            }
            if (event) {
                bytes.write(EVENT_END);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A complete {@code chat.completion}; no choices at all when {@code emptyChoices}. */
    static byte[] completion(
            Head head, String content, String finishReason, Usage usage, boolean emptyChoices) {
        return json(
                g -> {
                    g.writeStartObject();
                    head(g, head, "chat.completion");
                    g.writeArrayFieldStart("choices");
                    if (!emptyChoices) {
                        g.writeStartObject();
                        g.writeNumberField("index", 0);
                        g.writeObjectFieldStart("message");
                        g.writeStringField("role", "assistant");
                        g.writeStringField("content", content);
                        g.writeEndObject();
                        g.writeNullField("logprobs");
                        g.writeStringField("finish_reason", finishReason);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    usage(g, usage);
                    g.writeEndObject();
                },
                false);
    }

    /**
     * One stream chunk as an event: a delta with the role (first chunk) and/or content, or an empty
     * delta with the finish reason (last chunk); no choices at all when {@code emptyChoices}. With
     * {@code nullUsage} (a stream that ends with a usage chunk) it has {@code "usage": null}, as
     * OpenAI's chunks do.
     */
    static byte[] chunk(
            Head head,
            String role,
            String content,
            String finishReason,
            boolean emptyChoices,
            boolean nullUsage) {
        return json(
                g -> {
                    g.writeStartObject();
                    head(g, head, "chat.completion.chunk");
                    g.writeArrayFieldStart("choices");
                    if (!emptyChoices) {
                        g.writeStartObject();
                        g.writeNumberField("index", 0);
                        g.writeObjectFieldStart("delta");
                        if (role != null) {
                            g.writeStringField("role", role);
                        }
                        if (content != null) {
                            g.writeStringField("content", content);
                        }
                        g.writeEndObject();
                        g.writeNullField("logprobs");
                        if (finishReason == null) {
                            g.writeNullField("finish_reason");
                        } else {
                            g.writeStringField("finish_reason", finishReason);
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    if (nullUsage) {
                        g.writeNullField("usage");
                    }
                    g.writeEndObject();
                },
                true);
    }

    /** The usage chunk that ends a stream when {@code stream_options.include_usage} is set. */
    static byte[] usageChunk(Head head, Usage usage) {
        return json(
                g -> {
                    g.writeStartObject();
                    head(g, head, "chat.completion.chunk");
                    g.writeArrayFieldStart("choices");
                    g.writeEndArray();
                    usage(g, usage);
                    g.writeEndObject();
                },
                true);
    }

    /** OpenAI's error object. */
    static byte[] error(String message, String type, String param, String code) {
        return json(
                g -> {
                    g.writeStartObject();
                    g.writeObjectFieldStart("error");
                    g.writeStringField("message", message);
                    g.writeStringField("type", type);
                    nullable(g, "param", param);
                    nullable(g, "code", code);
                    g.writeEndObject();
                    g.writeEndObject();
                },
                false);
    }

    /** {@code GET /v1/models}: one model. */
    static byte[] models(String name, long created, int maxModelLen) {
        return json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("object", "list");
                    g.writeArrayFieldStart("data");
                    g.writeStartObject();
                    g.writeStringField("id", name);
                    g.writeStringField("object", "model");
                    g.writeNumberField("created", created);
                    g.writeStringField("owned_by", "triad-simulator");
                    g.writeStringField("root", name);
                    g.writeNumberField("max_model_len", maxModelLen);
                    g.writeEndObject();
                    g.writeEndArray();
                    g.writeEndObject();
                },
                false);
    }

    /** {@code GET /health}. */
    static byte[] health(int replica, String profile) {
        return json(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "ok");
                    g.writeBooleanField("simulated", true);
                    g.writeNumberField("replica", replica);
                    g.writeStringField("profile", profile);
                    g.writeEndObject();
                },
                false);
    }

    private static void head(JsonGenerator g, Head head, String object) throws IOException {
        g.writeStringField("id", head.id());
        g.writeStringField("object", object);
        g.writeNumberField("created", head.created());
        g.writeStringField("model", head.model());
        g.writeNullField("system_fingerprint");
    }

    private static void usage(JsonGenerator g, Usage usage) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", usage.promptTokens());
        g.writeNumberField("completion_tokens", usage.completionTokens());
        g.writeNumberField("total_tokens", usage.promptTokens() + usage.completionTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", usage.cachedTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void nullable(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }
}
