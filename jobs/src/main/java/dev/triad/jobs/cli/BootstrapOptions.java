package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.EvalStatistics;
import dev.triad.jobs.eval.PairedComparison;
import picocli.CommandLine.Option;

/** {@code --resamples} and {@code --seed} of the paired bootstrap: a mixin of eval and compare. */
final class BootstrapOptions {

    /** Fewer resamples than this give intervals that move from seed to seed. */
    static final int MIN_RESAMPLES = 100;

    @Option(
            names = "--resamples",
            paramLabel = "N",
            description = "Paired bootstrap resamples. Default: ${DEFAULT-VALUE}.")
    int resamples = EvalStatistics.DEFAULT_RESAMPLES;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "The bootstrap's seed (same seed, same intervals and decisions). Default:"
                            + " ${DEFAULT-VALUE}.")
    long seed = EvalStatistics.DEFAULT_SEED;

    /**
     * The bootstrap these options describe.
     *
     * @param confidence the intervals' confidence level
     * @throws UsageException when {@code --resamples} is below {@value #MIN_RESAMPLES}
     */
    PairedComparison.Bootstrap bootstrap(double confidence) throws UsageException {
        if (resamples < MIN_RESAMPLES) {
            throw new UsageException(
                    "--resamples must be "
                            + MIN_RESAMPLES
                            + " or more, was "
                            + resamples
                            + ". The default, "
                            + EvalStatistics.DEFAULT_RESAMPLES
                            + ", gives stable intervals.");
        }
        return new PairedComparison.Bootstrap(resamples, seed, confidence);
    }
}
