package dev.triad.benchmarks;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints a benchmark result as a short table for people: one row per figure, both sides. */
public final class Table {

    private static final int LABEL_WIDTH = 34;
    private static final int VALUE_WIDTH = 22;

    private Table() {}

    /** One row: what is measured, Triad's value and the baseline's value, already formatted. */
    public record Row(String label, String triad, String baseline) {}

    /** A row of two figures' medians. */
    static Row row(String label, Figure triad, Figure baseline) {
        return new Row(label, number(triad.median()), number(baseline.median()));
    }

    /** A row of two plain values. */
    static Row row(String label, double triad, double baseline) {
        return new Row(label, number(triad), number(baseline));
    }

    static void print(BenchmarkResult result, List<Row> rows, PrintStream out) {
        out.println();
        out.println(result.name() + ": " + result.description());
        out.println(
                pad("", LABEL_WIDTH)
                        + pad(result.triadLabel(), VALUE_WIDTH)
                        + pad(result.baselineLabel(), VALUE_WIDTH));
        for (Row row : rows) {
            out.println(
                    pad(row.label(), LABEL_WIDTH)
                            + pad(row.triad(), VALUE_WIDTH)
                            + pad(row.baseline(), VALUE_WIDTH));
        }
        out.println(
                "ratio "
                        + number(result.ratio())
                        + " ("
                        + result.ratioOf()
                        + "); target: "
                        + result.target());
        for (Check check : result.checks()) {
            out.println("  " + check.describe());
        }
        out.println(result.passed() ? "PASSED" : "TARGET MISSED");
    }

    /** A number for people: grouped integers from 100 up, otherwise three decimals. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String pad(String text, int width) {
        StringBuilder out = new StringBuilder(text);
        while (out.length() < width) {
            out.append(' ');
        }
        return out.append(' ').toString();
    }
}
