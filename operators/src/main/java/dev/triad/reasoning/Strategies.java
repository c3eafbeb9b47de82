package dev.triad.reasoning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The strategies Triad ships, by name: {@code lm2}, {@code cot}, {@code plan-solve}. A job adds its
 * own with {@link Reasoning.Builder#strategy(String, ReasoningStrategyFactory)}.
 */
@PublicEvolving
public final class Strategies {

    private static final Map<String, ReasoningStrategyFactory> BUILT_IN = builtIn();

    /** Every strategy name Triad ships. */
    public static final List<String> NAMES = List.copyOf(BUILT_IN.keySet());

    private Strategies() {}

    private static Map<String, ReasoningStrategyFactory> builtIn() {
        Map<String, ReasoningStrategyFactory> map = new LinkedHashMap<>();
        map.put(Lm2Strategy.NAME, Lm2Strategy::new);
        map.put(CotStrategy.NAME, CotStrategy::new);
        map.put(PlanSolveStrategy.NAME, PlanSolveStrategy::new);
        return map;
    }

    /** Whether {@code name} is a built-in strategy's. */
    static boolean isBuiltIn(String name) {
        return BUILT_IN.containsKey(name);
    }

    /**
     * The factory of the built-in strategy called {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown strategy and the known ones
     */
    static ReasoningStrategyFactory factory(String name) {
        ReasoningStrategyFactory factory = BUILT_IN.get(name);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "Unknown strategy '" + name + "'; use one or more of " + NAMES);
        }
        return factory;
    }

    /**
     * The built-in strategy called {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown strategy and the known ones
     */
    public static ReasoningStrategy create(String name, StrategySettings settings) {
        return factory(name).create(settings);
    }
}
