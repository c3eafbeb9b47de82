package dev.triad.jobs.report;

import static dev.triad.jobs.eval.Formats.accuracy;
import static dev.triad.jobs.eval.Formats.decimal;
import static dev.triad.jobs.eval.Formats.millis;
import static dev.triad.jobs.eval.Formats.money;
import static dev.triad.jobs.eval.Formats.number;
import static dev.triad.jobs.eval.Formats.percent;
import static dev.triad.jobs.eval.Formats.percentInterval;
import static dev.triad.jobs.eval.Formats.points;
import static dev.triad.jobs.eval.Formats.pointsInterval;
import static dev.triad.jobs.eval.Formats.small;

import dev.triad.jobs.eval.Accuracy;
import dev.triad.jobs.eval.EvalReport;
import dev.triad.jobs.eval.EvalReport.LatencyReport;
import dev.triad.jobs.eval.EvalReport.Percentiles;
import dev.triad.jobs.eval.EvalReport.RoleCost;
import dev.triad.jobs.eval.EvalReport.RoleLatency;
import dev.triad.jobs.eval.EvalReport.StrategyReport;
import dev.triad.jobs.eval.EvalReport.VerifierReport;
import dev.triad.jobs.eval.Evaluation;
import dev.triad.jobs.eval.Formats;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.Provenance;
import dev.triad.schemas.PromptSetIdentity;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints an {@link EvalReport} as human-readable tables. */
public final class EvalText {

    private static final String INDENT = "  ";

    private final EvalReport report;
    private final PrintWriter out;
    private final String level;

    public EvalText(EvalReport report, PrintWriter out) {
        this.report = report;
        this.out = out;
        this.level = String.format(Locale.ROOT, "%.0f%%", 100 * report.bootstrap().confidence());
    }

    public void print() {
        if (report.simulated()) {
            out.println(report.notice());
            out.println();
        }
        out.println(
                "Read "
                        + number(report.results())
                        + " results ("
                        + String.join(", ", report.strategies().keySet())
                        + ") from "
                        + String.join(", ", report.inputs()));
        provenance();
        out.println();
        boolean anyGold = report.strategies().values().stream().anyMatch(s -> s.accuracy() != null);
        outcomes(anyGold);
        if (anyGold) {
            slices();
            pairs();
        } else {
            out.println(
                    "No gold answers (a labeling run): accuracy, slices and paired comparisons are"
                            + " left out.");
            out.println();
        }
        verifier();
        cost();
        latency();
    }

    /** Which models and prompts the figures come from, one line each. */
    private void provenance() {
        Provenance provenance = report.provenance();
        if (provenance == null) {
            return;
        }
        for (Provenance.Model model : provenance.models()) {
            out.println(INDENT + "model " + model.describe());
        }
        for (PromptSetIdentity prompts : provenance.prompts()) {
            out.println(INDENT + "prompts " + prompts.describe());
        }
        for (Provenance.Pool pool : provenance.demonstrations()) {
            out.println(INDENT + "demonstrations " + pool.describe());
        }
    }

    private void outcomes(boolean anyGold) {
        List<String> header =
                new ArrayList<>(List.of("strategy", "questions", "solved", "unsolved", "failed"));
        if (anyGold) {
            header.addAll(List.of("with gold", "correct", "accuracy", level + " CI"));
            out.println(
                    "Accuracy ("
                            + level
                            + " Wilson interval; n = questions with a gold answer, unsolved and"
                            + " failed count as wrong)");
        } else {
            out.println("Outcomes");
        }
        TextTable table = new TextTable(1, header.toArray(String[]::new));
        report.strategies()
                .forEach(
                        (name, s) -> {
                            List<String> row =
                                    new ArrayList<>(
                                            List.of(
                                                    name,
                                                    number(s.questions()),
                                                    number(s.solved()),
                                                    number(s.unsolved()),
                                                    number(s.failed())));
                            if (anyGold) {
                                Accuracy a = s.accuracy();
                                row.add(number(s.withGold()));
                                row.add(a == null ? "-" : number(a.correct()));
                                row.add(a == null ? "n/a" : percent(a.value()));
                                row.add(a == null ? "" : percentInterval(a.low(), a.high()));
                            }
                            table.row(row.toArray(String[]::new));
                        });
        table.print(out, INDENT);
        out.println();
    }

    private void slices() {
        Set<String> fields = new LinkedHashSet<>();
        report.strategies().values().stream()
                .filter(s -> s.slices() != null)
                .forEach(s -> fields.addAll(s.slices().keySet()));
        for (String field : fields) {
            out.println("Accuracy by " + field + " (" + level + " Wilson interval)");
            TextTable table =
                    new TextTable(2, field, "strategy", "n", "correct", "accuracy", level + " CI");
            Set<String> values = new LinkedHashSet<>();
            report.strategies().values().stream()
                    .filter(s -> s.slices() != null && s.slices().containsKey(field))
                    .forEach(s -> values.addAll(s.slices().get(field).keySet()));
            for (String value : Evaluation.sortedValues(values)) {
                report.strategies()
                        .forEach(
                                (name, s) -> {
                                    Accuracy a =
                                            s.slices() == null
                                                    ? null
                                                    : s.slices().get(field).get(value);
                                    if (a != null) {
                                        table.row(
                                                value,
                                                name,
                                                number(a.n()),
                                                number(a.correct()),
                                                percent(a.value()),
                                                percentInterval(a.low(), a.high()));
                                    }
                                });
            }
            table.print(out, INDENT);
            out.println();
        }
    }

    private void pairs() {
        if (report.pairs() == null) {
            return;
        }
        PairedComparison.Bootstrap bootstrap = report.bootstrap();
        for (PairedComparison p : report.pairs()) {
            out.println(
                    "Paired comparison: "
                            + p.a()
                            + " vs "
                            + p.b()
                            + " on "
                            + number(p.n())
                            + " questions with a gold answer in both");
            new TextTable(1, "", p.b() + " right", p.b() + " wrong")
                    .row(p.a() + " right", number(p.bothCorrect()), number(p.onlyA()))
                    .row(p.a() + " wrong", number(p.onlyB()), number(p.neither()))
                    .print(out, INDENT);
            out.println(
                    INDENT
                            + "accuracy "
                            + p.a()
                            + " "
                            + accuracy(p.accuracyA())
                            + ", "
                            + p.b()
                            + " "
                            + accuracy(p.accuracyB()));
            out.println(
                    INDENT
                            + "difference "
                            + p.a()
                            + " - "
                            + p.b()
                            + ": "
                            + points(p.difference())
                            + ", "
                            + level
                            + " paired bootstrap CI "
                            + pointsInterval(p.differenceLow(), p.differenceHigh())
                            + " ("
                            + number(bootstrap.resamples())
                            + " resamples, seed "
                            + bootstrap.seed()
                            + ")");
            out.println(
                    INDENT
                            + "McNemar exact test (two-sided) on the "
                            + number(p.onlyA() + p.onlyB())
                            + " discordant questions: p = "
                            + Formats.pValue(p.mcnemarP()));
            if (p.onlyInA() > 0 || p.onlyInB() > 0) {
                out.println(
                        INDENT
                                + "left out: "
                                + number(p.onlyInA())
                                + " questions with gold only in "
                                + p.a()
                                + ", "
                                + number(p.onlyInB())
                                + " only in "
                                + p.b());
            }
            out.println();
        }
    }

    private void verifier() {
        report.strategies()
                .forEach(
                        (name, s) -> {
                            if (s.verifier() != null) {
                                verifier(name, s.verifier());
                            }
                        });
    }

    private void verifier(String name, VerifierReport v) {
        out.println("Verifier (" + name + ")");
        out.println(
                INDENT
                        + "judged attempts "
                        + number(v.judged())
                        + ", accepted "
                        + number(v.accepted())
                        + " (acceptance rate "
                        + percent(v.acceptanceRate())
                        + ")");
        TextTable classes = new TextTable(1, "class", "attempts", "share");
        v.classes()
                .forEach(
                        (c, n) ->
                                classes.row(
                                        c,
                                        number(n),
                                        percent((double) n / Math.max(1, v.judged()))));
        classes.print(out, INDENT);
        StringBuilder spread = new StringBuilder();
        v.stepsByRegenerations()
                .forEach(
                        (r, n) ->
                                spread.append(spread.length() == 0 ? "" : ", ")
                                        .append(r)
                                        .append(": ")
                                        .append(number(n)));
        out.println(
                INDENT
                        + "regenerations per step "
                        + small(v.regenerationsPerStep())
                        + " over "
                        + number(v.steps())
                        + " steps (steps by times written again: "
                        + spread
                        + ")");
        out.println(
                INDENT
                        + "verifier feedback (a rejected step written again): "
                        + number(v.questionsWithFeedback())
                        + " questions"
                        + feedbackAccuracy(v.accuracyWithFeedback())
                        + "; without: "
                        + number(v.questionsWithoutFeedback())
                        + " questions"
                        + feedbackAccuracy(v.accuracyWithoutFeedback()));
        out.println();
    }

    private String feedbackAccuracy(Accuracy a) {
        return a == null
                ? ""
                : ", final answer correct "
                        + accuracy(a)
                        + " "
                        + level
                        + " CI "
                        + percentInterval(a.low(), a.high());
    }

    private void cost() {
        boolean priced = false;
        for (StrategyReport s : report.strategies().values()) {
            priced |= s.cost().total().estimatedCost() != null;
            for (RoleCost r : s.cost().roles().values()) {
                priced |= r.estimatedCost() != null;
            }
        }
        out.println("Cost (tokens = prompt + completion)");
        List<String> header =
                new ArrayList<>(
                        List.of(
                                "strategy",
                                "role",
                                "calls",
                                "prompt tokens",
                                "completion tokens",
                                "calls/question",
                                "tokens/question",
                                "tokens/correct"));
        if (priced) {
            header.addAll(List.of("est. cost", "cost/question", "cost/correct"));
        }
        TextTable table = new TextTable(2, header.toArray(String[]::new));
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, StrategyReport> e : report.strategies().entrySet()) {
            Map<String, RoleCost> roles = e.getValue().cost().roles();
            for (Map.Entry<String, RoleCost> r : roles.entrySet()) {
                table.row(costRow(e.getKey(), r.getKey(), r.getValue(), priced));
            }
            if (roles.size() > 1) {
                table.row(costRow(e.getKey(), "all", e.getValue().cost().total(), priced));
            }
            if (e.getValue().cost().missingPrices() != null) {
                missing.add(
                        e.getKey() + ": " + String.join(", ", e.getValue().cost().missingPrices()));
            }
        }
        table.print(out, INDENT);
        if (!missing.isEmpty()) {
            out.println(
                    INDENT
                            + "no price for "
                            + String.join("; ", missing)
                            + " (add the role or the binding to --prices)");
        }
        out.println();
    }

    private static String[] costRow(String strategy, String role, RoleCost r, boolean priced) {
        List<String> row =
                new ArrayList<>(
                        List.of(
                                strategy,
                                role,
                                number(r.calls()),
                                number(r.promptTokens()),
                                number(r.completionTokens()),
                                r.perQuestion() == null ? "-" : small(r.perQuestion().calls()),
                                r.perQuestion() == null ? "-" : decimal(tokens(r.perQuestion())),
                                r.perCorrect() == null ? "-" : decimal(tokens(r.perCorrect()))));
        if (priced) {
            row.add(money(r.estimatedCost()));
            row.add(r.perQuestion() == null ? "-" : money(r.perQuestion().estimatedCost()));
            row.add(r.perCorrect() == null ? "-" : money(r.perCorrect().estimatedCost()));
        }
        return row.toArray(String[]::new);
    }

    private static double tokens(EvalReport.Rate rate) {
        return rate.promptTokens() + rate.completionTokens();
    }

    private void latency() {
        out.println(
                "Latency (question: wall time per question; role: its calls' latency summed per"
                        + " question; nearest-rank percentiles)");
        TextTable table =
                new TextTable(
                        2,
                        "strategy",
                        "of",
                        "p50",
                        "p95",
                        "p99",
                        "mean",
                        "max",
                        "calls",
                        "mean per call");
        report.strategies()
                .forEach(
                        (name, s) -> {
                            LatencyReport l = s.latency();
                            table.row(latencyRow(name, "question", l.question(), "-", "-"));
                            for (Map.Entry<String, RoleLatency> r : l.roles().entrySet()) {
                                RoleLatency role = r.getValue();
                                table.row(
                                        latencyRow(
                                                name,
                                                r.getKey(),
                                                role.perQuestion(),
                                                number(role.calls()),
                                                millis(role.meanPerCallMs())));
                            }
                        });
        table.print(out, INDENT);
    }

    private static String[] latencyRow(
            String strategy, String of, Percentiles p, String calls, String perCall) {
        return new String[] {
            strategy,
            of,
            millis(p.p50()),
            millis(p.p95()),
            millis(p.p99()),
            millis(p.mean()),
            millis(p.max()),
            calls,
            perCall
        };
    }
}
