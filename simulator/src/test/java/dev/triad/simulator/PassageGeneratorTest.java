package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassageGeneratorTest {

    private static final int QUESTIONS = 200;

    @Test
    void everyPassageIsTwoToFourThousandTokensAsTheServerCountsThem() {
        PassageGenerator generator = new PassageGenerator(42);
        List<Integer> lengths = new ArrayList<>();
        for (long i = 0; i < QUESTIONS; i++) {
            Question q = generator.problem(i);
            int tokens = Tokens.count(q.text(), true);
            assertThat(tokens).as(q.id()).isBetween(2_000, 4_000);
            assertThat(q.metadata())
                    .containsEntry(PassageGenerator.META_PASSAGE_TOKENS, Integer.toString(tokens));
            assertThat(q.text().length())
                    .as(q.id())
                    .isLessThanOrEqualTo(PassageGenerator.MAX_CHARS);
            lengths.add(tokens);
        }
        // Drawn uniformly from the range: both halves are used.
        Collections.sort(lengths);
        assertThat(lengths.get(QUESTIONS / 10)).isLessThan(2_500);
        assertThat(lengths.get(QUESTIONS * 9 / 10)).isGreaterThan(3_500);
        assertThat(lengths.get(QUESTIONS / 2)).isBetween(2_700, 3_300);
    }

    @Test
    void aNarrowerRangeIsKept() {
        PassageGenerator generator = new PassageGenerator(7, 1_000, 1_200);
        for (long i = 0; i < 50; i++) {
            assertThat(Tokens.count(generator.problem(i).text(), true)).isBetween(1_000, 1_200);
        }
    }

    @Test
    void sameSeedAndIndexGiveTheSamePassageInAnyOrder() {
        PassageGenerator a = new PassageGenerator(42);
        PassageGenerator b = new PassageGenerator(42);
        Question late = b.problem(5_000);
        Question early = b.problem(3);

        assertThat(a.problem(3)).isEqualTo(early);
        assertThat(a.problem(5_000)).isEqualTo(late);
        assertThat(a.stream(20).parallel().toList()).isEqualTo(b.stream(20).toList());
        assertThat(new PassageGenerator(43).problem(3).text()).isNotEqualTo(early.text());
    }

    @Test
    void thePassageCarriesTheProblemsFactsInOrderAndEndsWithItsQuestion() {
        ProblemGenerator problems = new ProblemGenerator(42);
        PassageGenerator passages = new PassageGenerator(42);
        for (long i = 0; i < 50; i++) {
            ProblemGenerator.Derivation d = problems.derive(i);
            Question problem = d.toQuestion();
            Question q = passages.problem(i);

            assertThat(q.id()).isEqualTo(problem.id());
            assertThat(q.gold()).isEqualTo(problem.gold());
            assertThat(q.goldSteps()).isEqualTo(problem.goldSteps());
            assertThat(q.metadata()).containsAllEntriesOf(problem.metadata());
            int at = q.text().indexOf(d.intro());
            assertThat(at).as(q.id() + " scene").isPositive();
            for (ProblemGenerator.Line line : d.lines()) {
                int next = q.text().indexOf(line.sentence(), at + 1);
                assertThat(next).as(q.id() + " " + line.sentence()).isGreaterThan(at);
                at = next;
            }
            List<GoldStep> steps = problem.goldSteps();
            assertThat(q.text())
                    .endsWith("Question: " + d.lines().get(d.lines().size() - 1).subquestion());
            assertThat(steps).isNotEmpty();
            // Most of the passage is filler: the problem is a small part of it.
            assertThat(q.text().length()).isGreaterThan(10 * problem.text().length());
        }
    }

    @Test
    void boundsOutsideTheRulesAreRefusedWithTheFix() {
        assertThatThrownBy(() -> new PassageGenerator(1, 3_000, 2_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("200 <= min <= max <= 8000")
                .hasMessageContaining("was 3000..2000")
                .hasMessageContaining("use e.g. 2000..4000");
        assertThatThrownBy(() -> new PassageGenerator(1, 2_000, 9_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 2000..9000");
    }
}
