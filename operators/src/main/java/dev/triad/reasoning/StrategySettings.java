package dev.triad.reasoning;

import dev.triad.reasoning.ReasoningOptions.ExhaustedPolicy;
import dev.triad.schemas.VerifierClass;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The settings strategies follow, read once from {@link ReasoningOptions}.
 *
 * @param maxSteps accepted steps after which the final answer is written
 * @param maxRegenerations times a rejected step is written again
 * @param onExhausted what happens when a step is still rejected after that
 * @param rejectClasses verifier classes that reject a step
 */
@PublicEvolving
public record StrategySettings(
        int maxSteps,
        int maxRegenerations,
        ExhaustedPolicy onExhausted,
        Set<VerifierClass> rejectClasses)
        implements Serializable {

    public StrategySettings {
        if (maxSteps < 1) {
            throw new IllegalArgumentException(
                    ReasoningOptions.MAX_STEPS.key() + " must be at least 1, was " + maxSteps);
        }
        if (maxRegenerations < 0) {
            throw new IllegalArgumentException(
                    ReasoningOptions.MAX_REGENERATIONS.key()
                            + " must be 0 or more, was "
                            + maxRegenerations);
        }
        rejectClasses =
                rejectClasses.isEmpty()
                        ? EnumSet.noneOf(VerifierClass.class)
                        : EnumSet.copyOf(rejectClasses);
    }

    /** Reads the settings from a configuration; unset options take their defaults. */
    public static StrategySettings from(ReadableConfig config) {
        Set<VerifierClass> reject = EnumSet.noneOf(VerifierClass.class);
        for (String name : config.get(ReasoningOptions.REJECT_CLASSES)) {
            try {
                reject.add(VerifierClass.parse(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        ReasoningOptions.REJECT_CLASSES.key() + ": " + e.getMessage(), e);
            }
        }
        return new StrategySettings(
                config.get(ReasoningOptions.MAX_STEPS),
                config.get(ReasoningOptions.MAX_REGENERATIONS),
                config.get(ReasoningOptions.ON_REGENERATIONS_EXHAUSTED),
                reject);
    }
}
