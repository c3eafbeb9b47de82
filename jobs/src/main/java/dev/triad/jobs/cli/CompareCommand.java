package dev.triad.jobs.cli;

import static dev.triad.jobs.eval.Formats.accuracy;
import static dev.triad.jobs.eval.Formats.number;
import static dev.triad.jobs.eval.Formats.pValue;
import static dev.triad.jobs.eval.Formats.percentInterval;
import static dev.triad.jobs.eval.Formats.points;
import static dev.triad.jobs.eval.Formats.pointsInterval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.Accuracy;
import dev.triad.jobs.eval.EvalStatistics;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.QuestionOutcome;
import dev.triad.jobs.eval.RegressionGate;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.eval.SimulatedNotice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad compare --baseline A --candidate B}: the regression gate for nightly runs. Pairs the
 * two runs' results on question ids and applies {@link RegressionGate}'s rule; exits 0 when the
 * candidate passes, 1 when it is significantly worse by more than the margin, 2 when the input
 * cannot be compared. Prints why either way.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Regression gate: compares a candidate run with a baseline run on the questions both"
                    + " answered (paired on question ids; only ids with a gold answer in both"
                    + " count) and exits 1 when the candidate is significantly worse than the"
                    + " baseline by more than the margin.%n",
            "Rule, with d = accuracy(candidate) - accuracy(baseline) on the paired questions:"
                    + " FAIL when both (1) the upper bound of the two-sided (1 - alpha) paired"
                    + " bootstrap interval of d is below -margin (the whole interval lies below"
                    + " -margin; a one-sided test of d >= -margin at level alpha/2), and (2)"
                    + " McNemar's exact two-sided test on the discordant questions gives p < alpha"
                    + " (the exact test guards against the bootstrap's too-narrow intervals when"
                    + " few questions differ). PASS otherwise. Unsolved and failed results count"
                    + " as wrong.%n",
            "Without --strategy every strategy present in both runs is gated; the gate fails if"
                    + " any fails.%n",
            "Example: triad compare --baseline nightly/2024-06-01 --candidate nightly/2024-06-02"
                    + " --strategy lm2%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the gate passed: the candidate is not significantly worse by more than the margin",
            "1:the gate failed: the candidate is significantly worse by more than the margin",
            "2:unusable input or options: a missing file, a line that is not a result, no"
                    + " strategy or question ids in common, no gold answers"
        })
public final class CompareCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Option(
            names = "--baseline",
            required = true,
            paramLabel = "RESULTS",
            description = "The baseline run: a results.jsonl file or a run's output folder.")
    Path baseline;

    @Option(
            names = "--candidate",
            required = true,
            paramLabel = "RESULTS",
            description = "The candidate run: a results.jsonl file or a run's output folder.")
    Path candidate;

    @Option(
            names = "--strategy",
            paramLabel = "S",
            description = "Gate only this strategy. Default: every strategy in both runs.")
    String strategy;

    @Option(
            names = "--margin",
            paramLabel = "M",
            description =
                    "Accuracy drop tolerated, as a fraction (0.01 = 1 percentage point)."
                            + " Default: ${DEFAULT-VALUE}.")
    double margin = RegressionGate.DEFAULT_MARGIN;

    @Option(
            names = "--alpha",
            paramLabel = "A",
            description =
                    "Significance level: the interval is (1 - A), the McNemar p must be below A."
                            + " Default: ${DEFAULT-VALUE}.")
    double alpha = RegressionGate.DEFAULT_ALPHA;

    @Option(
            names = "--resamples",
            paramLabel = "N",
            description = "Paired bootstrap resamples. Default: ${DEFAULT-VALUE}.")
    int resamples = EvalStatistics.DEFAULT_RESAMPLES;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "The bootstrap's seed (same seed, same decision). Default: ${DEFAULT-VALUE}.")
    long seed = EvalStatistics.DEFAULT_SEED;

    @Option(
            names = "--json",
            description = "Print the figures and the decision as one JSON document.")
    boolean json;

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
     * The whole comparison, as {@code --json} prints it.
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
            List<StrategyGate> strategies) {}

    @Override
    public Integer call() throws Exception {
        if (!(margin >= 0 && margin < 1)) {
            throw new UsageException(
                    "--margin must be at least 0 and below 1 (a fraction of accuracy: 0.01 = 1"
                            + " percentage point), was "
                            + margin
                            + ".");
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new UsageException(
                    "--alpha must be between 0 and 0.5 (exclusive), e.g. 0.05, was " + alpha + ".");
        }
        if (resamples < 100) {
            throw new UsageException(
                    "--resamples must be 100 or more, was "
                            + resamples
                            + ". The default, "
                            + EvalStatistics.DEFAULT_RESAMPLES
                            + ", gives stable intervals.");
        }
        ResultFiles base = ResultFiles.read(List.of(baseline), "--baseline");
        ResultFiles cand = ResultFiles.read(List.of(candidate), "--candidate");
        GateReport report = gate(base, cand);
        PrintWriter out = streams.out();
        if (json) {
            out.println(EvalCommand.toJson(report));
        } else {
            print(report, out);
        }
        out.flush();
        return report.exitCode();
    }

    /** Pairs the runs per strategy and applies the rule; throws when they cannot be compared. */
    GateReport gate(ResultFiles base, ResultFiles cand) throws UsageException {
        List<String> strategies = strategies(base, cand);
        PairedComparison.Bootstrap bootstrap =
                new PairedComparison.Bootstrap(resamples, seed, 1 - alpha);
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

    private List<String> strategies(ResultFiles base, ResultFiles cand) throws UsageException {
        if (strategy != null) {
            requireStrategy("--baseline", baseline, base);
            requireStrategy("--candidate", candidate, cand);
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

    private void requireStrategy(String option, Path path, ResultFiles run) throws UsageException {
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

    private static void print(GateReport report, PrintWriter out) {
        if (report.simulated()) {
            out.println(report.notice());
            out.println();
        }
        out.println("baseline:  " + String.join(", ", report.baseline()));
        out.println("candidate: " + String.join(", ", report.candidate()));
        out.println("rule:      " + report.rule());
        String level = RegressionGate.level(report.alpha());
        for (StrategyGate g : report.strategies()) {
            out.println();
            out.println(
                    g.strategy()
                            + ": "
                            + number(g.n())
                            + " questions paired on id (with a gold answer in both runs)"
                            + (g.onlyInBaseline() + g.onlyInCandidate() > 0
                                    ? "; left out: "
                                            + number(g.onlyInBaseline())
                                            + " only in the baseline, "
                                            + number(g.onlyInCandidate())
                                            + " only in the candidate"
                                    : ""));
            out.println(
                    "  baseline accuracy   "
                            + accuracy(g.baseline())
                            + ", "
                            + level
                            + " Wilson CI "
                            + percentInterval(g.baseline().low(), g.baseline().high()));
            out.println(
                    "  candidate accuracy  "
                            + accuracy(g.candidate())
                            + ", "
                            + level
                            + " Wilson CI "
                            + percentInterval(g.candidate().low(), g.candidate().high()));
            out.println(
                    "  difference (candidate - baseline) "
                            + points(g.difference())
                            + ", "
                            + level
                            + " paired bootstrap CI "
                            + pointsInterval(g.differenceLow(), g.differenceHigh())
                            + " ("
                            + number(report.bootstrap().resamples())
                            + " resamples, seed "
                            + report.bootstrap().seed()
                            + ")");
            out.println(
                    "  discordant: "
                            + number(g.onlyBaselineCorrect())
                            + " right only in the baseline, "
                            + number(g.onlyCandidateCorrect())
                            + " right only in the candidate; McNemar exact p = "
                            + pValue(g.mcnemarP()));
            out.println("  " + (g.failed() ? "FAIL" : "PASS") + ": " + g.reason());
        }
        out.println();
        out.println(
                report.passed()
                        ? "gate passed (exit 0)"
                        : "gate FAILED (exit 1): "
                                + String.join(
                                        ", ",
                                        report.strategies().stream()
                                                .filter(StrategyGate::failed)
                                                .map(StrategyGate::strategy)
                                                .toList())
                                + " worse than the baseline by more than the margin");
    }
}
