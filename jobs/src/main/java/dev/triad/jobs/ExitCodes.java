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
}
