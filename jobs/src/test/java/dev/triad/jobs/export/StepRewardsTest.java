package dev.triad.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triad.jobs.UsageException;
import dev.triad.schemas.VerifierClass;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewards per verifier class: LM2's by default (research/LM2.md), discounted by step. */
class StepRewardsTest {

    @Test
    void theDefaultsAreTheRewardsLm2TrainedItsDecomposerWith() {
        StepRewards lm2 = StepRewards.lm2Defaults();
        assertThat(lm2.perClass())
                .containsEntry(VerifierClass.CONCEPTUAL_MISTAKE, -0.15)
                .containsEntry(VerifierClass.COMPUTATIONAL_MISTAKE, -0.05)
                .containsEntry(VerifierClass.PROCEDURAL_MISTAKE, -0.15)
                .containsEntry(VerifierClass.MISUNDERSTOOD_QUESTION, -0.2)
                .containsEntry(VerifierClass.FIRST_STEP_MISTAKE, -0.2)
                .containsEntry(VerifierClass.FIRST_HALF_MISTAKE, -0.12)
                .containsEntry(VerifierClass.SECOND_HALF_MISTAKE, -0.08)
                .containsEntry(VerifierClass.LAST_STEP_MISTAKE, -0.05)
                .containsEntry(VerifierClass.NO_MISTAKE, 1.0)
                .hasSize(VerifierClass.values().length);
        assertThat(lm2.reward(VerifierClass.NO_MISTAKE, 1)).isEqualTo(1.0);
        assertThat(lm2.reward(VerifierClass.NO_MISTAKE, 3)).isCloseTo(0.81, within(1e-12));
        assertThat(lm2.reward(VerifierClass.MISUNDERSTOOD_QUESTION, 2))
                .isCloseTo(-0.18, within(1e-12));
    }

    @Test
    void aClassCanBeRepricedAndTheDiscountChanged() throws UsageException {
        StepRewards rewards = StepRewards.of(Map.of("Computational mistake", -0.5), 1.0);
        assertThat(rewards.reward(VerifierClass.COMPUTATIONAL_MISTAKE, 7)).isEqualTo(-0.5);
        assertThat(rewards.reward(VerifierClass.NO_MISTAKE, 7)).isEqualTo(1.0);
    }

    @Test
    void anUnknownClassOrADiscountOutsideTheUnitIntervalIsAUsageError() {
        assertThatThrownBy(() -> StepRewards.of(Map.of("small_mistake", 1.0), 0.9))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--reward small_mistake")
                .hasMessageContaining("no_mistake");
        assertThatThrownBy(() -> StepRewards.of(Map.of(), 0))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--reward-discount 0.0")
                .hasMessageContaining("(0, 1]");
    }
}
