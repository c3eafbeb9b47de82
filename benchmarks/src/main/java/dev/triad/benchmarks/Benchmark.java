package dev.triad.benchmarks;

import java.io.PrintStream;

/**
 * One of Triad's benchmarks: runs Triad and its baseline in the same process run, and returns both
 * sides' figures, the ratio and whether the targets were met.
 *
 * <p>Benchmarks are not tests: they report a missed target instead of failing, and their sizes make
 * them minutes long. Run one at a time on a quiet machine.
 */
public interface Benchmark {

    /** The name on the command line and of the result file, e.g. {@code overhead}. */
    String name();

    /** One line for {@code --help}: what runs against what. */
    String summary();

    /** The targets, as text for {@code --help} and the result file. */
    String target();

    /** Questions (or the benchmark's own unit) when {@code --size} is not given. */
    long defaultSize();

    /** Measured rounds when {@code --rounds} is not given. */
    int defaultRounds();

    /**
     * Checks a size before anything runs.
     *
     * @throws IllegalArgumentException naming the size, the rule and the fix
     */
    default void checkSize(long size) {
        if (size < 1) {
            throw new IllegalArgumentException(
                    "--size must be at least 1, was " + size + "; pass a number of questions");
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param run the size, rounds and the command line to record
     * @param log where progress goes (stderr on the command line)
     */
    Outcome run(Run run, PrintStream log) throws Exception;

    /**
     * What one invocation asks for.
     *
     * @param size questions (see {@link #defaultSize()})
     * @param rounds measured rounds per side
     * @param seconds the memory benchmark's sampling time per size
     * @param command the command line, recorded in the result
     */
    record Run(long size, int rounds, int seconds, String command) {}

    /** A result plus the rows of the table printed for people. */
    record Outcome(BenchmarkResult result, java.util.List<Table.Row> rows) {}
}
