package dev.triad.model;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The one split of model failures into retriable and not, used by every adapter when it maps its
 * own failures into a {@link ModelCallException}; {@link RetryingChatModel} then retries exactly
 * the retriable ones.
 *
 * <ul>
 *   <li>HTTP statuses ({@link #retriable(int)}): 408, 409, 425, 429 and every 5xx are worth trying
 *       again (the server is busy, rate limits, or failed this time; a 429's {@code Retry-After} is
 *       carried as {@link ModelCallException#retryAfter()}); 400, 401, 403, 404, 413, 422 and the
 *       other 4xx are not (the request, the key or the model name is wrong: the message says which
 *       to fix).
 *   <li>Failures without an answer ({@link #transport}): timeouts, refused connections and broken
 *       ones (reset, closed mid-body) are retriable.
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
@PublicEvolving
public final class ModelErrors {

    /** How deep a cause chain is searched for a transport failure. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private ModelErrors() {}

    /** Whether an HTTP status is worth trying again: 408, 409, 425, 429 and every 5xx. */
    public static boolean retriable(int status) {
        return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
    }

    /** What kind of failure without an answer; all are retriable. */
    public enum TransportKind {
        /** No answer within the timeout. */
        TIMEOUT,
        /** The connection could not be made (refused, unreachable, connect timeout). */
        CONNECT,
        /** The connection broke (reset, closed before the answer was complete). */
        BROKEN
    }

    /**
     * A failure without an answer found in a cause chain.
     *
     * @param kind what went wrong
     * @param cause the exception that says so, for the message
     */
    public record Transport(TransportKind kind, Throwable cause) {}

    /**
     * The transport failure in {@code error}'s cause chain (a timeout, a refused or a broken
     * connection), or {@code null} when it holds none.
     */
    public static Transport transport(Throwable error) {
        Throwable t = error;
        Transport broken = null;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException
                    || t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof UnresolvedAddressException) {
                return new Transport(TransportKind.CONNECT, t);
            }
            if (t instanceof HttpTimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException) {
                return new Transport(TransportKind.TIMEOUT, t);
            }
            if (broken == null && t instanceof IOException) {
                // A deeper cause may say more (e.g. an IOException around a ConnectException).
                broken = new Transport(TransportKind.BROKEN, t);
            }
        }
        return broken;
    }

    /** The exception a future failed with, without its {@link CompletionException} wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
