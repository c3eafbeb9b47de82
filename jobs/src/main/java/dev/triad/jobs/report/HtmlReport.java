package dev.triad.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.Accuracy;
import dev.triad.jobs.eval.EvalReport;
import dev.triad.jobs.eval.EvalReport.RoleCost;
import dev.triad.jobs.eval.Evaluation;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.Provenance;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.Json;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes one self-contained HTML page from an {@link EvalReport} and the results it was computed
 * from: a simulated-models banner when any result is simulated, tables and Vega-Lite charts of the
 * figures {@code triad eval} computes, and a per-question drill-down with every strategy's trace.
 *
 * <p>The page makes no network request: Vega, Vega-Lite and vega-embed are read from their WebJars
 * on the classpath and inlined, the chart data travels as JSON inside {@code <script
 * type="application/json">} elements, and a Content-Security-Policy forbids any outside load. Every
 * text taken from results is HTML-escaped; JSON is written with {@code <}, {@code >} and {@code &}
 * as unicode escapes, so no value can close a script element.
 *
 * <p>Figures are taken from the report, not recomputed. Only two things come from the records
 * themselves: the calls each question took, each question's latency, and throughput over the run
 * (from each result's finish time, when results carry it).
 */
public final class HtmlReport {

    /** Questions shown in the drill-down; the rest are counted, not shown, to bound page size. */
    public static final int MAX_DRILL_DOWN_QUESTIONS = 500;

    /** Bars of the latency histogram. */
    static final int LATENCY_BINS = 30;

    /** The WebJars inlined, in load order (vega-lite needs vega; vega-embed needs both). */
    static final List<String> WEBJARS = List.of("vega", "vega-lite", "vega-embed");

    private static final String WEBJAR_ROOT = "META-INF/resources/webjars/";

    private final EvalReport report;
    private final Map<String, Map<String, Result>> byQuestion = new LinkedHashMap<>();
    private final Map<String, Map<Long, Long>> callsPerQuestion = new LinkedHashMap<>();
    private final Map<String, List<Long>> latencies = new LinkedHashMap<>();
    private final Map<String, List<Long>> finishTimes = new LinkedHashMap<>();
    private final Map<String, PoolUse> pools = new LinkedHashMap<>();
    private long questionsLeftOut;

    private HtmlReport(EvalReport report) {
        this.report = report;
    }

    /**
     * Evaluates results with eval's defaults and writes the report; what {@code run --report} and
     * {@code demo} call.
     *
     * @param results a results file or a run's output folder
     * @param file the HTML file to write
     * @throws UsageException when the results cannot be read or the file cannot be written
     */
    public static void writeFor(Path results, Path file) throws UsageException {
        ResultFiles read = ResultFiles.read(List.of(results), "RESULTS");
        EvalReport report =
                new Evaluation(List.of(), List.of(), null, PairedComparison.Bootstrap.DEFAULT)
                        .evaluate(read);
        write(report, read.files(), file);
    }

    /**
     * Writes the report of results already evaluated.
     *
     * @param report the figures
     * @param resultFiles the files the report was computed from, read again for the traces
     * @param file the HTML file to write (its folder is created)
     * @throws UsageException when a file cannot be read or written
     */
    public static void write(EvalReport report, List<Path> resultFiles, Path file)
            throws UsageException {
        String html = render(report, readResults(resultFiles));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(
                    "--report " + file + " cannot be written (" + e + "). Give a writable path.",
                    e);
        }
    }

    /** The page for a report and the results it was computed from. */
    public static String render(EvalReport report, Iterable<Result> results) {
        HtmlReport page = new HtmlReport(report);
        for (Result r : results) {
            page.add(r);
        }
        return page.html();
    }

    /** Reads every result of the files (JSONL, {@code .gz} too), in order. */
    static List<Result> readResults(List<Path> files) throws UsageException {
        List<Result> results = new ArrayList<>();
        ResultFiles.forEach(files, (result, source) -> results.add(result));
        return results;
    }

    private void add(Result r) {
        long calls = 0;
        if (r.usage() != null) {
            for (RoleUsage u : r.usage().values()) {
                calls += u.calls();
            }
        }
        callsPerQuestion
                .computeIfAbsent(r.strategy(), s -> new TreeMap<>())
                .merge(calls, 1L, Long::sum);
        latencies.computeIfAbsent(r.strategy(), s -> new ArrayList<>()).add(r.latencyMs());
        if (r.finishedAt() != null) {
            finishTimes.computeIfAbsent(r.strategy(), s -> new ArrayList<>()).add(r.finishedAt());
        }
        if (r.demonstrations() != null) {
            Demonstrations d = r.demonstrations();
            pools.computeIfAbsent(d.describePool(), k -> new PoolUse()).add(r.id(), d);
        }
        Map<String, Result> strategies = byQuestion.get(r.id());
        if (strategies == null) {
            if (byQuestion.size() >= MAX_DRILL_DOWN_QUESTIONS) {
                questionsLeftOut++;
                return;
            }
            strategies = new LinkedHashMap<>();
            byQuestion.put(r.id(), strategies);
        }
        strategies.put(r.strategy(), r);
    }

    /** Which models (weights file and engine of real ones, where known) and prompts answered. */
    private void provenance(StringBuilder body) {
        Provenance provenance = report.provenance();
        List<Provenance.Model> models = provenance == null ? List.of() : provenance.models();
        List<PromptSetIdentity> promptSets = provenance == null ? List.of() : provenance.prompts();
        if (models.isEmpty() && promptSets.isEmpty() && pools.isEmpty()) {
            return;
        }
        body.append("<ul id=\"provenance\" class=\"meta\">");
        for (Provenance.Model model : models) {
            body.append("<li>model ").append(esc(model.describe())).append("</li>");
        }
        for (PromptSetIdentity prompts : promptSets) {
            body.append("<li>prompts ").append(esc(prompts.describe())).append("</li>");
        }
        for (Map.Entry<String, PoolUse> entry : pools.entrySet()) {
            PoolUse pool = entry.getValue();
            body.append("<li class=\"demonstrations\">demonstrations ")
                    .append(esc(entry.getKey()))
                    .append(": retrieved for ")
                    .append(pool.questions.size())
                    .append(pool.questions.size() == 1 ? " question, " : " questions, ")
                    .append(pool.examples)
                    .append(" worked examples in all; ")
                    .append(pool.skipped)
                    .append(" pool examples skipped as copies of their question</li>");
        }
        body.append("</ul>\n");
    }

    private String html() {
        Map<String, Object> charts = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        boolean anyAccuracy =
                report.strategies().values().stream().anyMatch(s -> s.accuracy() != null);
        if (report.simulated()) {
            body.append("<div id=\"simulated-banner\" class=\"banner\" role=\"alert\">")
                    .append(esc(SimulatedNotice.TEXT))
                    .append("</div>\n");
        }
        body.append("<h1>Triad evaluation report</h1>\n<p class=\"meta\">")
                .append(report.results())
                .append(" results from ")
                .append(esc(String.join(", ", report.inputs())))
                .append(". Intervals: Wilson ")
                .append(pct(report.bootstrap().confidence()))
                .append(" (accuracy); paired bootstrap, ")
                .append(report.bootstrap().resamples())
                .append(" resamples, seed ")
                .append(report.bootstrap().seed())
                .append(" (differences).</p>\n");
        provenance(body);
        summary(body);
        if (anyAccuracy) {
            accuracy(body, charts);
            slices(body, charts);
        }
        verifier(body, charts);
        calls(body, charts);
        cost(body, charts);
        throughput(body, charts);
        latency(body, charts);
        drillDown(body);
        return page(body.toString(), charts);
    }

    private void summary(StringBuilder b) {
        b.append("<section id=\"summary\"><h2>Summary</h2><table><thead><tr>")
                .append(
                        "<th>strategy</th><th>questions</th><th>solved</th><th>unsolved</th>"
                                + "<th>failed</th><th>with gold</th><th>accuracy</th>"
                                + "<th>interval</th></tr></thead><tbody>");
        report.strategies()
                .forEach(
                        (name, s) -> {
                            Accuracy a = s.accuracy();
                            b.append("<tr><td>")
                                    .append(esc(name))
                                    .append("</td><td>")
                                    .append(s.questions())
                                    .append("</td><td>")
                                    .append(s.solved())
                                    .append("</td><td>")
                                    .append(s.unsolved())
                                    .append("</td><td>")
                                    .append(s.failed())
                                    .append("</td><td>")
                                    .append(s.withGold())
                                    .append("</td><td>")
                                    .append(a == null ? "—" : pct(a.value()))
                                    .append("</td><td>")
                                    .append(
                                            a == null
                                                    ? "—"
                                                    : "["
                                                            + pct(a.low())
                                                            + ", "
                                                            + pct(a.high())
                                                            + "]")
                                    .append("</td></tr>");
                        });
        b.append("</tbody></table>");
        if (report.strategies().values().stream().allMatch(s -> s.accuracy() == null)) {
            b.append(
                    "<p id=\"no-gold\">No result carries a gold answer (a labeling run), so there"
                            + " is no accuracy.</p>");
        }
        b.append("</section>\n");
    }

    private void accuracy(StringBuilder b, Map<String, Object> charts) {
        List<Map<String, Object>> values = new ArrayList<>();
        report.strategies()
                .forEach(
                        (name, s) -> {
                            if (s.accuracy() != null) {
                                values.add(accuracyRow(name, null, s.accuracy()));
                            }
                        });
        b.append("<section id=\"accuracy\"><h2>Accuracy per strategy</h2>")
                .append("<p>Bars: accuracy over questions with a gold answer (unsolved and failed")
                .append(" count as wrong); whiskers: Wilson interval.</p>");
        chart(b, charts, "chart-accuracy", Charts.accuracy(values, null));
        if (report.pairs() != null) {
            b.append("<h3>Paired comparisons</h3><table id=\"comparisons\"><thead><tr>")
                    .append(
                            "<th>A − B</th><th>n</th><th>both right</th><th>only A</th>"
                                    + "<th>only B</th><th>neither</th><th>difference</th>"
                                    + "<th>bootstrap interval</th><th>McNemar p</th>"
                                    + "</tr></thead><tbody>");
            for (PairedComparison p : report.pairs()) {
                b.append("<tr><td>")
                        .append(esc(p.a() + " − " + p.b()))
                        .append("</td><td>")
                        .append(p.n())
                        .append("</td><td>")
                        .append(p.bothCorrect())
                        .append("</td><td>")
                        .append(p.onlyA())
                        .append("</td><td>")
                        .append(p.onlyB())
                        .append("</td><td>")
                        .append(p.neither())
                        .append("</td><td>")
                        .append(signedPct(p.difference()))
                        .append("</td><td>[")
                        .append(signedPct(p.differenceLow()))
                        .append(", ")
                        .append(signedPct(p.differenceHigh()))
                        .append("]</td><td>")
                        .append(String.format(Locale.ROOT, "%.4g", p.mcnemarP()))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</section>\n");
    }

    private void slices(StringBuilder b, Map<String, Object> charts) {
        Map<String, List<Map<String, Object>>> byField = new LinkedHashMap<>();
        report.strategies()
                .forEach(
                        (name, s) -> {
                            if (s.slices() == null) {
                                return;
                            }
                            s.slices()
                                    .forEach(
                                            (field, values) ->
                                                    values.forEach(
                                                            (value, a) ->
                                                                    byField.computeIfAbsent(
                                                                                    field,
                                                                                    f ->
                                                                                            new ArrayList<>())
                                                                            .add(
                                                                                    accuracyRow(
                                                                                            name,
                                                                                            value,
                                                                                            a))));
                        });
        if (byField.isEmpty()) {
            return;
        }
        b.append("<section id=\"slices\"><h2>Accuracy per slice</h2>");
        int i = 0;
        for (Map.Entry<String, List<Map<String, Object>>> e : byField.entrySet()) {
            b.append("<h3>").append(esc(e.getKey())).append("</h3>");
            chart(b, charts, "chart-slice-" + i++, Charts.accuracy(e.getValue(), e.getKey()));
        }
        b.append("</section>\n");
    }

    private static Map<String, Object> accuracyRow(String strategy, String value, Accuracy a) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("strategy", strategy);
        if (value != null) {
            row.put("value", value);
        }
        row.put("accuracy", a.value());
        row.put("low", a.low());
        row.put("high", a.high());
        row.put("n", a.n());
        row.put("correct", a.correct());
        return row;
    }

    private void verifier(StringBuilder b, Map<String, Object> charts) {
        List<Map<String, Object>> values = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        report.strategies()
                .forEach(
                        (name, s) -> {
                            EvalReport.VerifierReport v = s.verifier();
                            if (v == null) {
                                return;
                            }
                            v.classes()
                                    .forEach(
                                            (cls, n) ->
                                                    values.add(
                                                            Map.of(
                                                                    "strategy",
                                                                    name,
                                                                    "class",
                                                                    cls,
                                                                    "attempts",
                                                                    n)));
                            table.append("<tr><td>")
                                    .append(esc(name))
                                    .append("</td><td>")
                                    .append(v.judged())
                                    .append("</td><td>")
                                    .append(pct(v.acceptanceRate()))
                                    .append("</td><td>")
                                    .append(v.steps())
                                    .append("</td><td>")
                                    .append(v.regenerations())
                                    .append("</td><td>")
                                    .append(num(v.regenerationsPerStep()))
                                    .append("</td><td>")
                                    .append(v.questionsWithFeedback())
                                    .append("</td><td>")
                                    .append(accuracyCell(v.accuracyWithFeedback()))
                                    .append("</td><td>")
                                    .append(accuracyCell(v.accuracyWithoutFeedback()))
                                    .append("</td></tr>");
                        });
        if (table.isEmpty()) {
            return;
        }
        b.append("<section id=\"verifier\"><h2>Verifier</h2>");
        chart(b, charts, "chart-verifier-classes", Charts.verifierClasses(values));
        b.append(
                        "<table><thead><tr><th>strategy</th><th>judged</th><th>accepted</th>"
                                + "<th>steps</th><th>regenerations</th><th>per step</th>"
                                + "<th>questions with feedback</th><th>accuracy with feedback</th>"
                                + "<th>accuracy without</th></tr></thead><tbody>")
                .append(table)
                .append("</tbody></table></section>\n");
    }

    private void calls(StringBuilder b, Map<String, Object> charts) {
        List<Map<String, Object>> values = new ArrayList<>();
        inReportOrder(callsPerQuestion)
                .forEach(
                        (strategy, counts) ->
                                counts.forEach(
                                        (calls, questions) ->
                                                values.add(
                                                        Map.of(
                                                                "strategy",
                                                                strategy,
                                                                "calls",
                                                                calls,
                                                                "questions",
                                                                questions))));
        b.append("<section id=\"calls\"><h2>Model calls per question</h2>");
        chart(b, charts, "chart-calls", Charts.callsPerQuestion(values));
        b.append("</section>\n");
    }

    private void cost(StringBuilder b, Map<String, Object> charts) {
        List<Map<String, Object>> tokens = new ArrayList<>();
        List<Map<String, Object>> costs = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        report.strategies()
                .forEach(
                        (name, s) -> {
                            Map<String, RoleCost> roles = new LinkedHashMap<>(s.cost().roles());
                            roles.forEach(
                                    (role, c) -> {
                                        tokens.add(
                                                tokenRow(name, role, "prompt", c.promptTokens()));
                                        tokens.add(
                                                tokenRow(
                                                        name,
                                                        role,
                                                        "completion",
                                                        c.completionTokens()));
                                        if (c.estimatedCost() != null) {
                                            costs.add(
                                                    Map.of(
                                                            "strategy",
                                                            name,
                                                            "role",
                                                            role,
                                                            "cost",
                                                            c.estimatedCost()));
                                        }
                                    });
                            roles.put("all roles", s.cost().total());
                            roles.forEach(
                                    (role, c) ->
                                            table.append("<tr><td>")
                                                    .append(esc(name))
                                                    .append("</td><td>")
                                                    .append(esc(role))
                                                    .append("</td><td>")
                                                    .append(c.calls())
                                                    .append("</td><td>")
                                                    .append(c.promptTokens())
                                                    .append("</td><td>")
                                                    .append(c.completionTokens())
                                                    .append("</td><td>")
                                                    .append(c.cachedTokens())
                                                    .append("</td><td>")
                                                    .append(num(c.perQuestion().calls()))
                                                    .append("</td><td>")
                                                    .append(
                                                            num(
                                                                    c.perQuestion().promptTokens()
                                                                            + c.perQuestion()
                                                                                    .completionTokens()))
                                                    .append("</td><td>")
                                                    .append(
                                                            c.perCorrect() == null
                                                                    ? "—"
                                                                    : num(
                                                                            c.perCorrect()
                                                                                            .promptTokens()
                                                                                    + c.perCorrect()
                                                                                            .completionTokens()))
                                                    .append("</td><td>")
                                                    .append(
                                                            c.estimatedCost() == null
                                                                    ? "—"
                                                                    : String.format(
                                                                            Locale.ROOT,
                                                                            "%.4f",
                                                                            c.estimatedCost()))
                                                    .append("</td></tr>"));
                        });
        b.append("<section id=\"cost\"><h2>Tokens and cost per role</h2>");
        chart(b, charts, "chart-tokens", Charts.tokensPerRole(tokens));
        if (!costs.isEmpty()) {
            chart(b, charts, "chart-cost", Charts.costPerRole(costs));
        }
        b.append(
                        "<table><thead><tr><th>strategy</th><th>role</th><th>calls</th>"
                                + "<th>prompt tokens</th><th>completion tokens</th>"
                                + "<th>cached tokens</th><th>calls / question</th>"
                                + "<th>tokens / question</th><th>tokens / correct</th>"
                                + "<th>estimated cost</th></tr></thead><tbody>")
                .append(table)
                .append("</tbody></table></section>\n");
    }

    private static Map<String, Object> tokenRow(
            String strategy, String role, String kind, long tokens) {
        return Map.of("strategy", strategy, "role", role, "kind", kind, "tokens", tokens);
    }

    /**
     * Questions finished per second over the run, per strategy, from the results' {@code
     * finishedAt}; left out when no result carries one (results of older versions).
     */
    private void throughput(StringBuilder b, Map<String, Object> charts) {
        long start = Long.MAX_VALUE;
        for (List<Long> times : finishTimes.values()) {
            for (long t : times) {
                start = Math.min(start, t);
            }
        }
        if (start == Long.MAX_VALUE) {
            return;
        }
        long first = start;
        List<Map<String, Object>> values = new ArrayList<>();
        inReportOrder(finishTimes)
                .forEach(
                        (strategy, times) -> {
                            Map<Long, Long> perSecond = new TreeMap<>();
                            for (long t : times) {
                                perSecond.merge((t - first) / 1000, 1L, Long::sum);
                            }
                            perSecond.forEach(
                                    (second, count) ->
                                            values.add(
                                                    Map.of(
                                                            "strategy",
                                                            strategy,
                                                            "second",
                                                            second,
                                                            "questions",
                                                            count)));
                        });
        b.append("<section id=\"throughput\"><h2>Throughput over the run</h2>")
                .append("<p>Questions finished per second since the first one ended (from each")
                .append(" result's <code>finishedAt</code>).</p>");
        chart(b, charts, "chart-throughput", Charts.throughput(values));
        b.append("</section>");
    }

    private void latency(StringBuilder b, Map<String, Object> charts) {
        long max = 0;
        for (List<Long> l : latencies.values()) {
            for (long v : l) {
                max = Math.max(max, v);
            }
        }
        double width = Math.max(1.0, Math.ceil((max + 1) / (double) LATENCY_BINS));
        List<Map<String, Object>> values = new ArrayList<>();
        inReportOrder(latencies)
                .forEach(
                        (strategy, list) -> {
                            long[] bins = new long[LATENCY_BINS];
                            for (long v : list) {
                                bins[(int) Math.min(LATENCY_BINS - 1, v / width)]++;
                            }
                            for (int i = 0; i < LATENCY_BINS; i++) {
                                if (bins[i] > 0) {
                                    values.add(
                                            Map.of(
                                                    "strategy",
                                                    strategy,
                                                    "from",
                                                    i * width,
                                                    "to",
                                                    (i + 1) * width,
                                                    "questions",
                                                    bins[i]));
                                }
                            }
                        });
        b.append("<section id=\"latency\"><h2>Question latency</h2>");
        chart(b, charts, "chart-latency", Charts.latency(values));
        b.append(
                "<table><thead><tr><th>strategy</th><th>p50 ms</th><th>p95 ms</th>"
                        + "<th>p99 ms</th><th>mean ms</th><th>max ms</th></tr></thead><tbody>");
        report.strategies()
                .forEach(
                        (name, s) -> {
                            EvalReport.Percentiles p = s.latency().question();
                            b.append("<tr><td>")
                                    .append(esc(name))
                                    .append("</td><td>")
                                    .append(num(p.p50()))
                                    .append("</td><td>")
                                    .append(num(p.p95()))
                                    .append("</td><td>")
                                    .append(num(p.p99()))
                                    .append("</td><td>")
                                    .append(num(p.mean()))
                                    .append("</td><td>")
                                    .append(num(p.max()))
                                    .append("</td></tr>");
                        });
        b.append("</tbody></table></section>\n");
    }

    /** The same strategy order (and so the same colours) in every chart. */
    private <V> Map<String, V> inReportOrder(Map<String, V> byStrategy) {
        Map<String, V> ordered = new LinkedHashMap<>();
        for (String strategy : report.strategies().keySet()) {
            if (byStrategy.containsKey(strategy)) {
                ordered.put(strategy, byStrategy.get(strategy));
            }
        }
        byStrategy.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private void drillDown(StringBuilder b) {
        b.append("<section id=\"questions\"><h2>Questions</h2>");
        if (questionsLeftOut > 0) {
            b.append("<p>The first ")
                    .append(MAX_DRILL_DOWN_QUESTIONS)
                    .append(" questions are shown; ")
                    .append(questionsLeftOut)
                    .append(" more results are counted above but not listed.</p>");
        }
        byQuestion.forEach(
                (id, strategies) -> {
                    b.append("<details class=\"question\"><summary>").append(esc(id));
                    strategies.forEach(
                            (name, r) ->
                                    b.append(" <span class=\"tag ")
                                            .append(outcomeClass(r))
                                            .append("\">")
                                            .append(esc(name))
                                            .append(": ")
                                            .append(outcomeText(r))
                                            .append("</span>"));
                    b.append("</summary>");
                    Result first = strategies.values().iterator().next();
                    if (first.metadata() != null && !first.metadata().isEmpty()) {
                        b.append("<p class=\"meta\">");
                        first.metadata()
                                .forEach(
                                        (k, v) ->
                                                b.append(esc(k))
                                                        .append(" = ")
                                                        .append(esc(v))
                                                        .append("; "));
                        b.append("</p>");
                    }
                    strategies.forEach((name, r) -> trace(b, r));
                    b.append("</details>\n");
                });
        b.append("</section>\n");
    }

    private static void trace(StringBuilder b, Result r) {
        b.append("<div class=\"trace\"><h4>")
                .append(esc(r.strategy()))
                .append("</h4><dl><dt>status</dt><dd>")
                .append(esc(String.valueOf(r.status())))
                .append(r.reason() == null ? "" : " — " + esc(r.reason()))
                .append("</dd><dt>answer</dt><dd>")
                .append(r.answer() == null ? "—" : esc(r.answer()))
                .append("</dd>");
        if (r.gold() != null) {
            b.append("<dt>gold</dt><dd>")
                    .append(esc(r.gold()))
                    .append(Boolean.TRUE.equals(r.correct()) ? " (correct)" : " (wrong)")
                    .append("</dd>");
        }
        if (r.models() != null && !r.models().isEmpty()) {
            b.append("<dt>models</dt><dd>");
            r.models()
                    .forEach((k, v) -> b.append(esc(k)).append(" = ").append(esc(v)).append("; "));
            b.append("</dd>");
        }
        if (r.concepts() != null && !r.concepts().isEmpty()) {
            b.append("<dt>concepts</dt><dd>")
                    .append(esc(String.join("; ", r.concepts())))
                    .append("</dd>");
        }
        if (r.demonstrations() != null) {
            Demonstrations d = r.demonstrations();
            b.append("<dt>demonstrations</dt><dd>");
            if (d.examples().isEmpty()) {
                b.append("none");
            }
            for (Demonstration example : d.examples()) {
                b.append("<span class=\"demonstration\" title=\"")
                        .append(esc(example.question()))
                        .append("\">")
                        .append(esc(example.id()))
                        .append(
                                example.score() == null
                                        ? ""
                                        : String.format(Locale.ROOT, " (%.2f)", example.score()))
                        .append("</span>; ");
            }
            if (d.skipped() > 0) {
                b.append(d.skipped()).append(" skipped as copies of the question");
            }
            b.append("</dd>");
        }
        b.append("<dt>latency</dt><dd>").append(r.latencyMs()).append(" ms</dd></dl>");
        if (r.steps() != null && !r.steps().isEmpty()) {
            b.append(
                    "<table class=\"steps\"><thead><tr><th>step</th><th>attempt</th>"
                            + "<th>subquestion</th><th>answer</th><th>verdict</th>"
                            + "<th>explanation</th><th>outcome</th></tr></thead><tbody>");
            for (Step s : r.steps()) {
                b.append(s.accepted() ? "<tr class=\"accepted\">" : "<tr class=\"rejected\">")
                        .append("<td>")
                        .append(s.index())
                        .append("</td><td>")
                        .append(s.attempts())
                        .append(s.attempts() > 1 ? " (regenerated)" : "")
                        .append("</td><td>")
                        .append(esc(s.subquestion()))
                        .append("</td><td>")
                        .append(esc(s.answer()));
                if (s.raw() != null) {
                    b.append("<pre class=\"raw\">").append(esc(s.raw())).append("</pre>");
                }
                b.append("</td><td>")
                        .append(
                                s.verdict() == null || s.verdict().verifierClass() == null
                                        ? "—"
                                        : esc(s.verdict().verifierClass().wireName()))
                        .append("</td><td>")
                        .append(s.verdict() == null ? "" : esc(s.verdict().explanation()))
                        .append("</td><td>")
                        .append(s.accepted() ? "accepted" : "rejected")
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</div>");
    }

    private static String outcomeClass(Result r) {
        if (r.correct() != null) {
            return r.correct() ? "right" : "wrong";
        }
        return r.status() == null ? "" : r.status().name().toLowerCase(Locale.ROOT);
    }

    private static String outcomeText(Result r) {
        String status = String.valueOf(r.status());
        if (r.correct() == null) {
            return esc(status);
        }
        return esc(status) + (r.correct() ? " ✓" : " ✗");
    }

    private static void chart(
            StringBuilder b, Map<String, Object> charts, String id, Map<String, Object> spec) {
        charts.put(id, spec);
        b.append("<div class=\"chart\" id=\"").append(id).append("\"></div>");
    }

    private String page(String body, Map<String, Object> charts) {
        StringBuilder p = new StringBuilder(2_000_000);
        p.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                // Defence in depth: even a bug in a library cannot make the page load anything.
                .append(
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
                                + " 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src"
                                + " 'unsafe-inline'; img-src data:; font-src data:\">\n")
                .append("<title>")
                .append(report.simulated() ? "[SIMULATED] " : "")
                .append("Triad report</title>\n<style>")
                .append(resource("report.css"))
                .append("</style>\n</head><body>\n")
                .append(body)
                .append("<script type=\"application/json\" id=\"triad-report\">")
                .append(scriptJson(report))
                .append("</script>\n<script type=\"application/json\" id=\"triad-charts\">")
                .append(scriptJson(charts))
                .append("</script>\n");
        for (String webjar : WEBJARS) {
            p.append("<script>").append(webjarScript(webjar)).append("</script>\n");
        }
        p.append("<script>").append(resource("report.js")).append("</script>\n</body></html>\n");
        return p.toString();
    }

    /**
     * JSON that is safe inside a script element: {@code <}, {@code >} and {@code &} (only found
     * inside strings in JSON) become unicode escapes, so neither {@code </script} nor {@code <!--}
     * can occur.
     */
    static String scriptJson(Object value) {
        try {
            return Json.mapper()
                    .writeValueAsString(value)
                    .replace("<", "\\u003c")
                    .replace(">", "\\u003e")
                    .replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write the report's data as JSON", e);
        }
    }

    /** A WebJar's minified script, e.g. {@code vega-lite/5.23.0/vega-lite.min.js}. */
    static String webjarScript(String name) {
        String version = webjarVersion(name);
        String script = classpathText(WEBJAR_ROOT + name + "/" + version + "/" + name + ".min.js");
        String lower = script.toLowerCase(Locale.ROOT);
        if (lower.contains("</script") || lower.contains("<!--")) {
            // Inlined as is, either would end or confuse the script element.
            throw new IllegalStateException(
                    "The " + name + " " + version + " WebJar's script cannot be inlined safely");
        }
        return script;
    }

    static String webjarVersion(String name) {
        Properties props = new Properties();
        String path = "META-INF/maven/org.webjars/" + name + "/pom.properties";
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The " + name + " WebJar is not on the classpath (" + path + ")");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("version");
    }

    private static String resource(String name) {
        return classpathText("dev/triad/jobs/report/" + name);
    }

    private static String classpathText(String path) {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String accuracyCell(Accuracy a) {
        return a == null
                ? "—"
                : pct(a.value()) + " [" + pct(a.low()) + ", " + pct(a.high()) + "] n=" + a.n();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private static String signedPct(double v) {
        return String.format(Locale.ROOT, "%+.1f pp", v * 100);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** How the questions used one demonstration pool (file and content): the provenance line. */
    private static final class PoolUse {
        final Set<String> questions = new HashSet<>();
        long examples;
        long skipped;

        /** Counts a question's retrieval once, whichever of its strategies' results carry it. */
        void add(String questionId, Demonstrations d) {
            if (questions.add(questionId)) {
                examples += d.examples().size();
                skipped += d.skipped();
            }
        }
    }
}
