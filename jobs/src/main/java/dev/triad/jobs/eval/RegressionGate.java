package dev.triad.jobs.eval;

import static dev.triad.jobs.eval.Formats.pValue;
import static dev.triad.jobs.eval.Formats.points;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The regression gate of {@code triad compare}: decides from a paired comparison of a candidate run
 * against a baseline run whether the candidate is significantly worse by more than a margin.
 *
 * <p>The rule, with {@code d = accuracy(candidate) - accuracy(baseline)} on the questions both runs
 * answered with a gold answer: <b>fail</b> when both
 *
 * <ol>
 *   <li>the upper bound of the two-sided {@code (1 - alpha)} paired bootstrap interval of {@code d}
 *       is below {@code -margin} (the whole interval lies below {@code -margin}: worse by more than
 *       the margin, a one-sided test of {@code d >= -margin} at level {@code alpha / 2}), and
 *   <li>McNemar's exact two-sided test of the discordant questions gives {@code p < alpha} (the
 *       candidate is worse at all, by an exact test that holds with few discordant questions, where
 *       the bootstrap interval is too narrow);
 * </ol>
 *
 * <b>pass</b> otherwise. Requiring both keeps a nightly gate from failing on noise: a failure needs
 * a drop beyond the margin that neither the bootstrap nor the exact test can explain by chance.
 */
public final class RegressionGate {

    /** Accuracy drop tolerated before the gate may fail: 1 percentage point. */
    public static final double DEFAULT_MARGIN = 0.01;

    /** Significance level: the interval is 95%, the McNemar p must be below 0.05. */
    public static final double DEFAULT_ALPHA = 0.05;

    private RegressionGate() {}

    /**
     * The gate's decision for one strategy.
     *
     * @param strategy the strategy compared
     * @param failed whether the candidate is significantly worse by more than the margin
     * @param reason one sentence saying why, with the figures the rule used
     */
    public record Decision(String strategy, boolean failed, String reason) {}

    /**
     * Applies the rule.
     *
     * @param comparison side A the candidate, side B the baseline, its interval at {@code 1 -
     *     alpha}
     */
    public static Decision decide(
            String strategy, PairedComparison comparison, double margin, double alpha) {
        double upper = comparison.differenceHigh();
        double p = comparison.mcnemarP();
        boolean beyondMargin = upper < -margin;
        boolean significant = p < alpha && comparison.difference() < 0;
        String interval = level(alpha) + " CI upper bound " + points(upper);
        String test = "McNemar p = " + pValue(p);
        String bound = points(-margin) + " (-margin)";
        if (beyondMargin && significant) {
            return new Decision(
                    strategy,
                    true,
                    "the candidate is worse than the baseline by more than the margin: "
                            + interval
                            + " < "
                            + bound
                            + " and "
                            + test
                            + " < alpha "
                            + alpha);
        }
        if (!beyondMargin) {
            return new Decision(
                    strategy,
                    false,
                    "the candidate is not significantly worse than the baseline by more than the"
                            + " margin: "
                            + interval
                            + " >= "
                            + bound);
        }
        return new Decision(
                strategy,
                false,
                "the drop is not significant: "
                        + interval
                        + " < "
                        + bound
                        + " but "
                        + test
                        + " >= alpha "
                        + alpha
                        + " ("
                        + (comparison.onlyA() + comparison.onlyB())
                        + " discordant questions are too few to be sure)");
    }

    /** The rule in one sentence, for the output. */
    public static String rule(double margin, double alpha) {
        return "fail when the "
                + level(alpha)
                + " paired bootstrap CI of (candidate - baseline) lies entirely below -margin"
                + " ("
                + points(-margin)
                + ") and McNemar's exact two-sided p < alpha ("
                + alpha
                + "); pass otherwise";
    }

    /** The confidence level for a significance level, e.g. {@code 95%} for 0.05. */
    public static String level(double alpha) {
        return BigDecimal.valueOf(100 * (1 - alpha))
                        .round(new MathContext(4))
                        .stripTrailingZeros()
                        .toPlainString()
                + "%";
    }
}
