package dev.triad.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The statistics against hand-computed and published values. */
class EvalStatisticsTest {

    /** Wilson's formula written out, the reference the library-backed method is checked against. */
    private static double[] wilsonByHand(double k, double n, double z) {
        double p = k / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        return new double[] {centre - half, centre + half};
    }

    @Test
    void wilsonIntervalMatchesThePublishedExample() {
        // 81 successes in 263 trials: [0.2553, 0.3662] (the Wilson score interval example).
        Interval interval = EvalStatistics.wilson(81, 263, 0.95);

        assertThat(interval.low()).isCloseTo(0.2553, within(5e-5));
        assertThat(interval.high()).isCloseTo(0.3662, within(5e-5));
        double[] byHand = wilsonByHand(81, 263, 1.959963984540054);
        assertThat(interval.low()).isCloseTo(byHand[0], within(1e-12));
        assertThat(interval.high()).isCloseTo(byHand[1], within(1e-12));
    }

    @Test
    void wilsonIntervalStaysInsideZeroAndOneAtTheEdges() {
        // 0/10 and 10/10: [0, 0.2775] and [0.7225, 1], where the normal approximation gives [0, 0].
        Interval none = EvalStatistics.wilson(0, 10, 0.95);
        Interval all = EvalStatistics.wilson(10, 10, 0.95);

        assertThat(none.low()).isEqualTo(0.0);
        assertThat(none.high()).isCloseTo(0.2775, within(5e-5));
        assertThat(all.low()).isCloseTo(0.7225, within(5e-5));
        assertThat(all.high()).isEqualTo(1.0);
    }

    @Test
    void normalQuantileComesFromTheLibrary() {
        assertThat(EvalStatistics.zFor(0.95)).isCloseTo(1.959964, within(1e-6));
        assertThat(EvalStatistics.zFor(0.99)).isCloseTo(2.575829, within(1e-6));
        assertThatThrownBy(() -> EvalStatistics.wilson(1, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n >= 1");
    }

    @Test
    void mcnemarExactPMatchesHandComputedBinomialTails() {
        // b=1, c=9: 2 * (C(10,0) + C(10,1)) / 2^10 = 22/1024.
        assertThat(EvalStatistics.mcnemarExactP(1, 9)).isCloseTo(22.0 / 1024, within(1e-12));
        assertThat(EvalStatistics.mcnemarExactP(1, 9)).isCloseTo(0.02148, within(5e-6));
        assertThat(EvalStatistics.mcnemarExactP(9, 1))
                .isEqualTo(EvalStatistics.mcnemarExactP(1, 9));
        // b=5, c=5: 2 * P(X <= 5) > 1, capped at 1.
        assertThat(EvalStatistics.mcnemarExactP(5, 5)).isEqualTo(1.0);
        // b=3, c=0: 2 / 2^3.
        assertThat(EvalStatistics.mcnemarExactP(3, 0)).isCloseTo(0.25, within(1e-12));
        // b=0, c=20: 2 / 2^20.
        assertThat(EvalStatistics.mcnemarExactP(0, 20))
                .isCloseTo(2 / Math.pow(2, 20), within(1e-15));
        // No discordant pairs: no evidence either way.
        assertThat(EvalStatistics.mcnemarExactP(0, 0)).isEqualTo(1.0);
    }

    @Test
    void bootstrapIsDeterministicForASeed() {
        double[] first = EvalStatistics.pairedBootstrapDifferences(9, 1, 100, 2_000, 7);
        double[] again = EvalStatistics.pairedBootstrapDifferences(9, 1, 100, 2_000, 7);
        double[] other = EvalStatistics.pairedBootstrapDifferences(9, 1, 100, 2_000, 8);

        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(EvalStatistics.pairedBootstrap(9, 1, 100, 10_000, 42, 0.95))
                .isEqualTo(EvalStatistics.pairedBootstrap(9, 1, 100, 10_000, 42, 0.95));
    }

    @Test
    void bootstrapDrawsTheSameDistributionAsResamplingQuestions() {
        // 100 questions: 9 right only in A, 1 right only in B: difference +0.08; the paired
        // difference's standard error is sqrt((0.10 - 0.08^2) / 100) = 0.0306.
        double[] drawn = EvalStatistics.pairedBootstrapDifferences(9, 1, 100, 20_000, 42);
        double[] byIndex = resampleQuestions(9, 1, 100, 20_000, new Random(42));

        assertThat(mean(drawn)).isCloseTo(0.08, within(0.002));
        assertThat(sd(drawn)).isCloseTo(0.0306, within(0.002));
        assertThat(mean(drawn)).isCloseTo(mean(byIndex), within(0.002));
        assertThat(sd(drawn)).isCloseTo(sd(byIndex), within(0.002));

        Interval interval = EvalStatistics.pairedBootstrap(9, 1, 100, 10_000, 42, 0.95);
        assertThat(interval.low()).isCloseTo(0.08 - 1.96 * 0.0306, within(0.015));
        assertThat(interval.high()).isCloseTo(0.08 + 1.96 * 0.0306, within(0.015));
        assertThat(interval.low()).isLessThan(0.08);
        assertThat(interval.high()).isGreaterThan(0.08);
    }

    @Test
    void bootstrapWithoutDiscordantQuestionsIsAPoint() {
        assertThat(EvalStatistics.pairedBootstrap(0, 0, 50, 1_000, 1, 0.95))
                .isEqualTo(new Interval(0, 0));
        assertThat(EvalStatistics.pairedBootstrap(10, 0, 10, 1_000, 1, 0.95))
                .isEqualTo(new Interval(1, 1));
    }

    @Test
    void nearestRankPercentilesAreObservedValues() {
        double[] latencies = new double[12];
        for (int i = 0; i < 12; i++) {
            latencies[i] = 100 * (12 - i); // unsorted on purpose
        }

        assertThat(EvalStatistics.nearestRank(latencies, 50, 95, 99))
                .containsExactly(600, 1200, 1200);
        assertThat(EvalStatistics.nearestRank(new double[] {5}, 50)).containsExactly(5);
        assertThat(EvalStatistics.nearestRank(new double[0], 50)[0]).isNaN();
    }

    /** The textbook paired bootstrap: draw question indices with replacement. */
    private static double[] resampleQuestions(
            int onlyA, int onlyB, int n, int resamples, Random random) {
        int[] diff = new int[n];
        Arrays.fill(diff, 0, onlyA, 1);
        Arrays.fill(diff, onlyA, onlyA + onlyB, -1);
        double[] out = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            int sum = 0;
            for (int i = 0; i < n; i++) {
                sum += diff[random.nextInt(n)];
            }
            out[r] = (double) sum / n;
        }
        return out;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double sd(double[] values) {
        double m = mean(values);
        return Math.sqrt(Arrays.stream(values).map(v -> (v - m) * (v - m)).sum() / values.length);
    }
}
