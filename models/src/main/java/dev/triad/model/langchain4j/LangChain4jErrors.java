package dev.triad.model.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCallException.ServerSign;
import dev.triad.model.ModelErrors;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a langchain4j failure becomes a {@link ModelCallException}: retriable (rate limits, server
 * errors, timeouts, broken connections, unreadable answers) or not (authentication, invalid
 * request, unknown model, unresolvable host, unsupported feature), with a message naming the
 * provider and endpoint and what to do, e.g. {@code langchain4j:openai@http://host/v1: 401, the API
 * key was refused; check key-env=OPENAI_API_KEY}.
 *
 * <p>HTTP statuses and failures without an answer are split as {@link ModelErrors} says, like the
 * {@code openai:} client's. Every text taken from langchain4j or a server has the key replaced by
 * {@value #MASK} and is cut to {@value #MAX_SERVER_MESSAGE} characters; the original exception is
 * not attached as the cause, since its message may hold the key a server echoed. Thread-safe.
 */
final class LangChain4jErrors {

    static final String MASK = "***";
    static final int MAX_SERVER_MESSAGE = 300;

    private final String endpoint;
    private final String key;
    private final ApiKeySource keySource;
    private final Duration timeout;
    private final StructuredOutput structured;

    LangChain4jErrors(
            String endpoint,
            String key,
            ApiKeySource keySource,
            Duration timeout,
            StructuredOutput structured) {
        this.endpoint = endpoint;
        this.key = key;
        this.keySource = keySource;
        this.timeout = timeout;
        this.structured = structured;
    }

    /** Maps what {@code ChatModel.chat()} threw. */
    ModelCallException map(Throwable error) {
        Throwable t = ModelErrors.unwrap(error);
        if (t instanceof ModelCallException known) {
            return known;
        }
        HttpException http = find(t, HttpException.class);
        Integer status = http == null ? null : http.statusCode();
        String said = http == null ? "" : said(http.getMessage());
        String head = endpoint + ": " + (status == null ? "" : status + ", ");
        if (t instanceof AuthenticationException
                || (status != null && (status == 401 || status == 403))) {
            return fail(
                    head
                            + (key == null
                                    ? "the server wants an API key and none was sent"
                                    : "the API key was refused or may not use this model")
                            + said
                            + (key == null
                                    ? "; not retried. Give the key with ?key-env=NAME or"
                                            + " ?key-file=PATH"
                                    : "; not retried. Check " + keySource.where())
                            + " and the model name",
                    false,
                    ServerSign.ANSWERED);
        }
        if (t instanceof ModelNotFoundException || (status != null && status == 404)) {
            return fail(
                    head
                            + "no such model or route"
                            + said
                            + "; not retried. Check model= and base-url (the API root: e.g."
                            + " http://host:8000/v1 for openai, http://host:11434 for ollama)",
                    false,
                    ServerSign.ANSWERED);
        }
        if (t instanceof RateLimitException || (status != null && status == 429)) {
            return fail(
                    head
                            + "rate limited"
                            + said
                            + "; retried after a backoff. If it persists, lower concurrency="
                            + (endpoint.startsWith("langchain4j:openai@")
                                    ? " or use the openai: client, which honours Retry-After"
                                    : " or raise the provider's rate limit"),
                    true,
                    ServerSign.ANSWERED);
        }
        if (status != null && ModelErrors.retriable(status)
                || t instanceof InternalServerException) {
            return fail(
                    head
                            + (status != null && status == 503
                                    ? "the server is unavailable or overloaded"
                                    : "the server failed")
                            + said
                            + "; retried after a backoff. If it persists, check the server",
                    true,
                    ServerSign.FAILING);
        }
        if (t instanceof InvalidRequestException || status != null) {
            return fail(
                    head
                            + "the request was refused as invalid"
                            + said
                            + "; not retried. "
                            + invalidAdvice(said),
                    false,
                    ServerSign.ANSWERED);
        }
        if (t instanceof UnresolvedModelServerException) {
            return fail(
                    endpoint + ": the host cannot be resolved; not retried. Check base-url",
                    false,
                    ServerSign.SILENT);
        }
        if (t instanceof UnsupportedFeatureException) {
            String what = describe(t);
            return fail(
                    endpoint
                            + ": the provider does not support this request ("
                            + what
                            + "); not retried"
                            + (refusesStructured(what) ? ". " + structuredAdvice() : ""),
                    false,
                    ServerSign.SILENT);
        }
        ModelErrors.Transport transport =
                t instanceof TimeoutException
                        ? new ModelErrors.Transport(ModelErrors.TransportKind.TIMEOUT, t)
                        : ModelErrors.transport(t);
        if (transport != null) {
            switch (transport.kind()) {
                case TIMEOUT:
                    return fail(
                            endpoint
                                    + ": no answer within the call timeout of "
                                    + timeout.toMillis()
                                    + " ms; retried. If the model is slow rather than stuck, raise"
                                    + " timeout= or lower concurrency=",
                            true,
                            ServerSign.SILENT);
                case CONNECT:
                    return fail(
                            endpoint
                                    + ": cannot connect ("
                                    + describe(transport.cause())
                                    + "); retried. Is the server up, and are host and port right?",
                            true,
                            ServerSign.REFUSED);
                case BROKEN:
                default:
                    return fail(
                            endpoint
                                    + ": the connection broke or the answer could not be read ("
                                    + describe(transport.cause())
                                    + "); retried. If it persists, check the server and any proxy"
                                    + " between",
                            true,
                            ServerSign.FAILING);
            }
        }
        if (t instanceof NonRetriableException || t instanceof IllegalArgumentException) {
            return fail(
                    endpoint + ": the call was refused (" + describe(t) + "); not retried",
                    false,
                    ServerSign.SILENT);
        }
        if (t instanceof RetriableException) {
            return fail(
                    endpoint + ": the call failed (" + describe(t) + "); retried",
                    true,
                    ServerSign.SILENT);
        }
        // Unknown failures (e.g. a reply langchain4j could not use) are treated as transient, like
        // the openai: client's malformed answers; the retry policy bounds the attempts.
        return fail(
                endpoint + ": the call failed (" + describe(t) + "); retried",
                true,
                ServerSign.ANSWERED);
    }

    /**
     * What to change after a 400 whose server message is {@code server}: the structured-output
     * request when one was sent and the server names it (OpenAI's {@code response_format}, Ollama's
     * {@code format}, Gemini's {@code responseSchema}, Anthropic's {@code output_config}, or a
     * schema), else the general advice.
     */
    String invalidAdvice(String server) {
        if (refusesStructured(server)) {
            return structuredAdvice();
        }
        return "If the prompt is too long for the model's context, shorten the question or lower"
                + " the completion token limit";
    }

    private boolean refusesStructured(String server) {
        if (structured == StructuredOutput.OFF || server == null) {
            return false;
        }
        String lower = server.toLowerCase(Locale.ROOT);
        return lower.contains("schema")
                || lower.contains("format")
                || lower.contains("output_config")
                || lower.contains("json")
                || lower.contains("grammar");
    }

    private String structuredAdvice() {
        return "The server refused the structured-output request (structured="
                + structured.key()
                + "): set "
                + (structured == StructuredOutput.JSON_SCHEMA
                        ? "structured=json_object (JSON without a schema; not on anthropic), or "
                        : "")
                + "structured=off, in the "
                + LangChain4jBinding.SCHEME
                + ": binding for a server or model without "
                + (structured == StructuredOutput.JSON_SCHEMA ? "JSON-schema" : "JSON")
                + " outputs";
    }

    ModelCallException closed() {
        return fail(
                endpoint
                        + ": the langchain4j model was closed before the call ended; a restarted"
                        + " task makes it again",
                false,
                ServerSign.SILENT);
    }

    ModelCallException queueFull(int concurrency, int waiting) {
        return fail(
                endpoint
                        + ": "
                        + concurrency
                        + " calls in flight and "
                        + waiting
                        + " waiting, the queue is full; retried. Raise concurrency= or queue=, or"
                        + " lower the operator's parallelism of calls",
                true,
                ServerSign.SILENT);
    }

    ModelCallException noText() {
        return fail(
                endpoint + ": the reply holds no text; retried. If it persists, check the model",
                true,
                ServerSign.ANSWERED);
    }

    private static ModelCallException fail(
            String message, boolean retriable, ServerSign serverSign) {
        return new ModelCallException(message, retriable, serverSign);
    }

    private String said(String server) {
        String text = redact(server);
        if (text == null || text.isBlank()) {
            return "";
        }
        text = text.replaceAll("\\s+", " ").trim();
        if (text.length() > MAX_SERVER_MESSAGE) {
            text = text.substring(0, MAX_SERVER_MESSAGE) + "...";
        }
        return " (the server said: " + text + ")";
    }

    private String describe(Throwable t) {
        String message = redact(t.getMessage());
        if (message != null && message.length() > MAX_SERVER_MESSAGE) {
            message = message.substring(0, MAX_SERVER_MESSAGE) + "...";
        }
        return t.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** {@code text} with the key replaced by {@value #MASK}. */
    String redact(String text) {
        if (key == null || text == null || key.length() < 4) {
            return text;
        }
        return text.replace(key, MASK);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
