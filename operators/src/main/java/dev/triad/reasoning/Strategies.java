package dev.triad.reasoning;

import java.util.List;

/** Looks strategies up by name: {@code lm2}, {@code cot}, {@code plan-solve}. */
public final class Strategies {

    /** Every strategy name Triad knows. */
    public static final List<String> NAMES =
            List.of(Lm2Strategy.NAME, CotStrategy.NAME, PlanSolveStrategy.NAME);

    private Strategies() {}

    /**
     * The strategy called {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown strategy and the known ones
     */
    public static ReasoningStrategy create(String name, StrategySettings settings) {
        switch (name) {
            case Lm2Strategy.NAME:
                return new Lm2Strategy(settings);
            case CotStrategy.NAME:
                return new CotStrategy();
            case PlanSolveStrategy.NAME:
                return new PlanSolveStrategy(settings);
            default:
                throw new IllegalArgumentException(
                        "Unknown strategy '" + name + "'; use one or more of " + NAMES);
        }
    }
}
