package dev.triad.model;

/**
 * A model call that failed. {@link #retriable()} says whether trying the same call again may
 * succeed (rate limits, server errors, timeouts) or not (authentication, bad request); the message
 * names the endpoint and what to do.
 */
public class ModelCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    public ModelCallException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public ModelCallException(String message, boolean retriable) {
        this(message, retriable, null);
    }

    /** Whether the same call may succeed when made again. */
    public boolean retriable() {
        return retriable;
    }
}
