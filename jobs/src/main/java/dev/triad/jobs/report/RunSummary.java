package dev.triad.jobs.report;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.EvalStatistics;
import dev.triad.jobs.eval.Formats;
import dev.triad.jobs.eval.Interval;
import dev.triad.jobs.eval.Provenance;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The end-of-run summary, computed by reading {@code results.jsonl} and {@code dead-letters.jsonl}
 * back: per strategy the questions, how they ended, accuracy where gold answers exist, model calls
 * and tokens per role, p50/p95 question latency and, when the run was given a price table, the
 * estimated cost per role, in total and per question.
 */
public final class RunSummary {

    private static final List<String> ROLE_ORDER = List.of("decomposer", "solver", "verifier");

    private final Map<String, StrategyStats> strategies;
    private final long deadLetters;
    private final boolean simulated;
    private final Provenance provenance;
    private final Path resultsFile;
    private final Path deadLettersFile;

    private RunSummary(
            Map<String, StrategyStats> strategies,
            long deadLetters,
            boolean simulated,
            Provenance provenance,
            Path resultsFile,
            Path deadLettersFile) {
        this.strategies = strategies;
        this.deadLetters = deadLetters;
        this.simulated = simulated;
        this.provenance = provenance;
        this.resultsFile = resultsFile;
        this.deadLettersFile = deadLettersFile;
    }

    /**
     * Reads a run's files.
     *
     * @param order strategies in the order to print them (others follow in name order)
     * @param simulatedRun whether any role was simulated (results also say so per record)
     */
    public static RunSummary read(
            Path resultsFile, Path deadLettersFile, List<String> order, boolean simulatedRun)
            throws UsageException {
        return read(
                List.of(resultsFile),
                Files.exists(deadLettersFile) ? List.of(deadLettersFile) : List.of(),
                resultsFile,
                deadLettersFile,
                order,
                simulatedRun);
    }

    /**
     * Reads a run's results and dead letters from several files each, e.g. the committed part files
     * of a run that has not been merged (one stopped with Ctrl-C).
     *
     * @param resultsShown where the summary says the results are
     * @param deadLettersShown where the summary says the dead letters are
     * @param order strategies in the order to print them (others follow in name order)
     * @param simulatedRun whether any role was simulated (results also say so per record)
     */
    public static RunSummary read(
            List<Path> resultFiles,
            List<Path> deadLetterFiles,
            Path resultsShown,
            Path deadLettersShown,
            List<String> order,
            boolean simulatedRun)
            throws UsageException {
        Map<String, StrategyStats> byStrategy = new LinkedHashMap<>();
        for (String name : order) {
            byStrategy.put(name, new StrategyStats());
        }
        Map<String, StrategyStats> others = new TreeMap<>();
        boolean[] simulated = {simulatedRun};
        Provenance.Collector provenance = new Provenance.Collector();
        ResultFiles.forEach(
                resultFiles,
                (result, source) -> {
                    StrategyStats stats = byStrategy.get(result.strategy());
                    if (stats == null) {
                        stats = others.computeIfAbsent(result.strategy(), s -> new StrategyStats());
                    }
                    stats.add(result);
                    simulated[0] |= result.simulated();
                    provenance.add(result);
                });
        byStrategy.putAll(others);
        long dead = 0;
        for (Path file : deadLetterFiles) {
            dead += JsonlFiles.countLines(file);
        }
        return new RunSummary(
                byStrategy, dead, simulated[0], provenance.build(), resultsShown, deadLettersShown);
    }

    /** Results per strategy. */
    public Map<String, StrategyStats> strategies() {
        return strategies;
    }

    /** Dead letters written. */
    public long deadLetters() {
        return deadLetters;
    }

    /** Prints the summary tables and where the files are. */
    public void print(PrintWriter out) {
        if (simulated) {
            out.println(SimulatedNotice.TEXT);
            out.println();
        }
        // Real models that name their weights, and prompts of the user's own: what the figures
        // below come from (eval lists every binding).
        boolean named = false;
        for (Provenance.Model model : provenance.models()) {
            if (model.identity() != null) {
                out.println("model " + model.describe());
                named = true;
            }
        }
        for (PromptSetIdentity prompts : provenance.prompts()) {
            if (!prompts.isBuiltIn()) {
                out.println("prompts " + prompts.describe());
                named = true;
            }
        }
        for (Provenance.Pool pool : provenance.demonstrations()) {
            out.println("demonstrations " + pool.describe());
            named = true;
        }
        if (named) {
            out.println();
        }
        TextTable outcomes =
                new TextTable(
                        1,
                        "strategy",
                        "questions",
                        "solved",
                        "unsolved",
                        "failed",
                        "accuracy",
                        "95% CI",
                        "p50 latency",
                        "p95 latency");
        boolean anyGold = false;
        for (Map.Entry<String, StrategyStats> e : strategies.entrySet()) {
            StrategyStats s = e.getValue();
            anyGold |= s.withGold > 0;
            outcomes.row(
                    e.getKey(),
                    Formats.number(s.questions),
                    Formats.number(s.count(Status.SOLVED)),
                    Formats.number(s.count(Status.UNSOLVED)),
                    Formats.number(s.count(Status.FAILED)),
                    s.withGold == 0 ? "n/a" : Formats.percent((double) s.correct / s.withGold),
                    s.withGold == 0 ? "" : wilson(s.correct, s.withGold),
                    millis(s.latencyPercentile(50)),
                    millis(s.latencyPercentile(95)));
        }
        outcomes.print(out, "");
        if (anyGold) {
            out.println(
                    "accuracy = correct answers / questions with a gold answer (unsolved and"
                            + " failed count as wrong); 95% CI: Wilson interval (triad eval"
                            + " has more)");
        }
        out.println();
        boolean priced = strategies.values().stream().anyMatch(s -> s.pricedQuestions > 0);
        TextTable usage =
                priced
                        ? new TextTable(
                                2,
                                "strategy",
                                "role",
                                "calls",
                                "prompt tokens",
                                "completion tokens",
                                "est. cost")
                        : new TextTable(
                                2,
                                "strategy",
                                "role",
                                "calls",
                                "prompt tokens",
                                "completion tokens");
        for (Map.Entry<String, StrategyStats> e : strategies.entrySet()) {
            for (Map.Entry<String, RoleUsage> u : e.getValue().usageInRoleOrder().entrySet()) {
                RoleUsage r = u.getValue();
                String[] cells = {
                    e.getKey(),
                    u.getKey(),
                    Formats.number(r.calls()),
                    Formats.number(r.promptTokens()),
                    Formats.number(r.completionTokens()),
                    Formats.money(r.cost())
                };
                usage.row(priced ? cells : Arrays.copyOf(cells, 5));
            }
        }
        usage.print(out, "");
        out.println();
        if (priced) {
            TextTable cost =
                    new TextTable(1, "strategy", "priced questions", "est. cost", "cost/question");
            for (Map.Entry<String, StrategyStats> e : strategies.entrySet()) {
                StrategyStats s = e.getValue();
                cost.row(
                        e.getKey(),
                        Formats.number(s.pricedQuestions),
                        Formats.money(s.pricedQuestions == 0 ? null : s.cost),
                        Formats.money(s.costPerQuestion()));
            }
            cost.print(out, "");
            out.println(
                    "est. cost: from the run's price table (per 1M tokens, in its currency);"
                            + " cached prompt tokens at the cached price");
            out.println();
        }
        out.println(
                "dead letters: "
                        + Formats.number(deadLetters)
                        + (deadLetters > 0
                                ? " (input lines that could not be used; see the file)"
                                : ""));
        out.println("results:      " + resultsFile);
        out.println("dead letters: " + deadLettersFile);
    }

    private static String wilson(long correct, long n) {
        Interval ci = EvalStatistics.wilson(correct, n, EvalStatistics.DEFAULT_CONFIDENCE);
        return Formats.percentInterval(ci.low(), ci.high());
    }

    private static String millis(long ms) {
        return Formats.millis(ms < 0 ? Double.NaN : ms);
    }

    /** The numbers of one strategy. */
    public static final class StrategyStats {
        private long questions;
        private final Map<Status, Long> byStatus = new LinkedHashMap<>();
        private long withGold;
        private long correct;
        private final Map<String, RoleUsage> usage = new TreeMap<>();
        private final Histogram latency = new Histogram(3);
        private long pricedQuestions;
        private double cost;

        void add(Result result) {
            questions++;
            byStatus.merge(result.status(), 1L, Long::sum);
            if (result.gold() != null) {
                withGold++;
                if (Boolean.TRUE.equals(result.correct())) {
                    correct++;
                }
            }
            if (result.usage() != null) {
                result.usage().forEach((role, u) -> usage.merge(role, u, RoleUsage::add));
            }
            if (result.cost() != null) {
                pricedQuestions++;
                cost += result.cost();
            }
            latency.recordValue(Math.max(0, result.latencyMs()));
        }

        /** Results of this strategy. */
        public long questions() {
            return questions;
        }

        /** Results that ended with {@code status}. */
        public long count(Status status) {
            return byStatus.getOrDefault(status, 0L);
        }

        /** Results with a gold answer. */
        public long withGold() {
            return withGold;
        }

        /** Results whose answer matched the gold answer. */
        public long correct() {
            return correct;
        }

        /** Question latency at a percentile in milliseconds, or -1 without results. */
        public long latencyPercentile(double percentile) {
            return questions == 0 ? -1 : latency.getValueAtPercentile(percentile);
        }

        /** Results that carry an estimated cost (the run had a price table). */
        public long pricedQuestions() {
            return pricedQuestions;
        }

        /** The estimated cost summed over the priced results, or {@code null} without any. */
        public Double cost() {
            return pricedQuestions == 0 ? null : cost;
        }

        /** The estimated cost per priced result, or {@code null} without any. */
        public Double costPerQuestion() {
            return pricedQuestions == 0 ? null : cost / pricedQuestions;
        }

        /** Usage summed per role, decomposer, solver, verifier first. */
        public Map<String, RoleUsage> usageInRoleOrder() {
            Map<String, RoleUsage> ordered = new LinkedHashMap<>();
            for (String role : ROLE_ORDER) {
                if (usage.containsKey(role)) {
                    ordered.put(role, usage.get(role));
                }
            }
            usage.forEach(ordered::putIfAbsent);
            return ordered;
        }
    }
}
