package dev.triad.jobs.report;

import static dev.triad.jobs.eval.Formats.accuracy;
import static dev.triad.jobs.eval.Formats.number;
import static dev.triad.jobs.eval.Formats.pValue;
import static dev.triad.jobs.eval.Formats.percentInterval;
import static dev.triad.jobs.eval.Formats.points;
import static dev.triad.jobs.eval.Formats.pointsInterval;

import dev.triad.jobs.eval.GateReport;
import dev.triad.jobs.eval.GateReport.StrategyGate;
import dev.triad.jobs.eval.RegressionGate;
import java.io.PrintWriter;

/** Prints a {@link GateReport} as {@code triad compare} shows it without {@code --json}. */
public final class GateText {

    private GateText() {}

    /** Prints the gate's figures and decision for every strategy, then the verdict. */
    public static void print(GateReport report, PrintWriter out) {
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
