package dev.triad.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * Hand-made scorer tables: {@code scoring/equivalent.tsv} (answers written differently that must
 * match) and {@code scoring/not-equivalent.tsv} (near misses that must not), each row with the rule
 * it pins. Both directions are checked, since equivalence is symmetric.
 */
class AnswerScorerTableTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvFileSource(resources = "/scoring/equivalent.tsv", delimiter = '\t', numLinesToSkip = 1)
    void equivalentAnswers(String answer, String gold, String rule) {
        assertThat(AnswerScorer.equivalent(answer, gold))
                .as("%s vs %s (%s); normalized %s vs %s", answer, gold, rule, n(answer), n(gold))
                .isTrue();
        assertThat(AnswerScorer.equivalent(gold, answer)).as("symmetric").isTrue();
        assertThat(AnswerScorer.equivalent(AnswerScorer.normalize(answer), gold))
                .as("normal form of %s still matches", answer)
                .isTrue();
    }

    @ParameterizedTest(name = "{0} does not match {1}: {2}")
    @CsvFileSource(resources = "/scoring/not-equivalent.tsv", delimiter = '\t', numLinesToSkip = 1)
    void nearMissesDoNotMatch(String answer, String gold, String why) {
        assertThat(AnswerScorer.equivalent(answer, gold))
                .as("%s vs %s (%s); normalized %s vs %s", answer, gold, why, n(answer), n(gold))
                .isFalse();
        assertThat(AnswerScorer.equivalent(gold, answer)).as("symmetric").isFalse();
    }

    @Test
    void nullAndBlankNeverMatch() {
        assertThat(AnswerScorer.equivalent(null, null)).isFalse();
        assertThat(AnswerScorer.equivalent("18", null)).isFalse();
        assertThat(AnswerScorer.equivalent(null, "18")).isFalse();
        assertThat(AnswerScorer.equivalent("  ", "  ")).isFalse();
        assertThat(AnswerScorer.equivalent("$.", "$")).isFalse();
        assertThat(AnswerScorer.normalize(null)).isNull();
        assertThat(AnswerScorer.normalize(" \\boxed{} ")).isNull();
    }

    @Test
    void normalFormsAreReadable() {
        assertThat(AnswerScorer.normalize("$1,234.50 dollars")).isEqualTo("1234.5");
        assertThat(AnswerScorer.normalize("The answer is 18.")).isEqualTo("18");
        assertThat(AnswerScorer.normalize("\\dfrac{2}{4}")).isEqualTo("\\frac{1}{2}");
        assertThat(AnswerScorer.normalize("1\\frac{4}{5}")).isEqualTo("\\frac{9}{5}");
        assertThat(AnswerScorer.normalize("0.750")).isEqualTo("0.75");
        assertThat(AnswerScorer.normalize("\\left( 3, \\frac{\\pi}{2} \\right)"))
                .isEqualTo("(3, \\frac{\\pi}{2})");
        assertThat(AnswerScorer.normalize("\\text{(B)}")).isEqualTo("(B)");
        assertThat(AnswerScorer.normalize("x \\in [-2,7]")).isEqualTo("[-2, 7]");
        assertThat(AnswerScorer.normalize("2 \\sqrt{5}")).isEqualTo("2\\sqrt{5}");
        assertThat(AnswerScorer.normalize("\\boxed{1, 234}")).isEqualTo("1, 234");
    }

    private static String n(String s) {
        return AnswerScorer.normalize(s);
    }
}
