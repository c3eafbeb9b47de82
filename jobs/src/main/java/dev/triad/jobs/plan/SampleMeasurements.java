package dev.triad.jobs.plan;

import dev.triad.cost.PriceTable;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.model.Role;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a sample run measured, per strategy and role: model calls, prompt, cached and completion
 * tokens and model latency, summed over the sample's (question, strategy) results, plus the span of
 * the run (the first question's start to the last one's end, from {@code finishedAt} and {@code
 * latencyMs}), and the distinct numbers of calls per role its questions made (the slowest questions
 * of a planned run come from them). {@link RunPlanner} turns these into means per question and per
 * call.
 *
 * <p>Collect with {@link #add} (e.g. from a job's result stream) or {@link #read} (results files).
 * Not thread-safe.
 */
public final class SampleMeasurements {

    /** Sums over one strategy's results. */
    public static final class StrategySums {
        private long results;
        private long latencyMs;
        private final Map<Role, RoleUsage> usage = new EnumMap<>(Role.class);
        private final Map<Role, Double> cost = new EnumMap<>(Role.class);
        private final Set<List<Long>> callCounts = new HashSet<>();

        /** Results (questions) of this strategy in the sample. */
        public long results() {
            return results;
        }

        /** The questions' latency (start to end) summed, in milliseconds. */
        public long latencyMs() {
            return latencyMs;
        }

        /**
         * A role's usage summed over the results; {@link RoleUsage#ZERO} for a role never called.
         */
        public RoleUsage usage(Role role) {
            return usage.getOrDefault(role, RoleUsage.ZERO);
        }

        /**
         * Every distinct combination of calls per role a question of this strategy made in the
         * sample: calls to each {@link Role}, in {@code Role.values()} order. A planned run's
         * slowest questions are drawn from these.
         */
        public Set<List<Long>> callCounts() {
            return Collections.unmodifiableSet(callCounts);
        }

        /** A role's cost summed over the results, by the price table given to {@link #add}. */
        public double cost(Role role) {
            return cost.getOrDefault(role, 0.0);
        }
    }

    private final PriceTable prices;
    private final Map<String, StrategySums> strategies = new TreeMap<>();
    private boolean simulated;
    private long firstStart = Long.MAX_VALUE;
    private long lastFinish = Long.MIN_VALUE;

    /**
     * @param prices prices the sample's tokens, or {@code null} for no cost
     */
    public SampleMeasurements(PriceTable prices) {
        this.prices = prices;
    }

    /**
     * Reads a sample's results files (see {@link ResultFiles#forEach}).
     *
     * @param what how the command line calls the inputs, for messages
     * @param prices prices the sample's tokens, or {@code null}
     * @throws UsageException naming the file when it cannot be read, or a role the prices lack
     */
    public static SampleMeasurements read(List<Path> inputs, String what, PriceTable prices)
            throws UsageException {
        SampleMeasurements sample = new SampleMeasurements(prices);
        List<Path> files = ResultFiles.resolve(inputs, what);
        ResultFiles.forEach(
                files,
                (result, source) -> {
                    String unpriced = sample.add(result);
                    if (unpriced != null) {
                        throw new UsageException(
                                "--prices has no price for the "
                                        + unpriced
                                        + " (the result at "
                                        + source
                                        + " used it). Add an entry for the role, e.g. '"
                                        + unpriced.split(" ")[0]
                                        + ": {prompt: 0.60, completion: 2.40}', or"
                                        + " '{prompt: 0, completion: 0}' for a free one.");
                    }
                });
        return sample;
    }

    /**
     * Adds one result.
     *
     * @return {@code null}, or the role (and its binding) the price table has no price for
     */
    public String add(Result result) {
        StrategySums sums = strategies.computeIfAbsent(result.strategy(), s -> new StrategySums());
        sums.results++;
        sums.latencyMs += result.latencyMs();
        simulated |= result.simulated();
        if (result.finishedAt() != null) {
            lastFinish = Math.max(lastFinish, result.finishedAt());
            firstStart = Math.min(firstStart, result.finishedAt() - result.latencyMs());
        }
        if (result.usage() == null) {
            return null;
        }
        String unpriced = null;
        Long[] calls = new Long[Role.values().length];
        Arrays.fill(calls, 0L);
        for (Map.Entry<String, RoleUsage> e : result.usage().entrySet()) {
            Role role;
            try {
                role = Role.parse(e.getKey());
            } catch (IllegalArgumentException notARole) {
                continue;
            }
            RoleUsage u = e.getValue();
            calls[role.ordinal()] = u.calls();
            sums.usage.merge(role, u.withCost(null).withReplicas(Map.of()), RoleUsage::add);
            if (prices != null && u.calls() > 0) {
                String binding = result.models() == null ? null : result.models().get(e.getKey());
                PriceTable.Price price = prices.priceFor(role.key(), binding);
                if (price == null) {
                    unpriced = role.key() + (binding == null ? "" : " (" + binding + ")");
                } else {
                    sums.cost.merge(role, price.cost(u), Double::sum);
                }
            }
        }
        sums.callCounts.add(List.of(calls));
        return unpriced;
    }

    /** The strategies in the sample, in name order. */
    public Collection<String> strategies() {
        return strategies.keySet();
    }

    /** One strategy's sums, or {@code null} when the sample has none of it. */
    public StrategySums strategy(String name) {
        return strategies.get(name);
    }

    /** Results in the sample, all strategies together. */
    public long results() {
        return strategies.values().stream().mapToLong(s -> s.results).sum();
    }

    /** Whether any result came from a simulated model. */
    public boolean simulated() {
        return simulated;
    }

    /** Whether the sample was priced. */
    public boolean priced() {
        return prices != null;
    }

    /**
     * The sample's own wall time: from the first question's start to the last one's end, in
     * seconds; {@code NaN} when its results carry no {@code finishedAt}.
     */
    public double wallSeconds() {
        return lastFinish == Long.MIN_VALUE ? Double.NaN : (lastFinish - firstStart) / 1000.0;
    }
}
