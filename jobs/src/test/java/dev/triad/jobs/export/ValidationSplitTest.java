package dev.triad.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The split by question id: about the asked share, the same answer for an id every time. */
class ValidationSplitTest {

    @Test
    void aboutTheAskedShareOfIdsGoesToValidationAndEachIdAlwaysTheSameWay() {
        ValidationSplit split = new ValidationSplit(0.1);
        long validation =
                IntStream.range(0, 20_000).filter(i -> split.validation("gsm8k-" + i)).count();
        // Binomial(20000, 0.1): sd 42; a 5-sd band.
        assertThat(validation).isBetween(1_790L, 2_210L);
        ValidationSplit again = new ValidationSplit(0.1);
        assertThat(IntStream.range(0, 2_000))
                .allMatch(i -> split.validation("q" + i) == again.validation("q" + i));
        // A larger share keeps every id the smaller one put in validation.
        ValidationSplit larger = new ValidationSplit(0.3);
        assertThat(IntStream.range(0, 2_000).filter(i -> split.validation("q" + i)))
                .allMatch(i -> larger.validation("q" + i));
    }

    @Test
    void zeroSendsNothingToValidationAndAShareOutsideTheIntervalIsRefused() {
        ValidationSplit none = new ValidationSplit(0);
        assertThat(IntStream.range(0, 1_000)).noneMatch(i -> none.validation("q" + i));
        assertThatThrownBy(() -> new ValidationSplit(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.0");
    }
}
