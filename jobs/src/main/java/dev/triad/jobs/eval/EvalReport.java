package dev.triad.jobs.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Every figure {@code triad eval} computes; printed as tables, or as this one JSON document with
 * {@code --json}. Absent (null) parts are left out of the JSON: accuracy, slices and pairs without
 * gold answers, verifier statistics for strategies without a verifier, costs without a price.
 *
 * @param simulated whether any result came from a simulated model
 * @param notice the simulated-models notice when {@code simulated}
 * @param inputs the files read
 * @param results results read
 * @param provenance the models (with the weights file and engine of real ones, where known) and the
 *     prompt sets that produced the results
 * @param bootstrap how intervals and the bootstrap were computed
 * @param strategies per strategy, lm2, cot, plan-solve first
 * @param pairs paired comparisons, or {@code null} when none applies
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalReport(
        boolean simulated,
        String notice,
        List<String> inputs,
        long results,
        Provenance provenance,
        PairedComparison.Bootstrap bootstrap,
        Map<String, StrategyReport> strategies,
        List<PairedComparison> pairs) {

    /**
     * One strategy's figures.
     *
     * @param questions results of this strategy
     * @param solved ended SOLVED
     * @param unsolved ended UNSOLVED
     * @param failed ended FAILED
     * @param withGold results with a gold answer
     * @param accuracy over the results with a gold answer; {@code null} without any
     * @param slices metadata field to (value to accuracy); {@code null} without gold answers
     * @param verifier verifier statistics; {@code null} when no step has a verdict
     * @param cost calls, tokens and estimated cost
     * @param latency question and per-role latency
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StrategyReport(
            long questions,
            long solved,
            long unsolved,
            long failed,
            long withGold,
            Accuracy accuracy,
            Map<String, Map<String, Accuracy>> slices,
            VerifierReport verifier,
            CostReport cost,
            LatencyReport latency) {}

    /**
     * The verifier's statistics for one strategy.
     *
     * @param judged attempts with a verdict
     * @param accepted of those, accepted into the context
     * @param acceptanceRate {@code accepted / judged}
     * @param classes verdict class (wire name) to attempts, in LM2's class order
     * @param steps distinct steps (question, step index)
     * @param regenerations steps written again, summed over steps
     * @param regenerationsPerStep {@code regenerations / steps}
     * @param stepsByRegenerations regenerations of a step ("0", "1", ...) to steps
     * @param questionsWithFeedback questions where a rejected step was written again
     * @param questionsWithoutFeedback the other questions
     * @param accuracyWithFeedback accuracy on questions with feedback (gold only); {@code null}
     *     when none has gold
     * @param accuracyWithoutFeedback accuracy on the others (gold only); {@code null} when none has
     *     gold
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifierReport(
            long judged,
            long accepted,
            double acceptanceRate,
            Map<String, Long> classes,
            long steps,
            long regenerations,
            double regenerationsPerStep,
            Map<String, Long> stepsByRegenerations,
            long questionsWithFeedback,
            long questionsWithoutFeedback,
            Accuracy accuracyWithFeedback,
            Accuracy accuracyWithoutFeedback) {}

    /**
     * Calls, tokens and estimated cost of one strategy, per role and in total.
     *
     * @param roles role to its figures, decomposer, solver, verifier first
     * @param total all roles together
     * @param missingPrices roles (with their binding) the price table has no entry for; {@code
     *     null} without a price table or when every role has a price
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CostReport(
            Map<String, RoleCost> roles, RoleCost total, List<String> missingPrices) {}

    /**
     * Calls, tokens and cost of one role (or all roles) of one strategy.
     *
     * @param calls model calls
     * @param promptTokens prompt tokens
     * @param completionTokens completion tokens
     * @param cachedTokens prompt tokens served from a prefix cache
     * @param perQuestion the totals divided by the strategy's questions
     * @param perCorrect the totals divided by its correct answers; {@code null} without any
     * @param estimatedCost from the price table; {@code null} without one or without a price for
     *     this role
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoleCost(
            long calls,
            long promptTokens,
            long completionTokens,
            long cachedTokens,
            Rate perQuestion,
            Rate perCorrect,
            Double estimatedCost) {}

    /**
     * Usage divided by a number of questions or correct answers.
     *
     * @param calls calls each
     * @param promptTokens prompt tokens each
     * @param completionTokens completion tokens each
     * @param estimatedCost estimated cost each; {@code null} without a price
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rate(
            double calls, double promptTokens, double completionTokens, Double estimatedCost) {}

    /**
     * Latency of one strategy.
     *
     * @param question nearest-rank percentiles of the questions' wall time, in milliseconds
     * @param roles role to: mean latency per call and percentiles of the role's model time per
     *     question (its calls' latencies summed), in milliseconds
     */
    public record LatencyReport(Percentiles question, Map<String, RoleLatency> roles) {}

    /**
     * Nearest-rank percentiles, the mean and the maximum, in milliseconds.
     *
     * @param count values
     */
    public record Percentiles(
            long count, double p50, double p95, double p99, double mean, double max) {}

    /**
     * Latency of one role.
     *
     * @param calls calls made
     * @param meanPerCallMs summed call latency divided by calls (roles without calls are left out)
     * @param perQuestion percentiles over questions of the role's summed call latency
     */
    public record RoleLatency(long calls, double meanPerCallMs, Percentiles perQuestion) {}
}
