package dev.triad.benchmarks;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One target of a benchmark and whether the run met it, e.g. {@code ratio >= 0.7}.
 *
 * @param name what is compared, e.g. {@code ratio}
 * @param value the measured value
 * @param comparison {@code >=}, {@code <=} or {@code <}
 * @param limit the target
 * @param passed whether {@code value comparison limit} holds
 */
@JsonPropertyOrder({"name", "value", "comparison", "limit", "passed"})
public record Check(String name, double value, String comparison, double limit, boolean passed) {

    /** {@code value >= limit}. */
    public static Check atLeast(String name, double value, double limit) {
        return new Check(name, value, ">=", limit, value >= limit);
    }

    /** {@code value <= limit}. */
    public static Check atMost(String name, double value, double limit) {
        return new Check(name, value, "<=", limit, value <= limit);
    }

    /** {@code value < limit}. */
    public static Check below(String name, double value, double limit) {
        return new Check(name, value, "<", limit, value < limit);
    }

    /** The check as text, e.g. {@code ratio 0.83 >= 0.7: met}. */
    public String describe() {
        return name
                + " "
                + Table.number(value)
                + " "
                + comparison
                + " "
                + Table.number(limit)
                + ": "
                + (passed ? "met" : "MISSED");
    }
}
