package dev.triad.jobs.eval;

import java.util.Locale;

/**
 * How eval and compare (and the run summary, for costs) write figures: one place, so the commands
 * read the same.
 */
public final class Formats {

    private Formats() {}

    /** {@code 0.7612} as {@code 76.1%}. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** An interval of fractions as {@code [69.6%, 81.4%]}. */
    public static String percentInterval(double low, double high) {
        return "[" + percent(low) + ", " + percent(high) + "]";
    }

    /** An accuracy as {@code 76.0% (152/200)}. */
    public static String accuracy(Accuracy a) {
        return percent(a.value()) + " (" + number(a.correct()) + "/" + number(a.n()) + ")";
    }

    /** A difference of fractions in signed percentage points: {@code +7.5 pp}. */
    public static String points(double difference) {
        return signed(difference) + " pp";
    }

    /** An interval of differences in signed percentage points: {@code [+2.5, +12.5] pp}. */
    public static String pointsInterval(double low, double high) {
        return "[" + signed(low) + ", " + signed(high) + "] pp";
    }

    private static String signed(double fraction) {
        double points = 100 * fraction;
        if (Math.abs(points) < 0.05) {
            points = 0; // no "-0.0"
        }
        return String.format(Locale.ROOT, "%+.1f", points);
    }

    /** A p-value: four decimals, or scientific notation below 0.001. */
    public static String pValue(double p) {
        return p >= 0.001
                ? String.format(Locale.ROOT, "%.4f", p)
                : String.format(Locale.ROOT, "%.2e", p);
    }

    /** {@code 12,345}. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A mean or a rate: {@code 1,234.5}, or {@code -} when there is none. */
    public static String decimal(Double value) {
        return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%,.1f", value);
    }

    /** A rate below a handful: {@code 0.12}. */
    public static String small(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Milliseconds: {@code 340 ms} or {@code 2.9 s}. */
    public static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms < 1000
                ? String.format(Locale.ROOT, "%.0f ms", ms)
                : String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    /** An estimated cost: four significant places for small amounts, else two decimals. */
    public static String money(Double cost) {
        if (cost == null) {
            return "-";
        }
        return cost < 1
                ? String.format(Locale.ROOT, "%.4g", cost)
                : String.format(Locale.ROOT, "%,.2f", cost);
    }
}
