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

    /** Its {@code --size} and {@code --rounds} when not given, and the least size it takes. */
    Sizes sizes();

    /**
     * The values its {@code --workload} takes, the default first; empty (the default) when it has
     * one workload only and takes no {@code --workload}.
     */
    default java.util.List<String> workloads() {
        return java.util.List.of();
    }

    /**
     * Runs the benchmark.
     *
     * @param run the size, rounds and the command line to record
     * @param log where progress goes (stderr on the command line)
     */
    Outcome run(Run run, PrintStream log) throws Exception;

    /**
     * A benchmark's defaults for the options every benchmark takes ({@link BenchOptions}).
     *
     * @param size questions (or the benchmark's own unit) when {@code --size} is not given
     * @param rounds measured rounds per side when {@code --rounds} is not given
     * @param minSize the least {@code --size}
     * @param minSizeReason what the least size is of, and why, for the message (empty for none)
     */
    record Sizes(long size, int rounds, long minSize, String minSizeReason) {

        /** A default size and rounds; any size from 1 up. */
        static Sizes of(long size, int rounds) {
            return new Sizes(size, rounds, 1, "");
        }

        /**
         * The same defaults with a least size, e.g. {@code atLeast(10, "questions for prefix")}.
         */
        Sizes atLeast(long min, String reason) {
            return new Sizes(size, rounds, min, reason);
        }
    }

    /**
     * What one invocation asks for, resolved by {@link BenchOptions}.
     *
     * @param size questions (see {@link Sizes#size()})
     * @param rounds measured rounds per side
     * @param seconds the memory benchmark's sampling time per size
     * @param workload one of {@link #workloads()}, its default when not given; empty for a
     *     benchmark without workloads
     * @param command the command line, recorded in the result
     */
    record Run(long size, int rounds, int seconds, String workload, String command) {

        /** A run of a benchmark without workloads. */
        public Run(long size, int rounds, int seconds, String command) {
            this(size, rounds, seconds, "", command);
        }
    }

    /**
     * A result plus the rows of the table printed for people, and optionally a report for people
     * (Markdown, written as {@code NAME.md} next to {@code NAME.json}; {@code null} for none).
     */
    record Outcome(BenchmarkResult result, java.util.List<Table.Row> rows, String report) {

        /** A result and its table, without a report. */
        public Outcome(BenchmarkResult result, java.util.List<Table.Row> rows) {
            this(result, rows, null);
        }
    }
}
