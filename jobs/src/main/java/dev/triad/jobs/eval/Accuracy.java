package dev.triad.jobs.eval;

/**
 * An accuracy with its Wilson interval.
 *
 * @param n questions with a gold answer (unsolved and failed ones included: they count as wrong)
 * @param correct of those, the ones answered correctly
 * @param value {@code correct / n}
 * @param low the interval's lower bound
 * @param high the interval's upper bound
 */
public record Accuracy(long n, long correct, double value, double low, double high) {

    /**
     * The accuracy of {@code correct} out of {@code n} with a Wilson interval.
     *
     * @param n at least 1
     */
    public static Accuracy of(long correct, long n, double confidence) {
        Interval interval = EvalStatistics.wilson(correct, n, confidence);
        return new Accuracy(n, correct, (double) correct / n, interval.low(), interval.high());
    }
}
