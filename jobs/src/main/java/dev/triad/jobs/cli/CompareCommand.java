package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.GateReport;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.RegressionGate;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.report.GateText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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

    @Mixin BootstrapOptions bootstrap;

    @Option(
            names = "--json",
            description = "Print the figures and the decision as one JSON document.")
    boolean json;

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
        PairedComparison.Bootstrap intervals = bootstrap.bootstrap(1 - alpha);
        GateReport report =
                GateReport.of(
                        baseline,
                        ResultFiles.read(List.of(baseline), "--baseline"),
                        candidate,
                        ResultFiles.read(List.of(candidate), "--candidate"),
                        strategy,
                        margin,
                        alpha,
                        intervals);
        PrintWriter out = streams.out();
        if (json) {
            out.println(EvalCommand.toJson(report));
        } else {
            GateText.print(report, out);
        }
        out.flush();
        return report.exitCode();
    }
}
