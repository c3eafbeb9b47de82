package dev.triad.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** Extraction from free text: {@code scoring/extraction.tsv} plus multi-line replies. */
class AnswerExtractorTest {

    @ParameterizedTest(name = "{0} => {1}")
    @CsvFileSource(resources = "/scoring/extraction.tsv", delimiter = '\t', numLinesToSkip = 1)
    void extractsTheFinalAnswer(String reply, String expected) {
        assertThat(AnswerScorer.extract(reply)).isEqualTo(expected);
    }

    @Test
    void gsm8kMarkerLine() {
        String reply = "Janet sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = $18.\n#### 18\n";
        assertThat(AnswerScorer.extract(reply)).isEqualTo("18");
        assertThat(AnswerScorer.extract("so...\n#### 2,125")).isEqualTo("2,125");
    }

    @Test
    void boxWithNestedBracesAcrossLines() {
        String reply =
                "We solve the system.\n\n$$x = \\frac{1}{2}, y = 3$$\n\n"
                        + "Final answer: $\\boxed{\\left(\\frac{1}{2}, \\sqrt{\\frac{9}{1}}\\right)}$\n";
        assertThat(AnswerScorer.extract(reply))
                .isEqualTo("\\left(\\frac{1}{2}, \\sqrt{\\frac{9}{1}}\\right)");
        assertThat(AnswerScorer.equivalent(AnswerScorer.extract(reply), "(0.5, 3)")).isTrue();
    }

    @Test
    void answerLineOverEarlierNumbers() {
        String reply = "Step 1: 48 / 2 = 24.\nStep 2: 48 + 24 = 72.\nThe answer is 72.\n";
        assertThat(AnswerScorer.extract(reply)).isEqualTo("72");
    }

    @Test
    void answerPhraseThatIsProseIsSkipped() {
        String reply = "Answer: 18\nExplanation: the answer is derived from 3 numbers";
        assertThat(AnswerScorer.extract(reply)).isEqualTo("18");
        assertThat(AnswerScorer.extract("The answer is unclear, but we get 7 apples"))
                .isEqualTo("7");
    }

    @Test
    void noNumberGivesNull() {
        assertThat(AnswerScorer.extract("I do not know.")).isNull();
        assertThat(AnswerScorer.extract("")).isNull();
        assertThat(AnswerScorer.extract(null)).isNull();
        assertThat(AnswerScorer.extract("\\boxed{}")).isNull();
    }
}
