package dev.triad.jobs.export;

import dev.triad.jobs.UsageException;
import dev.triad.schemas.VerifierClass;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A scalar reward per verifier class, discounted by step: the reward of a step {@code i} (from 1)
 * judged {@code c} is {@code reward(c) * discount^(i-1)}. The defaults are the rewards LM2 trained
 * its decomposer with (Juneja et al., 2024: conceptual -0.15, computational -0.05, procedural
 * -0.15, misunderstood question -0.2, first step -0.2, first half -0.12, second half -0.08, last
 * step -0.05, no mistake +1). The paper discounts by step but its text gives no factor; Triad's
 * default is {@value #DEFAULT_DISCOUNT}. Immutable.
 */
public final class StepRewards implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The default discount per step. */
    public static final double DEFAULT_DISCOUNT = 0.9;

    private static final Map<VerifierClass, Double> LM2 = lm2();

    private final Map<VerifierClass, Double> rewards;
    private final double discount;

    private StepRewards(Map<VerifierClass, Double> rewards, double discount) {
        this.rewards = Collections.unmodifiableMap(new EnumMap<>(rewards));
        this.discount = discount;
    }

    /** LM2's rewards with the default discount. */
    public static StepRewards lm2Defaults() {
        return new StepRewards(LM2, DEFAULT_DISCOUNT);
    }

    /**
     * LM2's rewards with {@code overrides} (class name → reward, e.g. {@code
     * computational_mistake=-0.1}) and {@code discount}.
     *
     * @throws UsageException naming an unknown class, or a discount outside (0, 1]
     */
    public static StepRewards of(Map<String, Double> overrides, double discount)
            throws UsageException {
        if (!(discount > 0 && discount <= 1)) {
            throw new UsageException(
                    "--reward-discount "
                            + discount
                            + ": a discount per step must be in (0, 1]; 1 means no discount.");
        }
        Map<VerifierClass, Double> rewards = new EnumMap<>(LM2);
        for (Map.Entry<String, Double> entry : overrides.entrySet()) {
            VerifierClass c;
            try {
                c = VerifierClass.parse(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--reward " + entry.getKey() + ": " + e.getMessage());
            }
            if (entry.getValue() == null || !Double.isFinite(entry.getValue())) {
                throw new UsageException(
                        "--reward " + entry.getKey() + ": give a finite number, e.g. -0.1.");
            }
            rewards.put(c, entry.getValue());
        }
        return new StepRewards(rewards, discount);
    }

    /** The reward of step {@code index} (from 1) judged {@code verdict}, discounted. */
    public double reward(VerifierClass verdict, int index) {
        return rewards.get(verdict) * Math.pow(discount, Math.max(0, index - 1));
    }

    /** The undiscounted reward per class. */
    public Map<VerifierClass, Double> perClass() {
        return rewards;
    }

    public double discount() {
        return discount;
    }

    private static Map<VerifierClass, Double> lm2() {
        Map<VerifierClass, Double> m = new EnumMap<>(VerifierClass.class);
        m.put(VerifierClass.CONCEPTUAL_MISTAKE, -0.15);
        m.put(VerifierClass.COMPUTATIONAL_MISTAKE, -0.05);
        m.put(VerifierClass.PROCEDURAL_MISTAKE, -0.15);
        m.put(VerifierClass.MISUNDERSTOOD_QUESTION, -0.2);
        m.put(VerifierClass.FIRST_STEP_MISTAKE, -0.2);
        m.put(VerifierClass.FIRST_HALF_MISTAKE, -0.12);
        m.put(VerifierClass.SECOND_HALF_MISTAKE, -0.08);
        m.put(VerifierClass.LAST_STEP_MISTAKE, -0.05);
        m.put(VerifierClass.NO_MISTAKE, 1.0);
        return m;
    }
}
