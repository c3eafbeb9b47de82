package dev.triad.jobs.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's Vega-Lite specifications, built as plain maps with the data inline ({@code
 * data.values}), so rendering loads nothing. No {@code $schema} URL is set: nothing on the page
 * should name an outside address.
 */
final class Charts {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 220;

    private Charts() {}

    /**
     * Accuracy bars with Wilson interval whiskers; per strategy, or per slice value (grouped by
     * strategy) when {@code field} is given.
     */
    static Map<String, Object> accuracy(List<Map<String, Object>> values, String field) {
        Map<String, Object> x =
                field == null
                        ? axis("strategy", "nominal", "strategy")
                        : axis("value", "nominal", field);
        Map<String, Object> y = axis("accuracy", "quantitative", "accuracy");
        y.put("scale", Map.of("domain", List.of(0, 1)));
        y.put("axis", Map.of("format", "%"));
        Map<String, Object> bar = new LinkedHashMap<>();
        bar.put("x", x);
        bar.put("y", y);
        bar.put("color", axis("strategy", "nominal", "strategy"));
        bar.put(
                "tooltip",
                List.of(
                        axis("strategy", "nominal", "strategy"),
                        tooltip("accuracy", ".1%"),
                        tooltip("low", ".1%"),
                        tooltip("high", ".1%"),
                        axis("n", "quantitative", "n"),
                        axis("correct", "quantitative", "correct")));
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("x", x);
        rule.put("y", axis("low", "quantitative", "accuracy"));
        rule.put("y2", Map.of("field", "high"));
        if (field != null) {
            bar.put("xOffset", offset());
            rule.put("xOffset", offset());
        }
        Map<String, Object> spec = base(values);
        spec.put(
                "layer",
                List.of(
                        Map.of("mark", "bar", "encoding", bar),
                        Map.of(
                                "mark",
                                Map.of("type", "rule", "color", "black", "strokeWidth", 2),
                                "encoding",
                                rule)));
        return spec;
    }

    static Map<String, Object> verifierClasses(List<Map<String, Object>> values) {
        return groupedBars(values, "class", "verifier class", "attempts", true);
    }

    static Map<String, Object> callsPerQuestion(List<Map<String, Object>> values) {
        return groupedBars(values, "calls", "model calls in the question", "questions", false);
    }

    static Map<String, Object> costPerRole(List<Map<String, Object>> values) {
        return groupedBars(values, "role", "role", "cost", true);
    }

    /** Prompt and completion tokens stacked per role, one column per strategy. */
    static Map<String, Object> tokensPerRole(List<Map<String, Object>> values) {
        Map<String, Object> spec = base(values);
        spec.put("width", 160);
        spec.put("mark", "bar");
        Map<String, Object> enc = new LinkedHashMap<>();
        enc.put("column", axis("strategy", "nominal", "strategy"));
        enc.put("x", axis("role", "nominal", "role"));
        enc.put("y", axis("tokens", "quantitative", "tokens"));
        enc.put("color", axis("kind", "nominal", "tokens"));
        enc.put(
                "tooltip",
                List.of(
                        axis("strategy", "nominal", "strategy"),
                        axis("role", "nominal", "role"),
                        axis("kind", "nominal", "kind"),
                        axis("tokens", "quantitative", "tokens")));
        spec.put("encoding", enc);
        return spec;
    }

    /**
     * Questions finished per second of the run ({@code second}, {@code questions}), per strategy.
     */
    static Map<String, Object> throughput(List<Map<String, Object>> values) {
        Map<String, Object> spec = base(values);
        spec.put("mark", Map.of("type", "line", "point", true));
        Map<String, Object> enc = new LinkedHashMap<>();
        enc.put("x", axis("second", "quantitative", "seconds since the first question ended"));
        enc.put("y", axis("questions", "quantitative", "questions finished"));
        enc.put("color", axis("strategy", "nominal", "strategy"));
        enc.put(
                "tooltip",
                List.of(
                        axis("strategy", "nominal", "strategy"),
                        axis("second", "quantitative", "second"),
                        axis("questions", "quantitative", "questions")));
        spec.put("encoding", enc);
        return spec;
    }

    /** Question latency as a histogram binned in Java ({@code from}, {@code to}, count). */
    static Map<String, Object> latency(List<Map<String, Object>> values) {
        Map<String, Object> spec = base(values);
        spec.put("mark", Map.of("type", "bar", "opacity", 0.6));
        Map<String, Object> enc = new LinkedHashMap<>();
        Map<String, Object> x = axis("from", "quantitative", "question latency (ms)");
        x.put("bin", Map.of("binned", true));
        enc.put("x", x);
        enc.put("x2", Map.of("field", "to"));
        Map<String, Object> y = axis("questions", "quantitative", "questions");
        y.put("stack", null);
        enc.put("y", y);
        enc.put("color", axis("strategy", "nominal", "strategy"));
        enc.put(
                "tooltip",
                List.of(
                        axis("strategy", "nominal", "strategy"),
                        axis("from", "quantitative", "from ms"),
                        axis("to", "quantitative", "to ms"),
                        axis("questions", "quantitative", "questions")));
        spec.put("encoding", enc);
        return spec;
    }

    private static Map<String, Object> groupedBars(
            List<Map<String, Object>> values,
            String xField,
            String xTitle,
            String yField,
            boolean nominal) {
        Map<String, Object> spec = base(values);
        spec.put("mark", "bar");
        Map<String, Object> enc = new LinkedHashMap<>();
        enc.put("x", axis(xField, nominal ? "nominal" : "ordinal", xTitle));
        enc.put("xOffset", offset());
        enc.put("y", axis(yField, "quantitative", yField));
        enc.put("color", axis("strategy", "nominal", "strategy"));
        enc.put(
                "tooltip",
                List.of(
                        axis("strategy", "nominal", "strategy"),
                        axis(xField, nominal ? "nominal" : "ordinal", xTitle),
                        axis(yField, "quantitative", yField)));
        spec.put("encoding", enc);
        return spec;
    }

    private static Map<String, Object> base(List<Map<String, Object>> values) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("width", WIDTH);
        spec.put("height", HEIGHT);
        spec.put("data", Map.of("values", values));
        return spec;
    }

    private static Map<String, Object> axis(String field, String type, String title) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("field", field);
        m.put("type", type);
        m.put("title", title);
        if (!"quantitative".equals(type)) {
            m.put("sort", null);
        }
        return m;
    }

    /** Bars side by side per strategy, in data order. */
    private static Map<String, Object> offset() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("field", "strategy");
        m.put("sort", null);
        return m;
    }

    private static Map<String, Object> tooltip(String field, String format) {
        Map<String, Object> m = axis(field, "quantitative", field);
        m.put("format", format);
        return m;
    }
}
