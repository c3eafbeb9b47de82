package dev.triad.model.openai;

import dev.triad.model.ModelCallException;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A failed call to an OpenAI-compatible endpoint, as {@link OpenAiErrors} maps it (retriable or not
 * as {@link dev.triad.model.ModelErrors} says): the message names the endpoint, the status (or what
 * went wrong on the wire) and what to do. Messages never hold an API key, a prompt or an answer.
 */
@PublicEvolving
public final class OpenAiCallException extends ModelCallException {

    private static final long serialVersionUID = 1L;

    /** {@link #status()} of a failure that got no HTTP status (timeout, reset, refused, ...). */
    public static final int NO_STATUS = -1;

    /** What kind of failure, for counters and for the adaptive concurrency limit. */
    public enum Kind {
        /** HTTP 429: the server sheds load or a rate limit was hit. */
        RATE_LIMITED,
        /** HTTP 5xx (and 408, 409): the server failed this time. */
        SERVER_ERROR,
        /** HTTP 400, 401, 403, 404, 413, 422 and other 4xx: the request or the key is wrong. */
        REFUSED,
        /** No answer within the call timeout. */
        TIMEOUT,
        /** The connection could not be made. */
        CONNECT,
        /** The connection broke (reset, closed mid-body). */
        CONNECTION,
        /** A 200 whose body is not a usable chat completion (malformed, truncated, no choices). */
        BAD_RESPONSE,
        /** The call's retries ran out; the cause is the last failure. */
        EXHAUSTED,
        /** The model was closed before the call ended. */
        CLOSED
    }

    private final Kind kind;
    private final String endpoint;
    private final int status;
    private final long retryAfterNanos;

    /**
     * @param retryAfterNanos the replica's {@code Retry-After}, or 0
     * @param modelWide whether it holds back the whole model ({@link #retryAfter()}): only when the
     *     replica is the model's only one; with several, the client routes around a waiting replica
     *     itself, so a retry need not wait
     */
    OpenAiCallException(
            Kind kind,
            String endpoint,
            int status,
            long retryAfterNanos,
            boolean modelWide,
            boolean retriable,
            String message,
            Throwable cause) {
        super(
                message,
                retriable,
                modelWide ? Duration.ofNanos(retryAfterNanos) : Duration.ZERO,
                cause);
        this.kind = kind;
        this.endpoint = endpoint;
        this.status = status;
        this.retryAfterNanos = retryAfterNanos;
    }

    public Kind kind() {
        return kind;
    }

    /** The base URL of the replica that failed, e.g. {@code http://127.0.0.1:8000/v1}. */
    public String endpoint() {
        return endpoint;
    }

    /** The HTTP status, or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }

    /** How long the replica asked not to be called again ({@code Retry-After}), or 0. */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /** The call's retries ran out: {@link Kind#EXHAUSTED}, with this failure as the cause. */
    @Override
    public OpenAiCallException gaveUp(String message) {
        return new OpenAiCallException(
                Kind.EXHAUSTED, endpoint, status, 0, false, false, message, this);
    }
}
