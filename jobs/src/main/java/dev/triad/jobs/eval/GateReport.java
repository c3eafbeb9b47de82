package dev.triad.jobs.eval;

import static dev.triad.jobs.eval.Formats.number;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code triad compare} decides: two runs paired per strategy on question ids, the {@link
 * RegressionGate} rule applied to each, as {@code --json} prints it.
 *
 * @param passed whether every strategy passed
 * @param exitCode 0 passed, 1 failed
 * @param simulated whether either run used simulated models
 * @param notice the simulated-models notice when {@code simulated}
 * @param baseline the baseline files
 * @param candidate the candidate files
 * @param rule the rule applied, in words
 * @param margin the margin
 * @param alpha the significance level
 * @param bootstrap resamples, seed, confidence level
 * @param strategies per strategy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateReport(
        boolean passed,
        int exitCode,
        boolean simulated,
        String notice,
        List<String> baseline,
        List<String> candidate,
        String rule,
        double margin,
        double alpha,
        PairedComparison.Bootstrap bootstrap,
        List<GateReport.StrategyGate> strategies) {

    /**
     * The gate's figures and decision for one strategy.
     *
     * @param strategy the strategy
     * @param n paired questions
     * @param baseline the baseline's accuracy on them
     * @param candidate the candidate's accuracy on them
     * @param difference {@code candidate - baseline}
     * @param differenceLow the bootstrap interval's lower bound
     * @param differenceHigh the bootstrap interval's upper bound
     * @param onlyBaselineCorrect questions only the baseline answered correctly
     * @param onlyCandidateCorrect questions only the candidate answered correctly
     * @param mcnemarP McNemar's exact two-sided p-value
     * @param onlyInBaseline ids with gold only in the baseline (left out)
     * @param onlyInCandidate ids with gold only in the candidate (left out)
     * @param failed whether the gate failed for this strategy
     * @param reason why
     */
    public record StrategyGate(
            String strategy,
            long n,
            Accuracy baseline,
            Accuracy candidate,
            double difference,
            double differenceLow,
            double differenceHigh,
            long onlyBaselineCorrect,
            long onlyCandidateCorrect,
            double mcnemarP,
            long onlyInBaseline,
            long onlyInCandidate,
            boolean failed,
            String reason) {}

    /**
     * Pairs two runs per strategy and applies the {@link RegressionGate} rule to each.
     *
     * @param baseline the baseline's path, as given with {@code --baseline}
     * @param base the baseline's results
     * @param candidate the candidate's path, as given with {@code --candidate}
     * @param cand the candidate's results
     * @param strategy the one strategy to gate, or {@code null} for every strategy in both runs
     * @param bootstrap resamples and seed; its confidence level is {@code 1 - alpha}
     * @throws UsageException when the runs cannot be compared: no strategy, gold answers or
     *     question ids in common
     */
    public static GateReport of(
            Path baseline,
            ResultFiles base,
            Path candidate,
            ResultFiles cand,
            String strategy,
            double margin,
            double alpha,
            PairedComparison.Bootstrap bootstrap)
            throws UsageException {
        List<String> strategies = strategies(baseline, base, candidate, cand, strategy);
        List<StrategyGate> gates = new ArrayList<>();
        for (String name : strategies) {
            Map<String, QuestionOutcome> b = base.byStrategy().get(name);
            Map<String, QuestionOutcome> c = cand.byStrategy().get(name);
            requireGold("--baseline", baseline, name, b);
            requireGold("--candidate", candidate, name, c);
            PairedComparison pair = PairedComparison.of("candidate", c, "baseline", b, bootstrap);
            if (pair == null) {
                throw new UsageException(
                        "no question id has a gold answer in both runs for strategy "
                                + name
                                + " (baseline "
                                + number(b.size())
                                + " results, candidate "
                                + number(c.size())
                                + "). Compare runs over the same questions.");
            }
            RegressionGate.Decision decision = RegressionGate.decide(name, pair, margin, alpha);
            gates.add(
                    new StrategyGate(
                            name,
                            pair.n(),
                            pair.accuracyB(),
                            pair.accuracyA(),
                            pair.difference(),
                            pair.differenceLow(),
                            pair.differenceHigh(),
                            pair.onlyB(),
                            pair.onlyA(),
                            pair.mcnemarP(),
                            pair.onlyInB(),
                            pair.onlyInA(),
                            decision.failed(),
                            decision.reason()));
        }
        boolean passed = gates.stream().noneMatch(StrategyGate::failed);
        boolean simulated = base.simulated() || cand.simulated();
        return new GateReport(
                passed,
                passed ? ExitCodes.OK : ExitCodes.CHECK_FAILED,
                simulated,
                SimulatedNotice.of(simulated),
                base.files().stream().map(Path::toString).toList(),
                cand.files().stream().map(Path::toString).toList(),
                RegressionGate.rule(margin, alpha),
                margin,
                alpha,
                bootstrap,
                gates);
    }

    private static List<String> strategies(
            Path baseline, ResultFiles base, Path candidate, ResultFiles cand, String strategy)
            throws UsageException {
        if (strategy != null) {
            requireStrategy("--baseline", baseline, base, strategy);
            requireStrategy("--candidate", candidate, cand, strategy);
            return List.of(strategy);
        }
        List<String> common =
                base.byStrategy().keySet().stream().filter(cand.byStrategy()::containsKey).toList();
        if (common.isEmpty()) {
            throw new UsageException(
                    "the runs share no strategy (baseline: "
                            + String.join(", ", base.byStrategy().keySet())
                            + "; candidate: "
                            + String.join(", ", cand.byStrategy().keySet())
                            + "). Compare runs of the same strategy.");
        }
        return common;
    }

    private static void requireStrategy(String option, Path path, ResultFiles run, String strategy)
            throws UsageException {
        if (!run.byStrategy().containsKey(strategy)) {
            throw new UsageException(
                    "--strategy "
                            + strategy
                            + ": "
                            + option
                            + " "
                            + path
                            + " has no results for it (strategies there: "
                            + (run.byStrategy().isEmpty()
                                    ? "none, the run is empty"
                                    : String.join(", ", run.byStrategy().keySet()))
                            + ").");
        }
    }

    private static void requireGold(
            String option, Path path, String strategy, Map<String, QuestionOutcome> outcomes)
            throws UsageException {
        if (outcomes.values().stream().noneMatch(QuestionOutcome::hasGold)) {
            throw new UsageException(
                    option
                            + " "
                            + path
                            + " has no gold answers for strategy "
                            + strategy
                            + " (a labeling run?). compare needs runs over a benchmark with gold"
                            + " answers.");
        }
    }
}
