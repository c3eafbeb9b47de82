package dev.triad.jobs.eval;

import dev.triad.cost.PriceTable;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.EvalReport.CostReport;
import dev.triad.jobs.eval.EvalReport.LatencyReport;
import dev.triad.jobs.eval.EvalReport.Percentiles;
import dev.triad.jobs.eval.EvalReport.Rate;
import dev.triad.jobs.eval.EvalReport.RoleCost;
import dev.triad.jobs.eval.EvalReport.RoleLatency;
import dev.triad.jobs.eval.EvalReport.StrategyReport;
import dev.triad.jobs.eval.EvalReport.VerifierReport;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import dev.triad.schemas.VerifierClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes an {@link EvalReport} from results read back: accuracy with Wilson intervals per
 * strategy and per slice, paired comparisons, verifier statistics, cost and latency.
 *
 * <p>Accuracy counts only results with a gold answer; unsolved and failed results count as wrong.
 * Without any gold answer (a labeling run) the accuracy parts are left out, not reported as zero.
 */
public final class Evaluation {

    /**
     * Default slices are the metadata fields with at least 2 and at most this many distinct values
     * among the results with a gold answer (MATH subject and level, SVAMP type), and fewer values
     * than questions (so ids and free text are not sliced).
     */
    public static final int MAX_DEFAULT_SLICE_VALUES = 20;

    /** The pair compared by default when both strategies are present: {@code lm2 - cot}. */
    public static final List<String> DEFAULT_PAIR = List.of("lm2", "cot");

    private static final List<String> ROLE_ORDER = List.of("decomposer", "solver", "verifier");

    private final List<String> sliceFields;
    private final List<List<String>> pairs;
    private final PriceTable prices;
    private final PairedComparison.Bootstrap bootstrap;

    /**
     * @param sliceFields metadata fields to slice by; empty for the default ones
     * @param pairs strategy pairs {@code [A, B]} to compare ({@code A - B}); empty for {@code lm2,
     *     cot} when both exist
     * @param prices the price table, or {@code null} for no estimated cost
     * @param bootstrap resamples, seed and confidence level
     */
    public Evaluation(
            List<String> sliceFields,
            List<List<String>> pairs,
            PriceTable prices,
            PairedComparison.Bootstrap bootstrap) {
        this.sliceFields = List.copyOf(sliceFields);
        this.pairs = List.copyOf(pairs);
        this.prices = prices;
        this.bootstrap = bootstrap;
    }

    /**
     * Evaluates the results.
     *
     * @throws UsageException when a {@code --slice} field or a {@code --pair} strategy does not
     *     occur in the results
     */
    public EvalReport evaluate(ResultFiles results) throws UsageException {
        Map<String, Map<String, QuestionOutcome>> byStrategy = results.byStrategy();
        List<String> fields = sliceFields(byStrategy);
        List<List<String>> chosenPairs = pairs(byStrategy);

        Map<String, StrategyReport> strategies = new LinkedHashMap<>();
        byStrategy.forEach(
                (name, outcomes) -> strategies.put(name, strategy(outcomes.values(), fields)));

        List<PairedComparison> comparisons = new ArrayList<>();
        for (List<String> pair : chosenPairs) {
            PairedComparison comparison =
                    PairedComparison.of(
                            pair.get(0),
                            byStrategy.get(pair.get(0)),
                            pair.get(1),
                            byStrategy.get(pair.get(1)),
                            bootstrap);
            if (comparison != null) {
                comparisons.add(comparison);
            }
        }
        return new EvalReport(
                results.simulated(),
                SimulatedNotice.of(results.simulated()),
                results.files().stream().map(Path::toString).toList(),
                results.results(),
                results.provenance(),
                bootstrap,
                strategies,
                comparisons.isEmpty() ? null : comparisons);
    }

    private List<String> sliceFields(Map<String, Map<String, QuestionOutcome>> byStrategy)
            throws UsageException {
        Map<String, Set<String>> values = new TreeMap<>();
        Set<String> goldIds = new HashSet<>();
        Set<String> allFields = new TreeSet<>();
        for (Map<String, QuestionOutcome> outcomes : byStrategy.values()) {
            for (QuestionOutcome o : outcomes.values()) {
                allFields.addAll(o.metadata().keySet());
                if (!o.hasGold()) {
                    continue;
                }
                goldIds.add(o.id());
                o.metadata()
                        .forEach((k, v) -> values.computeIfAbsent(k, f -> new HashSet<>()).add(v));
            }
        }
        if (!sliceFields.isEmpty()) {
            for (String field : sliceFields) {
                if (!allFields.contains(field)) {
                    throw new UsageException(
                            "--slice "
                                    + field
                                    + ": no result has a metadata field '"
                                    + field
                                    + "'. Fields present: "
                                    + (allFields.isEmpty() ? "none" : String.join(", ", allFields))
                                    + ".");
                }
            }
            return sliceFields;
        }
        List<String> fields = new ArrayList<>();
        values.forEach(
                (field, distinct) -> {
                    int count = distinct.size();
                    if (count >= 2 && count <= MAX_DEFAULT_SLICE_VALUES && count < goldIds.size()) {
                        fields.add(field);
                    }
                });
        return fields;
    }

    private List<List<String>> pairs(Map<String, Map<String, QuestionOutcome>> byStrategy)
            throws UsageException {
        if (pairs.isEmpty()) {
            return byStrategy.keySet().containsAll(DEFAULT_PAIR)
                    ? List.of(DEFAULT_PAIR)
                    : List.of();
        }
        for (List<String> pair : pairs) {
            for (String strategy : pair) {
                if (!byStrategy.containsKey(strategy)) {
                    throw new UsageException(
                            "--pair "
                                    + String.join(",", pair)
                                    + ": no results for strategy '"
                                    + strategy
                                    + "'. Strategies present: "
                                    + String.join(", ", byStrategy.keySet())
                                    + ".");
                }
            }
        }
        return pairs;
    }

    private StrategyReport strategy(Iterable<QuestionOutcome> outcomes, List<String> fields) {
        long questions = 0;
        Map<Status, Long> statuses = new EnumMap<>(Status.class);
        long withGold = 0;
        long correct = 0;
        Map<String, Map<String, long[]>> slices = new LinkedHashMap<>();
        for (String field : fields) {
            slices.put(field, new HashMap<>());
        }
        for (QuestionOutcome o : outcomes) {
            questions++;
            statuses.merge(o.status(), 1L, Long::sum);
            if (!o.hasGold()) {
                continue;
            }
            withGold++;
            correct += o.correct() ? 1 : 0;
            for (String field : fields) {
                String value = o.metadata().getOrDefault(field, "(none)");
                long[] counts = slices.get(field).computeIfAbsent(value, v -> new long[2]);
                counts[0]++;
                counts[1] += o.correct() ? 1 : 0;
            }
        }
        double confidence = bootstrap.confidence();
        Map<String, Map<String, Accuracy>> sliceReport = null;
        if (withGold > 0 && !fields.isEmpty()) {
            sliceReport = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, long[]>> e : slices.entrySet()) {
                Map<String, Accuracy> byValue = new LinkedHashMap<>();
                for (String value : sortedValues(e.getValue().keySet())) {
                    long[] counts = e.getValue().get(value);
                    byValue.put(value, Accuracy.of(counts[1], counts[0], confidence));
                }
                sliceReport.put(e.getKey(), byValue);
            }
        }
        return new StrategyReport(
                questions,
                statuses.getOrDefault(Status.SOLVED, 0L),
                statuses.getOrDefault(Status.UNSOLVED, 0L),
                statuses.getOrDefault(Status.FAILED, 0L),
                withGold,
                withGold > 0 ? Accuracy.of(correct, withGold, confidence) : null,
                sliceReport,
                verifier(outcomes),
                cost(outcomes, questions, withGold > 0 ? correct : 0),
                latency(outcomes));
    }

    /** Numeric order when every value is a number (levels, step counts), else text order. */
    public static List<String> sortedValues(Set<String> values) {
        boolean numeric = values.stream().allMatch(Evaluation::isNumber);
        Comparator<String> order =
                numeric
                        ? Comparator.comparingDouble(Double::parseDouble)
                        : Comparator.naturalOrder();
        return values.stream().sorted(order).toList();
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private VerifierReport verifier(Iterable<QuestionOutcome> outcomes) {
        long judged = 0;
        long accepted = 0;
        Map<VerifierClass, Long> classes = new EnumMap<>(VerifierClass.class);
        long steps = 0;
        long regenerations = 0;
        Map<Integer, Long> stepsByRegenerations = new TreeMap<>();
        long withFeedback = 0;
        long withoutFeedback = 0;
        long[] goldFeedback = new long[2];
        long[] goldNoFeedback = new long[2];
        for (QuestionOutcome o : outcomes) {
            QuestionOutcome.VerifierTrace trace = o.verifier();
            judged += trace.judged();
            accepted += trace.accepted();
            trace.classes().forEach((c, n) -> classes.merge(c, n, Long::sum));
            for (int r : trace.regenerationsPerStep()) {
                steps++;
                regenerations += r;
                stepsByRegenerations.merge(r, 1L, Long::sum);
            }
            if (trace.feedback()) {
                withFeedback++;
            } else {
                withoutFeedback++;
            }
            if (o.hasGold()) {
                long[] counts = trace.feedback() ? goldFeedback : goldNoFeedback;
                counts[0]++;
                counts[1] += o.correct() ? 1 : 0;
            }
        }
        if (judged == 0) {
            return null;
        }
        Map<String, Long> classNames = new LinkedHashMap<>();
        classes.forEach((c, n) -> classNames.put(c.wireName(), n));
        Map<String, Long> byRegenerations = new LinkedHashMap<>();
        stepsByRegenerations.forEach((r, n) -> byRegenerations.put(Integer.toString(r), n));
        double confidence = bootstrap.confidence();
        return new VerifierReport(
                judged,
                accepted,
                (double) accepted / judged,
                classNames,
                steps,
                regenerations,
                steps == 0 ? 0 : (double) regenerations / steps,
                byRegenerations,
                withFeedback,
                withoutFeedback,
                goldFeedback[0] > 0
                        ? Accuracy.of(goldFeedback[1], goldFeedback[0], confidence)
                        : null,
                goldNoFeedback[0] > 0
                        ? Accuracy.of(goldNoFeedback[1], goldNoFeedback[0], confidence)
                        : null);
    }

    private CostReport cost(Iterable<QuestionOutcome> outcomes, long questions, long correct) {
        // With --prices every result is priced by the table; without it, by the costs the run
        // recorded (a run given a price table), if any.
        boolean priced = prices != null;
        for (QuestionOutcome o : outcomes) {
            for (RoleUsage u : o.usage().values()) {
                priced |= u.cost() != null;
            }
        }
        Map<String, long[]> usage = new TreeMap<>();
        Map<String, Double> cost = new HashMap<>();
        Set<String> unpriced = new HashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        for (QuestionOutcome o : outcomes) {
            for (Map.Entry<String, RoleUsage> e : o.usage().entrySet()) {
                String role = e.getKey();
                RoleUsage u = e.getValue();
                long[] sums = usage.computeIfAbsent(role, r -> new long[4]);
                sums[0] += u.calls();
                sums[1] += u.promptTokens();
                sums[2] += u.completionTokens();
                sums[3] += u.cachedTokens();
                if (!priced) {
                    continue;
                }
                String binding = o.models().get(role);
                Double roleCost = roleCost(role, binding, u);
                if (roleCost == null) {
                    if (u.calls() > 0 || u.promptTokens() > 0 || u.completionTokens() > 0) {
                        unpriced.add(role);
                        missing.add(binding == null ? role : role + " (" + binding + ")");
                    }
                } else {
                    cost.merge(role, roleCost, Double::sum);
                }
            }
        }
        Map<String, RoleCost> roles = new LinkedHashMap<>();
        long[] total = new long[4];
        double totalCost = 0;
        for (String role : rolesInOrder(usage.keySet())) {
            long[] sums = usage.get(role);
            for (int i = 0; i < 4; i++) {
                total[i] += sums[i];
            }
            Double roleCost =
                    !priced || unpriced.contains(role) ? null : cost.getOrDefault(role, 0.0);
            if (roleCost != null) {
                totalCost += roleCost;
            }
            roles.put(role, roleCost(sums, roleCost, questions, correct));
        }
        Double allCost = !priced || !unpriced.isEmpty() ? null : totalCost;
        return new CostReport(
                roles,
                roleCost(total, allCost, questions, correct),
                missing.isEmpty() ? null : List.copyOf(missing));
    }

    /** The table's price for the usage, else the cost the run recorded, else {@code null}. */
    private Double roleCost(String role, String binding, RoleUsage usage) {
        if (prices == null) {
            return usage.cost();
        }
        PriceTable.Price price = prices.priceFor(role, binding);
        return price == null ? null : price.cost(usage);
    }

    private static RoleCost roleCost(long[] sums, Double cost, long questions, long correct) {
        return new RoleCost(
                sums[0],
                sums[1],
                sums[2],
                sums[3],
                rate(sums, cost, questions),
                correct > 0 ? rate(sums, cost, correct) : null,
                cost);
    }

    private static Rate rate(long[] sums, Double cost, long per) {
        if (per == 0) {
            return null;
        }
        double n = per;
        return new Rate(sums[0] / n, sums[1] / n, sums[2] / n, cost == null ? null : cost / n);
    }

    private static List<String> rolesInOrder(Set<String> roles) {
        List<String> ordered = new ArrayList<>();
        for (String role : ROLE_ORDER) {
            if (roles.contains(role)) {
                ordered.add(role);
            }
        }
        for (String role : roles) {
            if (!ordered.contains(role)) {
                ordered.add(role);
            }
        }
        return ordered;
    }

    private static LatencyReport latency(Iterable<QuestionOutcome> outcomes) {
        List<Double> questionLatency = new ArrayList<>();
        Map<String, List<Double>> roleTime = new TreeMap<>();
        Map<String, long[]> roleCalls = new TreeMap<>();
        for (QuestionOutcome o : outcomes) {
            questionLatency.add((double) o.latencyMs());
            o.usage()
                    .forEach(
                            (role, u) -> {
                                if (u.calls() == 0) {
                                    return;
                                }
                                roleTime.computeIfAbsent(role, r -> new ArrayList<>())
                                        .add((double) u.latencyMs());
                                long[] sums = roleCalls.computeIfAbsent(role, r -> new long[2]);
                                sums[0] += u.calls();
                                sums[1] += u.latencyMs();
                            });
        }
        Map<String, RoleLatency> roles = new LinkedHashMap<>();
        for (String role : rolesInOrder(roleCalls.keySet())) {
            long[] sums = roleCalls.get(role);
            roles.put(
                    role,
                    new RoleLatency(
                            sums[0], (double) sums[1] / sums[0], percentiles(roleTime.get(role))));
        }
        return new LatencyReport(percentiles(questionLatency), roles);
    }

    private static Percentiles percentiles(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        double[] p = EvalStatistics.nearestRank(array, 50, 95, 99);
        double sum = 0;
        double max = array.length == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
        for (double v : array) {
            sum += v;
            max = Math.max(max, v);
        }
        return new Percentiles(
                array.length,
                p[0],
                p[1],
                p[2],
                array.length == 0 ? Double.NaN : sum / array.length,
                max);
    }
}
