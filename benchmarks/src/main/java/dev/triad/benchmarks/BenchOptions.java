package dev.triad.benchmarks;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every benchmark takes: {@code --size}, {@code --rounds}, {@code --seconds}, {@code
 * --workload} and {@code --results-dir}. A mixin of {@link BenchCli}; {@link #resolve} fills in the
 * benchmark's own defaults ({@link Benchmark#sizes()}) and checks the values before anything runs.
 */
final class BenchOptions {

    /** How long memory samples each size when {@code --seconds} is not given. */
    static final int DEFAULT_SECONDS = 20;

    @Option(
            names = "--size",
            paramLabel = "N",
            description =
                    "Questions (memory: the larger size; it also runs N/10). Default: the"
                            + " benchmark's own, listed below.")
    private Long size;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            description =
                    "Measured rounds per side; medians are reported. Default: the"
                            + " benchmark's own, listed below.")
    private Integer rounds;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            description =
                    "memory only: how long each size is sampled, in seconds (default "
                            + DEFAULT_SECONDS
                            + ").")
    private int seconds = DEFAULT_SECONDS;

    @Option(
            names = "--workload",
            paramLabel = "W",
            description =
                    "prefix only: long (questions with a 2-4k-token passage each), short (the"
                            + " generated problems) or both (default).")
    private String workload;

    @Option(
            names = "--results-dir",
            paramLabel = "DIR",
            description = "Where NAME.json goes. Default: benchmarks/results of the repository.")
    private Path resultsDir;

    /**
     * The run these options ask of {@code benchmark}: its defaults where an option was not given.
     *
     * @param command the command line, recorded in the result
     * @throws IllegalArgumentException naming the option, the rule and the fix
     */
    Benchmark.Run resolve(Benchmark benchmark, String command) {
        Benchmark.Sizes sizes = benchmark.sizes();
        long n = size != null ? size : sizes.size();
        int r = rounds != null ? rounds : sizes.rounds();
        if (n < sizes.minSize()) {
            throw new IllegalArgumentException(
                    "--size must be at least "
                            + sizes.minSize()
                            + (sizes.minSizeReason().isEmpty() ? "" : " " + sizes.minSizeReason())
                            + ", was "
                            + n
                            + "; pass --size "
                            + sizes.minSize()
                            + " or more, or leave it out for "
                            + String.format("%,d", sizes.size()));
        }
        atLeastOne("--rounds", r);
        atLeastOne("--seconds", seconds);
        return new Benchmark.Run(n, r, seconds, workload(benchmark), command);
    }

    /** {@code --workload}, checked against the benchmark's; its default when not given. */
    private String workload(Benchmark benchmark) {
        List<String> known = benchmark.workloads();
        if (workload == null) {
            return known.isEmpty() ? "" : known.get(0);
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException(
                    "--workload is not an option of "
                            + benchmark.name()
                            + ", which has one workload; leave it out");
        }
        if (!known.contains(workload)) {
            throw new IllegalArgumentException(
                    "--workload of "
                            + benchmark.name()
                            + " must be one of "
                            + String.join(", ", known)
                            + ", was '"
                            + workload
                            + "'; pass e.g. --workload "
                            + known.get(0));
        }
        return workload;
    }

    /** {@code --results-dir}, else {@link BenchCli#defaultResultsDir()}. */
    Path resultsDir() {
        return resultsDir != null ? resultsDir : BenchCli.defaultResultsDir();
    }

    private static void atLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    option
                            + " must be at least 1, was "
                            + value
                            + "; pass "
                            + option
                            + " 1 or more");
        }
    }
}
