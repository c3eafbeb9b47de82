package dev.triad.jobs.cli;

/**
 * The Flink job itself failed (a fault of the job, not of a record; bad records become dead
 * letters): the command prints the message and exits with {@link ExitCodes#JOB_FAILED}.
 */
public final class JobFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and where the log is
     */
    public JobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
