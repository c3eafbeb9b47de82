package dev.triad.benchmarks;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One measured quantity over the rounds of a benchmark: the median and every round's value, in
 * round order.
 *
 * @param unit what the numbers count, e.g. {@code questions/s}
 * @param median the median of {@code rounds} (the mean of the middle two for an even count)
 * @param rounds every round's value, in the order the rounds ran
 */
@JsonPropertyOrder({"unit", "median", "rounds"})
public record Figure(String unit, double median, List<Double> rounds) {

    public Figure {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("A figure needs at least one round, got none");
        }
        rounds = List.copyOf(rounds);
    }

    /** The figure of these round values. */
    public static Figure of(String unit, List<Double> rounds) {
        return new Figure(unit, median(rounds), rounds);
    }

    /**
     * The figure of one value of each round's sample, e.g. {@code of("s", samples,
     * Sample::seconds)}.
     */
    public static <T> Figure of(String unit, List<T> samples, ToDoubleFunction<T> value) {
        List<Double> rounds = new ArrayList<>(samples.size());
        for (T sample : samples) {
            rounds.add(value.applyAsDouble(sample));
        }
        return of(unit, rounds);
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
