package dev.triad.jobs;

/**
 * Options or input that cannot be used: the command prints the message (what was wrong, with which
 * input, and what to do) and exits with {@link ExitCodes#USAGE}.
 */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, with which input, and what to do
     */
    public UsageException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, with which input, and what to do
     */
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
