package dev.triad.jobs.eval;

import java.util.Arrays;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The statistics behind {@code triad eval} and {@code triad compare}: Wilson score intervals,
 * McNemar's exact test and a seeded paired bootstrap, with the distributions taken from Apache
 * Commons Math rather than written by hand.
 *
 * <p>All methods are pure functions of their arguments (the bootstrap of its seed), so the same
 * results files always print the same figures. Thread-safe.
 */
public final class EvalStatistics {

    /** The confidence level of every interval eval prints. */
    public static final double DEFAULT_CONFIDENCE = 0.95;

    /** Bootstrap resamples unless {@code --resamples} says otherwise. */
    public static final int DEFAULT_RESAMPLES = 10_000;

    /** The bootstrap's seed unless {@code --seed} says otherwise. */
    public static final long DEFAULT_SEED = 42;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    private EvalStatistics() {}

    /**
     * The Wilson score interval of a binomial proportion (Wilson, 1927), the interval recommended
     * over the normal approximation by Brown, Cai and DasGupta (2001); it stays inside [0, 1] and
     * behaves at 0 and n successes.
     *
     * @param successes e.g. correct answers
     * @param n trials, e.g. questions with a gold answer; at least 1
     * @param confidence e.g. 0.95
     */
    public static Interval wilson(long successes, long n, double confidence) {
        if (n <= 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException(
                    "Wilson interval needs 0 <= successes <= n and n >= 1, got "
                            + successes
                            + "/"
                            + n);
        }
        double z = zFor(confidence);
        double p = (double) successes / n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
        // At 0 and n successes the bound is exactly 0 or 1; rounding would give 1e-17 or 0.99..9.
        return new Interval(
                successes == 0 ? 0 : Math.max(0, centre - half),
                successes == n ? 1 : Math.min(1, centre + half));
    }

    /**
     * The two-sided p-value of McNemar's exact test: under the null hypothesis the {@code b + c}
     * discordant pairs split like fair coin flips, so {@code p = min(1, 2 P(X <= min(b, c)))} with
     * {@code X ~ Binomial(b + c, 1/2)}; 1 when there are no discordant pairs.
     *
     * @param b pairs where only the first is right
     * @param c pairs where only the second is right
     */
    public static double mcnemarExactP(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException(
                    "Discordant counts must be >= 0, got " + b + ", " + c);
        }
        long discordant = b + c;
        if (discordant == 0) {
            return 1.0;
        }
        BinomialDistribution coin = new BinomialDistribution(null, toInt(discordant), 0.5);
        return Math.min(1.0, 2 * coin.cumulativeProbability(toInt(Math.min(b, c))));
    }

    /**
     * A percentile bootstrap interval of the paired accuracy difference {@code (onlyA - onlyB) / n}
     * between two strategies (or runs) scored on the same {@code n} questions.
     *
     * <p>Each resample draws {@code n} questions with replacement. Only a question's discordance
     * class matters to the difference (+1 when only A is right, -1 when only B is, 0 otherwise), so
     * a resample's class counts are drawn directly from their multinomial distribution as two
     * binomials: {@code k_A ~ Bin(n, onlyA / n)}, then {@code k_B ~ Bin(n - k_A, onlyB / (n -
     * onlyA))}. This is the same distribution as drawing question indices, in time independent of
     * {@code n}. The interval is the {@code (1 - confidence) / 2} and {@code (1 + confidence) / 2}
     * quantiles of the resampled differences (R's type 7).
     *
     * @param seed the same seed gives the same interval
     */
    public static Interval pairedBootstrap(
            long onlyA, long onlyB, long n, int resamples, long seed, double confidence) {
        double[] differences = pairedBootstrapDifferences(onlyA, onlyB, n, resamples, seed);
        Percentile quantile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        quantile.setData(differences);
        double tail = (1 - confidence) / 2 * 100;
        return new Interval(quantile.evaluate(tail), quantile.evaluate(100 - tail));
    }

    /** The resampled differences of {@link #pairedBootstrap}, in draw order. */
    static double[] pairedBootstrapDifferences(
            long onlyA, long onlyB, long n, int resamples, long seed) {
        if (n <= 0 || onlyA < 0 || onlyB < 0 || onlyA + onlyB > n) {
            throw new IllegalArgumentException(
                    "Bootstrap needs n >= 1 and 0 <= onlyA + onlyB <= n, got onlyA="
                            + onlyA
                            + ", onlyB="
                            + onlyB
                            + ", n="
                            + n);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("Resamples must be >= 1, got " + resamples);
        }
        RandomGenerator random = new Well19937c(seed);
        int trials = toInt(n);
        double pA = (double) onlyA / n;
        double pBGivenNotA = onlyA == n ? 0 : (double) onlyB / (n - onlyA);
        double[] differences = new double[resamples];
        for (int i = 0; i < resamples; i++) {
            int kA = binomial(random, trials, pA);
            int kB = binomial(random, trials - kA, pBGivenNotA);
            differences[i] = (double) (kA - kB) / n;
        }
        return differences;
    }

    private static int binomial(RandomGenerator random, int trials, double p) {
        if (trials == 0 || p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return trials;
        }
        return new BinomialDistribution(random, trials, p).sample();
    }

    /**
     * Nearest-rank percentiles (the smallest value with at least {@code p}% of the values at or
     * below it; always an observed value), e.g. of question latencies.
     *
     * @param values not modified
     * @param percentiles each in (0, 100]
     * @return one value per percentile; {@code NaN} each when {@code values} is empty
     */
    public static double[] nearestRank(double[] values, double... percentiles) {
        double[] result = new double[percentiles.length];
        if (values.length == 0) {
            Arrays.fill(result, Double.NaN);
            return result;
        }
        Percentile quantile = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        quantile.setData(values);
        for (int i = 0; i < percentiles.length; i++) {
            result[i] = quantile.evaluate(percentiles[i]);
        }
        return result;
    }

    /** The two-sided standard normal quantile for a confidence level, e.g. 1.96 for 0.95. */
    static double zFor(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(
                    "Confidence must be between 0 and 1 (exclusive), got " + confidence);
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    private static int toInt(long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Count too large for the statistics: " + count);
        }
        return (int) count;
    }
}
