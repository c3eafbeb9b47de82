package dev.triad.model;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A model call that failed. {@link #retriable()} says whether trying the same call again may
 * succeed (rate limits, server errors, timeouts, broken connections) or not (authentication, bad
 * request, unknown model), as {@link ModelErrors} classifies them; {@link #retryAfter()} is how
 * long the model asked not to be called again ({@code Retry-After}), if it said. The message names
 * the endpoint and what to do.
 *
 * <p>A model wrapped in a {@link RetryingChatModel} reports its final failure as not retriable once
 * its attempts or its time budget ran out ({@link #gaveUp}), so a caller does not multiply the
 * attempts.
 */
@PublicEvolving
public class ModelCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * What a failure says of the server behind the model, for outage handling ({@link
     * OutageHoldingChatModel}).
     */
    @PublicEvolving
    public enum ServerSign {
        /** Nothing either way: no answer in time, the model closed, a queue of the client's own. */
        SILENT,
        /** The server answered as a live server: a 4xx, a 429, a reply that could not be used. */
        ANSWERED,
        /** The server is not working: the connection broke, or it answered 5xx. */
        FAILING,
        /** The server is not there: the connection was refused or could not be made. */
        REFUSED
    }

    private final boolean retriable;
    private final long retryAfterNanos;
    private final ServerSign serverSign;

    public ModelCallException(
            String message,
            boolean retriable,
            Duration retryAfter,
            ServerSign serverSign,
            Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.retryAfterNanos = retryAfter == null ? 0 : Math.max(0, retryAfter.toNanos());
        this.serverSign = serverSign == null ? ServerSign.SILENT : serverSign;
    }

    public ModelCallException(
            String message, boolean retriable, Duration retryAfter, Throwable cause) {
        this(message, retriable, retryAfter, ServerSign.SILENT, cause);
    }

    public ModelCallException(String message, boolean retriable, ServerSign serverSign) {
        this(message, retriable, Duration.ZERO, serverSign, null);
    }

    public ModelCallException(String message, boolean retriable, Throwable cause) {
        this(message, retriable, Duration.ZERO, cause);
    }

    public ModelCallException(String message, boolean retriable) {
        this(message, retriable, Duration.ZERO, null);
    }

    /** Whether the same call may succeed when made again. */
    public boolean retriable() {
        return retriable;
    }

    /**
     * The least time to wait before the same call is made again, as the model asked ({@code
     * Retry-After}); {@link Duration#ZERO} when it did not say.
     */
    public Duration retryAfter() {
        return Duration.ofNanos(retryAfterNanos);
    }

    /**
     * What this failure says of the server ({@link ServerSign#SILENT} unless the adapter knows).
     */
    public ServerSign serverSign() {
        return serverSign;
    }

    /** {@link #retryAfter()} in nanoseconds, without an allocation. */
    long retryAfterNanosHint() {
        return retryAfterNanos;
    }

    /**
     * This failure as the final one of a call whose retries ran out: not retriable, with {@code
     * message} (which quotes this one's). Adapters with their own exception type override it to
     * keep that type; the default wraps this one as the cause.
     */
    public ModelCallException gaveUp(String message) {
        return new ModelCallException(message, false, Duration.ZERO, this);
    }
}
