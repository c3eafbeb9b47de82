package dev.triad.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Grafana dashboard's PromQL asks of the metrics: the metric names its queries select and,
 * for each, the label names they rely on (label matchers, {@code by (...)} / {@code without (...)}
 * lists of the aggregation around it, {@code on}/{@code ignoring}/{@code group_left} lists, {@code
 * {{label}}} in the legend, and the label of a {@code label_values(...)} variable query); and what
 * a Prometheus text exposition really has (metric name → label names). {@link #problems} compares
 * the two.
 *
 * <p>A small extractor for the PromQL subset a dashboard uses, not a PromQL parser: identifiers
 * followed by {@code (} are functions or aggregations, known keywords are skipped, {@code [...]}
 * ranges (with their {@code $__rate_interval}) and string literals are skipped, every other
 * identifier is a metric name. A selector without a name ({@code {__name__="x"}}) is not supported
 * and reported as a problem.
 */
final class DashboardQueries {

    /** One query of the dashboard: where it is (panel title / variable), its PromQL, its legend. */
    record Query(String where, String expr, String legend) {}

    /** A metric name a query selects and the label names the query needs on it. */
    record Use(String where, String metric, Set<String> labels) {}

    private static final Set<String> AGGREGATIONS =
            Set.of(
                    "sum",
                    "avg",
                    "min",
                    "max",
                    "count",
                    "group",
                    "stddev",
                    "stdvar",
                    "topk",
                    "bottomk",
                    "quantile",
                    "count_values",
                    "limitk",
                    "limit_ratio");

    private static final Set<String> LABEL_LIST_KEYWORDS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private static final Set<String> KEYWORDS =
            Set.of(
                    "and",
                    "or",
                    "unless",
                    "bool",
                    "offset",
                    "inf",
                    "nan",
                    "atan2",
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right");

    private static final Pattern TOKEN =
            Pattern.compile(
                    "\\s+"
                            + "|(?<string>\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)"
                            + "|(?<range>\\[[^\\]]*\\])"
                            + "|(?<variable>\\$\\{[^}]*\\}|\\$\\w+)"
                            + "|(?<number>(?:0x[0-9a-fA-F]+|\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?)"
                            + "(?:[smhdwy]|ms)*)"
                            + "|(?<ident>[A-Za-z_:][A-Za-z0-9_:]*)"
                            + "|(?<op>=~|!~|!=|==|<=|>=|[-+*/%^=<>(){},@])");

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([A-Za-z_]\\w*)\\s*}}");

    private static final Pattern LABEL_VALUES =
            Pattern.compile(
                    "^\\s*label_values\\((.*),\\s*([A-Za-z_]\\w*)\\s*\\)\\s*$", Pattern.DOTALL);

    private static final Pattern SAMPLE =
            Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)\\})?\\s+\\S+(?:\\s+\\S+)?$");

    private static final Pattern LABEL_PAIR =
            Pattern.compile("([A-Za-z_]\\w*)\\s*=\\s*\"(?:[^\"\\\\]|\\\\.)*\"");

    private DashboardQueries() {}

    /**
     * Every query of a dashboard: the {@code expr} of each panel's targets (panels nested in rows
     * too) with its {@code legendFormat}, and the {@code query} of each templating variable of type
     * {@code query}.
     */
    static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        collectPanels(dashboard.path("panels"), queries);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            queries.add(new Query("variable " + variable.path("name").asText(), text, ""));
        }
        return queries;
    }

    private static void collectPanels(JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(
                            new Query(
                                    "panel \"" + panel.path("title").asText() + "\"",
                                    target.path("expr").asText(),
                                    target.path("legendFormat").asText("")));
                }
            }
            collectPanels(panel.path("panels"), queries); // a collapsed row holds its panels
        }
    }

    /** The metric names {@code query} selects, each with the labels the query needs on it. */
    static List<Use> uses(Query query) {
        String expr = query.expr();
        Set<String> variableLabels = new LinkedHashSet<>();
        Matcher labelValues = LABEL_VALUES.matcher(expr);
        if (labelValues.matches()) {
            expr = labelValues.group(1);
            variableLabels.add(labelValues.group(2));
        } else if (expr.strip().startsWith("label_values(")) {
            throw new IllegalArgumentException(
                    query.where()
                            + ": label_values(...) without a metric selector checks nothing: "
                            + expr);
        }
        List<String[]> tokens = tokenize(query.where(), expr);
        Set<String> everywhere = new LinkedHashSet<>(variableLabels);
        Matcher legend = LEGEND_LABEL.matcher(query.legend());
        while (legend.find()) {
            everywhere.add(legend.group(1));
        }
        // First pass: which tokens are metric names (not functions, keywords, label lists or
        // matchers), with the labels their own matchers name.
        Map<Integer, Set<String>> labelsAt = new TreeMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String kind = tokens.get(i)[0];
            String text = tokens.get(i)[1];
            if (kind.equals("op") && text.equals("{")) {
                if (!labelsAt.containsKey(i - 1)) {
                    throw new IllegalArgumentException(
                            query.where()
                                    + ": a selector without a metric name before its '{' is not"
                                    + " supported by this check: "
                                    + query.expr());
                }
                i = matchers(tokens, i, labelsAt.get(i - 1));
            } else if (kind.equals("ident")) {
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1)[1].equals("(");
                if (LABEL_LIST_KEYWORDS.contains(text) && call) {
                    i = closing(tokens, i + 1);
                } else if (!call && !KEYWORDS.contains(text) && !AGGREGATIONS.contains(text)) {
                    labelsAt.put(i, new LinkedHashSet<>());
                }
            }
        }
        // Second pass: label lists, applied to the metrics they are about.
        for (int i = 0; i < tokens.size(); i++) {
            String text = tokens.get(i)[1];
            boolean list =
                    tokens.get(i)[0].equals("ident")
                            && LABEL_LIST_KEYWORDS.contains(text)
                            && i + 1 < tokens.size()
                            && tokens.get(i + 1)[1].equals("(");
            if (!list) {
                continue;
            }
            int close = closing(tokens, i + 1);
            Set<String> names = identifiers(tokens, i + 2, close);
            if (text.equals("by") || text.equals("without")) {
                int[] argument = aggregationArgument(tokens, i);
                for (int j = argument[0]; j < argument[1]; j++) {
                    if (labelsAt.containsKey(j)) {
                        labelsAt.get(j).addAll(names);
                    }
                }
            } else {
                everywhere.addAll(names); // vector matching: both sides need them
            }
            i = close;
        }
        List<Use> uses = new ArrayList<>();
        for (Map.Entry<Integer, Set<String>> e : labelsAt.entrySet()) {
            Set<String> labels = new TreeSet<>(e.getValue());
            labels.addAll(everywhere);
            uses.add(new Use(query.where(), tokens.get(e.getKey())[1], labels));
        }
        return uses;
    }

    /** Reads the matchers after the '{' at {@code open}; returns the index of its '}'. */
    private static int matchers(List<String[]> tokens, int open, Set<String> labels) {
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i)[1].equals("}")) {
            if (tokens.get(i)[0].equals("ident")
                    && i + 1 < tokens.size()
                    && tokens.get(i + 1)[0].equals("op")
                    && Set.of("=", "!=", "=~", "!~").contains(tokens.get(i + 1)[1])) {
                labels.add(tokens.get(i)[1]);
            }
            i++;
        }
        return i;
    }

    /**
     * The token range of the argument of the aggregation a {@code by}/{@code without} clause at
     * {@code clause} belongs to: {@code sum by (x) (ARG)} or {@code sum (ARG) by (x)}.
     */
    private static int[] aggregationArgument(List<String[]> tokens, int clause) {
        if (clause > 0 && AGGREGATIONS.contains(tokens.get(clause - 1)[1])) {
            int listClose = closing(tokens, clause + 1);
            int open = listClose + 1;
            return new int[] {open, closing(tokens, open)};
        }
        // sum (ARG) by (x): the ')' before the clause closes ARG
        int close = clause - 1;
        int depth = 0;
        for (int j = close; j >= 0; j--) {
            String t = tokens.get(j)[1];
            if (t.equals(")")) {
                depth++;
            } else if (t.equals("(") && --depth == 0) {
                return new int[] {j, close};
            }
        }
        throw new IllegalArgumentException("no aggregation argument before token " + clause);
    }

    private static int closing(List<String[]> tokens, int open) {
        int depth = 0;
        for (int j = open; j < tokens.size(); j++) {
            String t = tokens.get(j)[1];
            if (tokens.get(j)[0].equals("op") && t.equals("(")) {
                depth++;
            } else if (tokens.get(j)[0].equals("op") && t.equals(")") && --depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses");
    }

    private static Set<String> identifiers(List<String[]> tokens, int from, int to) {
        Set<String> names = new LinkedHashSet<>();
        for (int j = from; j < to; j++) {
            if (tokens.get(j)[0].equals("ident")) {
                names.add(tokens.get(j)[1]);
            }
        }
        return names;
    }

    private static List<String[]> tokenize(String where, String expr) {
        List<String[]> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(expr);
        int at = 0;
        while (at < expr.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(
                        where + ": cannot read the query at \"" + expr.substring(at) + "\"");
            }
            for (String kind : List.of("string", "range", "variable", "number", "ident", "op")) {
                if (m.group(kind) != null) {
                    if (!kind.equals("range")) {
                        tokens.add(new String[] {kind, m.group(kind)});
                    }
                    break;
                }
            }
            at = m.end();
        }
        return tokens;
    }

    /**
     * Metric name → label names of a Prometheus text exposition (every sample line; {@code #} lines
     * skipped).
     */
    static Map<String, Set<String>> exported(String exposition) {
        Map<String, Set<String>> exported = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches()) {
                continue;
            }
            Set<String> labels = exported.computeIfAbsent(sample.group(1), k -> new TreeSet<>());
            if (sample.group(2) != null) {
                Matcher pair = LABEL_PAIR.matcher(sample.group(2));
                while (pair.find()) {
                    labels.add(pair.group(1));
                }
            }
        }
        return exported;
    }

    /**
     * What the dashboard's queries need that the metrics do not have, one line each: a metric name
     * not exported, or a label name not on it. {@code addedLabels} are labels the scraper adds to
     * every series (Prometheus' target labels); they count as present everywhere.
     */
    static List<String> problems(
            List<Query> queries, Map<String, Set<String>> exported, Set<String> addedLabels) {
        List<String> problems = new ArrayList<>();
        for (Query query : queries) {
            List<Use> uses;
            try {
                uses = uses(query);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                continue;
            }
            if (uses.isEmpty()) {
                problems.add(query.where() + ": no metric name in " + query.expr());
            }
            for (Use use : uses) {
                Set<String> labels = exported.get(use.metric());
                if (labels == null) {
                    problems.add(use.where() + ": metric " + use.metric() + " is not exported");
                    continue;
                }
                for (String label : use.labels()) {
                    if (!labels.contains(label) && !addedLabels.contains(label)) {
                        problems.add(
                                use.where()
                                        + ": metric "
                                        + use.metric()
                                        + " has no label "
                                        + label
                                        + " (it has "
                                        + labels
                                        + ")");
                    }
                }
            }
        }
        return problems;
    }
}
