package dev.triad.jobs.report;

import static dev.triad.jobs.eval.Formats.millis;
import static dev.triad.jobs.eval.Formats.money;
import static dev.triad.jobs.eval.Formats.number;
import static dev.triad.jobs.eval.Formats.percent;
import static dev.triad.jobs.eval.Formats.small;

import dev.triad.jobs.plan.PlanEstimate;
import dev.triad.jobs.plan.PlanEstimate.DeadlinePlan;
import dev.triad.jobs.plan.PlanEstimate.RolePlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link PlanEstimate} as a table per role and the run's figures. */
public final class PlanText {

    private static final String INDENT = "  ";

    private final PlanEstimate plan;
    private final PrintWriter out;

    public PlanText(PlanEstimate plan, PrintWriter out) {
        this.plan = plan;
        this.out = out;
    }

    public void print() {
        if (plan.notice() != null) {
            out.println(plan.notice());
            out.println();
        }
        PlanEstimate.SampleSummary sample = plan.sample();
        out.println(
                "Plan: "
                        + number(plan.questions())
                        + " questions x "
                        + String.join(", ", plan.strategies())
                        + ", from a sample of "
                        + number(sample.questions())
                        + " questions"
                        + (sample.wallSeconds() == null
                                ? ""
                                : " (its own wall time " + duration(sample.wallSeconds()) + ")"));
        out.println();
        TextTable roles =
                new TextTable(
                        2,
                        "role",
                        "service",
                        "replicas",
                        "slots",
                        "GPUs",
                        "calls/question",
                        "per call",
                        "at load",
                        "busy",
                        "max questions/s",
                        "GPU-hours");
        for (Map.Entry<String, RolePlan> e : plan.roles().entrySet()) {
            RolePlan r = e.getValue();
            roles.row(
                    e.getKey() + (e.getKey().equals(plan.bottleneck()) ? " *" : ""),
                    r.service(),
                    Integer.toString(r.replicas()),
                    Integer.toString(r.slots()),
                    decimal(r.gpusPerReplica()),
                    small(r.callsPerQuestion()),
                    millis(r.msPerCall()),
                    millis(r.msPerCallAtLoad()),
                    percent(r.utilisation()),
                    small(r.capacityQuestionsPerSecond()),
                    small(r.gpuHours()));
        }
        roles.print(out, INDENT);
        out.println();
        Map<String, String> run = new LinkedHashMap<>();
        run.put("wall time", duration(plan.wallSeconds()));
        run.put("throughput", small(plan.questionsPerSecond()) + " questions/s");
        run.put(
                "question latency",
                millis(plan.questionLatencySeconds() * 1000)
                        + " (its strategies' calls one after another, no queueing)");
        run.put(
                "slowest question",
                millis(plan.slowestQuestionSeconds() * 1000) + " (the sample's, draining the end)");
        run.put("bottleneck", bottleneck());
        run.put(
                "GPU-hours",
                small(plan.gpuHours())
                        + (plan.gpuCost() == null ? "" : ", cost " + money(plan.gpuCost())));
        if (plan.tokenCost() != null) {
            run.put("token cost", money(plan.tokenCost()) + tokenCosts());
        }
        run.put("balanced", replicas(plan.balanced()) + " for the same wall time");
        DeadlinePlan d = plan.deadline();
        if (d != null) {
            run.put("deadline " + duration(d.seconds()), deadline(d));
        }
        int width = run.keySet().stream().mapToInt(String::length).max().orElse(0);
        run.forEach(
                (label, value) ->
                        out.println(
                                INDENT + label + " ".repeat(width - label.length() + 2) + value));
        out.println();
        out.println("Model: " + plan.model() + ".");
    }

    private String bottleneck() {
        String b = plan.bottleneck();
        if (PlanEstimate.JOB.equals(b)) {
            return "the job: "
                    + number(plan.questionsInFlight())
                    + " questions in flight (parallelism x max-questions-in-flight) keep the fleet"
                    + " from filling; raise them";
        }
        if (PlanEstimate.QUESTION_LATENCY.equals(b)) {
            return "one question's latency: too few questions to fill the fleet";
        }
        return b + " (*): its slots are full; the others wait for it";
    }

    private String tokenCosts() {
        List<String> parts = new ArrayList<>();
        plan.roles()
                .forEach(
                        (role, r) -> {
                            if (r.tokenCost() != null) {
                                parts.add(role + " " + money(r.tokenCost()));
                            }
                        });
        return " (" + String.join(", ", parts) + ")";
    }

    private static String deadline(DeadlinePlan d) {
        if (!d.feasible()) {
            return "not possible: one question alone takes longer";
        }
        return "enough: "
                + replicas(d.replicas())
                + ", parallelism "
                + d.parallelism()
                + ": "
                + duration(d.wallSeconds())
                + ", "
                + small(d.gpuHours())
                + " GPU-hours"
                + (d.gpuCost() == null ? "" : ", cost " + money(d.gpuCost()));
    }

    private static String replicas(Map<String, Integer> replicas) {
        List<String> parts = new ArrayList<>();
        replicas.forEach((role, n) -> parts.add(role + " " + n));
        return String.join(", ", parts) + " replicas";
    }

    private static String decimal(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** {@code 7 h 40 min}, {@code 5 min 12 s} or {@code 42.0 s}. */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", s / 3600, (s % 3600) / 60);
    }
}
