package dev.triad.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ModelErrors;
import dev.triad.model.openai.OpenAiCallException.Kind;
import dev.triad.schemas.Json;
import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Where what an OpenAI-compatible endpoint answered (a status code, a broken connection, a body
 * that does not parse) becomes an {@link OpenAiCallException}: retriable (429, 408, 409, 5xx,
 * timeouts, refused or reset connections, as {@link ModelErrors} splits them; malformed or
 * truncated bodies and streams, errors sent mid-stream, empty {@code choices}) or not (400, 401,
 * 403, 404, 413, 422 and other 4xx), with a message that names the endpoint, the status and what to
 * do, e.g. {@code 401 from http://127.0.0.1:8001/v1: the API key was refused; check the environment
 * variable OPENAI_API_KEY}.
 *
 * <p>Every text taken from a server passes through the key's {@link ApiKey#redact} and is cut to
 * {@value #MAX_SERVER_MESSAGE} characters. Stateless; thread-safe.
 */
final class OpenAiErrors {

    /** The longest excerpt of a server's own error message put into ours. */
    static final int MAX_SERVER_MESSAGE = 300;

    /** The longest {@code Retry-After} honoured; longer ones are cut to this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    private OpenAiErrors() {}

    /**
     * A non-2xx answer.
     *
     * @param endpoint the replica's base URL
     * @param model the model name sent
     * @param status the HTTP status
     * @param headers the response headers ({@code Retry-After}, {@code retry-after-ms})
     * @param body the response body, possibly OpenAI's {@code {"error": {"message": ...}}}
     * @param key the key sent, to redact and to say where it came from
     * @param keySource where the key came from
     * @param soleReplica whether the endpoint is the model's only replica: its {@code Retry-After}
     *     then holds back the whole model ({@link OpenAiCallException#retryAfter()})
     */
    static OpenAiCallException forStatus(
            String endpoint,
            String model,
            int status,
            HttpHeaders headers,
            byte[] body,
            ApiKey key,
            ApiKeySource keySource,
            boolean soleReplica) {
        String server = serverMessage(body, key);
        String said = server.isEmpty() ? "" : " (the server said: " + server + ")";
        long retryAfter = retryAfterNanos(headers);
        String head = status + " from " + endpoint + ": ";
        Kind kind;
        String text;
        switch (status) {
            case 400:
            case 413:
            case 422:
                kind = Kind.REFUSED;
                text =
                        head
                                + "the request was refused as invalid"
                                + said
                                + "; not retried. "
                                + invalidAdvice(server);
                break;
            case 401:
                kind = Kind.REFUSED;
                text =
                        head
                                + (key.present()
                                        ? "the API key was refused"
                                        : "the server wants an API key and none was sent")
                                + "; "
                                + keySource.advice()
                                + said;
                break;
            case 403:
                kind = Kind.REFUSED;
                text =
                        head
                                + "the API key may not use model '"
                                + model
                                + "'"
                                + said
                                + "; check the key's permissions or the #model name ("
                                + keySource.where()
                                + ")";
                break;
            case 404:
                kind = Kind.REFUSED;
                text =
                        head
                                + "no such route or model '"
                                + model
                                + "'"
                                + said
                                + "; check that the base URL ends in /v1 and the #model name"
                                + " (GET "
                                + endpoint
                                + "/models lists the served ones)";
                break;
            case 429:
                kind = Kind.RATE_LIMITED;
                text =
                        head
                                + "rate limited"
                                + (retryAfter > 0
                                        ? " (Retry-After "
                                                + TimeUnit.NANOSECONDS.toMillis(retryAfter)
                                                + " ms)"
                                        : "")
                                + said
                                + "; retried after a backoff. If it persists, lower rpm, tpm or"
                                + " max-concurrency, or add replicas";
                break;
            default:
                if (ModelErrors.retriable(status)) {
                    kind = Kind.SERVER_ERROR;
                    text =
                            head
                                    + (status == 503
                                            ? "the server is unavailable or overloaded"
                                            : "the server failed")
                                    + said
                                    + "; retried after a backoff. If it persists, check the"
                                    + " server's logs and health";
                } else {
                    kind = Kind.REFUSED;
                    text =
                            head
                                    + "the request was refused"
                                    + said
                                    + "; not retried. Check the base URL, the #model name and"
                                    + " the key ("
                                    + keySource.where()
                                    + ")";
                }
        }
        return new OpenAiCallException(
                kind,
                endpoint,
                status,
                retryAfter,
                soleReplica,
                ModelErrors.retriable(status),
                text,
                null);
    }

    /**
     * A call that ended without an HTTP answer: a timeout, a refused or broken connection.
     *
     * @param endpoint the replica's base URL
     * @param error what the HTTP client reported
     * @param timeout the call timeout, for the message
     */
    static OpenAiCallException forFailure(String endpoint, Throwable error, Duration timeout) {
        Throwable cause = ModelErrors.unwrap(error);
        if (cause instanceof OpenAiCallException known) {
            return known;
        }
        if (cause instanceof CancellationException) {
            return timeout(endpoint, timeout); // the client cancels an exchange on its timeout
        }
        ModelErrors.Transport transport = ModelErrors.transport(cause);
        if (transport == null) {
            return connection(
                    endpoint,
                    "the call to " + endpoint + " failed (" + describe(cause) + "); retried");
        }
        Throwable found = transport.cause();
        switch (transport.kind()) {
            case TIMEOUT:
                return timeout(endpoint, timeout);
            case CONNECT:
                return new OpenAiCallException(
                        Kind.CONNECT,
                        endpoint,
                        OpenAiCallException.NO_STATUS,
                        0,
                        false,
                        true,
                        "cannot connect to "
                                + endpoint
                                + (found instanceof HttpConnectTimeoutException
                                        ? " (connect timed out); retried on another replica if"
                                                + " there is one. Is the server up and reachable"
                                                + " from the TaskManagers?"
                                        : " ("
                                                + describe(found)
                                                + "); retried on another replica if there is one."
                                                + " Is the server up, and is the host and port"
                                                + " right?"),
                        null);
            case BROKEN:
            default:
                boolean eof =
                        found instanceof EOFException
                                || String.valueOf(found.getMessage())
                                        .toLowerCase(Locale.ROOT)
                                        .contains("eof");
                return connection(
                        endpoint,
                        "the connection to "
                                + endpoint
                                + (eof
                                        ? " closed before the answer was complete"
                                        : " broke before an answer")
                                + " ("
                                + describe(found)
                                + "); retried. If it persists, check the server and any proxy or"
                                + " load balancer between");
        }
    }

    private static OpenAiCallException connection(String endpoint, String message) {
        return new OpenAiCallException(
                Kind.CONNECTION,
                endpoint,
                OpenAiCallException.NO_STATUS,
                0,
                false,
                true,
                message,
                null);
    }

    /** No answer within the call timeout. */
    /** A stream that stopped progressing: no first token in time, or a gap between chunks. */
    static OpenAiCallException stalled(String endpoint, String what, String option) {
        return new OpenAiCallException(
                Kind.TIMEOUT,
                endpoint,
                OpenAiCallException.NO_STATUS,
                0,
                false,
                true,
                "the stream from "
                        + endpoint
                        + " stalled: "
                        + what
                        + "; retried. If the model is slow rather than stuck, raise "
                        + option,
                null);
    }

    /**
     * A hedged call whose two tries both waited unusually long: taken as hung and ended, to be
     * tried afresh.
     */
    static OpenAiCallException hung(String endpoint, long afterMs) {
        return new OpenAiCallException(
                Kind.TIMEOUT,
                endpoint,
                OpenAiCallException.NO_STATUS,
                0,
                false,
                true,
                "no answer from "
                        + endpoint
                        + " after "
                        + afterMs
                        + " ms, and none from the other replica the call was also sent to (both"
                        + " taken as hung); retried. If the model is slow rather than stuck, raise"
                        + " hedge-factor or hedge-floor, or set hedge=false",
                null);
    }

    static OpenAiCallException timeout(String endpoint, Duration timeout) {
        return new OpenAiCallException(
                Kind.TIMEOUT,
                endpoint,
                OpenAiCallException.NO_STATUS,
                0,
                false,
                true,
                "no answer from "
                        + endpoint
                        + " within the call timeout of "
                        + timeout.toMillis()
                        + " ms; retried. If the model is slow rather than stuck, raise timeout or"
                        + " lower max-concurrency",
                null);
    }

    /** A 200 whose body is not a chat completion Triad can use. */
    static OpenAiCallException badResponse(String endpoint, String what) {
        return new OpenAiCallException(
                Kind.BAD_RESPONSE,
                endpoint,
                200,
                0,
                false,
                true,
                "the response from "
                        + endpoint
                        + " is not a usable chat completion ("
                        + what
                        + "); retried. If it persists, check that the server speaks OpenAI's"
                        + " chat-completions API",
                null);
    }

    /**
     * An error object sent in the middle of a stream ({@code data: {"error": {...}}}, as vLLM does
     * when generation fails after the 200 was sent): the server failed this time; retriable.
     */
    static OpenAiCallException streamError(String endpoint, JsonNode error, ApiKey key) {
        JsonNode message = error.path("message");
        String text = message.isTextual() ? message.asText() : error.toString();
        text = excerpt(key.redact(text).replaceAll("\\s+", " ").trim());
        return new OpenAiCallException(
                Kind.SERVER_ERROR,
                endpoint,
                200,
                0,
                false,
                true,
                "the stream from "
                        + endpoint
                        + " ended with an error (the server said: "
                        + text
                        + "); retried. If it persists, check the server's logs and health",
                null);
    }

    /** A server's text cut to {@value #MAX_SERVER_MESSAGE} characters. */
    static String excerpt(String text) {
        return text.length() <= MAX_SERVER_MESSAGE
                ? text
                : text.substring(0, MAX_SERVER_MESSAGE) + "...";
    }

    /** The model was closed while the call waited or ran. */
    static OpenAiCallException closed(String endpoint) {
        return new OpenAiCallException(
                Kind.CLOSED,
                endpoint,
                OpenAiCallException.NO_STATUS,
                0,
                false,
                false,
                "the OpenAI-compatible model for "
                        + endpoint
                        + " was closed before the call ended; a restarted task makes it again",
                null);
    }

    /**
     * The time a response asks the client to wait: {@code retry-after-ms} (OpenAI's), else {@code
     * Retry-After} in seconds or as an HTTP date; 0 when absent or unreadable. At most {@link
     * #MAX_RETRY_AFTER}.
     */
    static long retryAfterNanos(HttpHeaders headers) {
        if (headers == null) {
            return 0;
        }
        long nanos = 0;
        OptionalLong ms = parseLong(headers.firstValue("retry-after-ms").orElse(null));
        if (ms.isPresent()) {
            nanos = TimeUnit.MILLISECONDS.toNanos(ms.getAsLong());
        } else {
            String value = headers.firstValue("retry-after").orElse(null);
            if (value != null) {
                OptionalLong seconds = parseLong(value);
                if (seconds.isPresent()) {
                    nanos = TimeUnit.SECONDS.toNanos(seconds.getAsLong());
                } else {
                    try {
                        ZonedDateTime at =
                                ZonedDateTime.parse(
                                        value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                        nanos =
                                TimeUnit.MILLISECONDS.toNanos(
                                        at.toInstant().toEpochMilli() - System.currentTimeMillis());
                    } catch (RuntimeException e) {
                        nanos = 0;
                    }
                }
            }
        }
        return Math.max(0, Math.min(nanos, MAX_RETRY_AFTER.toNanos()));
    }

    private static OptionalLong parseLong(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.round(Double.parseDouble(value.trim())));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * What to change after a 400 whose server message is {@code server}: a prompt longer than the
     * model's context (vLLM's "maximum context length", llama.cpp's "exceeds the available context
     * size", OpenAI's {@code context_length_exceeded}), a refused {@code response_format}, or else
     * the general advice.
     */
    static String invalidAdvice(String server) {
        String lower = server.toLowerCase(Locale.ROOT);
        if (lower.contains("context")
                && (lower.contains("length")
                        || lower.contains("size")
                        || lower.contains("exceed"))) {
            return "The prompt and the completion token limit do not fit the model's context:"
                    + " serve the model with a larger context (llama-server -c, vLLM"
                    + " --max-model-len, Ollama num_ctx), shorten the question, or lower the"
                    + " completion token limit (max-tokens=N in the openai: binding)";
        }
        if (lower.contains("response_format")
                || lower.contains("json_schema")
                || lower.contains("schema")
                || lower.contains("grammar")) {
            return "The server refused the structured-output request (response_format): set"
                    + " structured=json_object, or structured=off, in the openai: binding for a"
                    + " server without JSON-schema outputs";
        }
        return "If the prompt is too long for the model's context, shorten the question or lower"
                + " the completion token limit";
    }

    /** OpenAI's {@code error.message}, or the start of a non-JSON body; redacted and cut. */
    static String serverMessage(byte[] body, ApiKey key) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = null;
        try {
            JsonNode root = Json.mapper().readTree(body);
            JsonNode message = root == null ? null : root.path("error").path("message");
            if (message != null && message.isTextual()) {
                text = message.asText();
            } else if (root != null && root.path("message").isTextual()) {
                text = root.path("message").asText();
            } else if (root != null && root.path("detail").isTextual()) {
                text = root.path("detail").asText();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: quote the start of the body as it is.
        }
        if (text == null) {
            text =
                    new String(
                            body,
                            0,
                            Math.min(body.length, 4 * MAX_SERVER_MESSAGE),
                            StandardCharsets.UTF_8);
        }
        text = key.redact(text).replaceAll("\\s+", " ").trim();
        return text.length() <= MAX_SERVER_MESSAGE
                ? text
                : text.substring(0, MAX_SERVER_MESSAGE) + "...";
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
