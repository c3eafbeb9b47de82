package dev.triad.jobs.eval;

import java.util.Map;

/**
 * Two strategies (or two runs) scored on the same questions: the 2x2 table, both accuracies, the
 * difference {@code A - B} with a seeded paired bootstrap interval, and McNemar's exact test.
 *
 * <p>Only question ids that have a result with a gold answer on both sides are paired.
 *
 * @param a the first side's name (e.g. {@code lm2}, or {@code candidate})
 * @param b the second side's name (e.g. {@code cot}, or {@code baseline})
 * @param n paired questions
 * @param bothCorrect right on both sides
 * @param onlyA right only on side A
 * @param onlyB right only on side B
 * @param neither wrong on both sides
 * @param accuracyA side A's accuracy on the paired questions
 * @param accuracyB side B's accuracy on the paired questions
 * @param difference {@code accuracyA - accuracyB}, i.e. {@code (onlyA - onlyB) / n}
 * @param differenceLow the bootstrap interval's lower bound
 * @param differenceHigh the bootstrap interval's upper bound
 * @param mcnemarP McNemar's exact two-sided p-value on {@code onlyA} vs {@code onlyB}
 * @param onlyInA ids with gold on side A without a gold result on side B (left out)
 * @param onlyInB ids with gold on side B without a gold result on side A (left out)
 */
public record PairedComparison(
        String a,
        String b,
        long n,
        long bothCorrect,
        long onlyA,
        long onlyB,
        long neither,
        Accuracy accuracyA,
        Accuracy accuracyB,
        double difference,
        double differenceLow,
        double differenceHigh,
        double mcnemarP,
        long onlyInA,
        long onlyInB) {

    /**
     * Pairs two sides' outcomes by question id.
     *
     * @return the comparison, or {@code null} when no id has a gold answer on both sides
     */
    public static PairedComparison of(
            String a,
            Map<String, QuestionOutcome> sideA,
            String b,
            Map<String, QuestionOutcome> sideB,
            Bootstrap bootstrap) {
        long both = 0;
        long onlyA = 0;
        long onlyB = 0;
        long neither = 0;
        long onlyInA = 0;
        for (QuestionOutcome x : sideA.values()) {
            if (!x.hasGold()) {
                continue;
            }
            QuestionOutcome y = sideB.get(x.id());
            if (y == null || !y.hasGold()) {
                onlyInA++;
            } else if (x.correct() && y.correct()) {
                both++;
            } else if (x.correct()) {
                onlyA++;
            } else if (y.correct()) {
                onlyB++;
            } else {
                neither++;
            }
        }
        long n = both + onlyA + onlyB + neither;
        long goldB = sideB.values().stream().filter(QuestionOutcome::hasGold).count();
        if (n == 0) {
            return null;
        }
        Interval interval =
                EvalStatistics.pairedBootstrap(
                        onlyA,
                        onlyB,
                        n,
                        bootstrap.resamples(),
                        bootstrap.seed(),
                        bootstrap.confidence());
        return new PairedComparison(
                a,
                b,
                n,
                both,
                onlyA,
                onlyB,
                neither,
                Accuracy.of(both + onlyA, n, bootstrap.confidence()),
                Accuracy.of(both + onlyB, n, bootstrap.confidence()),
                (double) (onlyA - onlyB) / n,
                interval.low(),
                interval.high(),
                EvalStatistics.mcnemarExactP(onlyA, onlyB),
                onlyInA,
                goldB - n);
    }

    /**
     * How the bootstrap is drawn and at which confidence level intervals are given.
     *
     * @param resamples resamples drawn
     * @param seed the generator's seed
     * @param confidence e.g. 0.95
     */
    public record Bootstrap(int resamples, long seed, double confidence) {

        /** 10,000 resamples, seed 42, 95%. */
        public static final Bootstrap DEFAULT =
                new Bootstrap(
                        EvalStatistics.DEFAULT_RESAMPLES,
                        EvalStatistics.DEFAULT_SEED,
                        EvalStatistics.DEFAULT_CONFIDENCE);
    }
}
