package dev.triad.jobs;

/** The exit codes of {@code ./triad}, as its {@code --help} documents them. */
public final class ExitCodes {

    private ExitCodes() {}

    /** The command did what was asked. */
    public static final int OK = 0;

    /** A gate or check failed (eval and compare, later). */
    public static final int CHECK_FAILED = 1;

    /** Unusable input or options. */
    public static final int USAGE = 2;

    /** The job itself failed. */
    public static final int JOB_FAILED = 3;

    /**
     * A run that reads to an end was interrupted (Ctrl-C, SIGTERM) before it did; its last
     * checkpoint is kept for {@code --resume}. 128 + SIGINT, as shells report it.
     */
    public static final int INTERRUPTED = 130;
}
