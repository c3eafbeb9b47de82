package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator.Derivation;
import dev.triad.simulator.ProblemGenerator.Line;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProblemGeneratorTest {

    @Test
    void sameSeedAndIndexGiveTheSameProblemInAnyOrder() {
        ProblemGenerator first = new ProblemGenerator(7);
        ProblemGenerator second = new ProblemGenerator(7);
        Question late = second.problem(100_000);
        Question early = second.problem(42);

        assertThat(first.problem(42)).isEqualTo(early);
        assertThat(first.problem(100_000)).isEqualTo(late);
        assertThat(first.problem(42).id()).isEqualTo("gen-7-42");
    }

    @Test
    void differentSeedsGiveDifferentProblems() {
        ProblemGenerator a = new ProblemGenerator(1);
        ProblemGenerator b = new ProblemGenerator(2);
        long differing = 0;
        for (int i = 0; i < 100; i++) {
            if (!a.problem(i).text().equals(b.problem(i).text())) {
                differing++;
            }
        }
        assertThat(differing).isGreaterThanOrEqualTo(95);
    }

    @Test
    void parallelStreamEqualsSequentialStream() {
        ProblemGenerator generator = new ProblemGenerator(3);
        List<Question> sequential = generator.stream(2_000).collect(Collectors.toList());
        List<Question> parallel = generator.stream(2_000).parallel().collect(Collectors.toList());
        assertThat(parallel).isEqualTo(sequential);
        assertThat(generator.stream(10, 5).map(Question::id))
                .containsExactly("gen-3-10", "gen-3-11", "gen-3-12", "gen-3-13", "gen-3-14");
    }

    @Test
    void everyProblemIsInternallyConsistent() {
        ProblemGenerator generator = new ProblemGenerator(11);
        Set<String> templates = new HashSet<>();
        Set<Integer> stepCounts = new HashSet<>();
        for (long i = 0; i < 20_000; i++) {
            Derivation derivation = generator.derive(i);
            Question q = derivation.toQuestion();
            List<Line> lines = derivation.lines();
            Set<Long> numbersInText = numbers(q.text());

            assertThat(q.text().length()).as(q.id()).isBetween(150, 500);
            assertThat(q.goldSteps()).as(q.id()).hasSize(lines.size());
            assertThat(lines.size())
                    .isBetween(ProblemGenerator.MIN_STEPS, ProblemGenerator.MAX_STEPS);
            assertThat(q.metadata())
                    .containsEntry("generator", "triad")
                    .containsEntry("steps", Integer.toString(lines.size()))
                    .containsEntry("template", derivation.template());
            for (int s = 0; s < lines.size(); s++) {
                Line line = lines.get(s);
                assertThat(line.result()).as(q.id() + " step " + (s + 1)).isEqualTo(apply(line));
                assertThat(line.result()).as(q.id() + " step " + (s + 1)).isPositive();
                assertThat(q.goldSteps().get(s).answer()).isEqualTo(Long.toString(line.result()));
                Set<Long> earlier = new HashSet<>();
                for (int e = 0; e < s; e++) {
                    earlier.add(lines.get(e).result());
                }
                for (long operand : new long[] {line.left(), line.right()}) {
                    assertThat(numbersInText.contains(operand) || earlier.contains(operand))
                            .as(q.id() + " step " + (s + 1) + " operand " + operand)
                            .isTrue();
                }
            }
            List<String> subquestions =
                    q.goldSteps().stream().map(GoldStep::subquestion).collect(Collectors.toList());
            assertThat(subquestions).doesNotHaveDuplicates().allMatch(sq -> sq.endsWith("?"));
            GoldStep last = q.goldSteps().get(q.goldSteps().size() - 1);
            assertThat(q.gold()).isEqualTo(last.answer());
            assertThat(q.text()).endsWith(last.subquestion());
            templates.add(derivation.template());
            stepCounts.add(lines.size());
        }
        assertThat(templates).containsExactlyInAnyOrderElementsOf(ProblemGenerator.templates());
        assertThat(stepCounts).containsExactlyInAnyOrder(2, 3, 4, 5, 6);
    }

    @Test
    void aMillionProblemsStreamWithoutBeingHeld() {
        Iterator<Question> problems = new ProblemGenerator(2024).iterator(1_000_000);
        long count = 0;
        long steps = 0;
        while (problems.hasNext()) {
            Question q = problems.next();
            List<GoldStep> gold = q.goldSteps();
            if (gold.size() < 2 || !gold.get(gold.size() - 1).answer().equals(q.gold())) {
                throw new AssertionError("Inconsistent problem " + Json.write(q));
            }
            steps += gold.size();
            count++;
        }
        assertThat(count).isEqualTo(1_000_000);
        // Close to the weights' mean of 3.53 steps.
        assertThat(steps / (double) count).isBetween(3.4, 3.7);
    }

    @Test
    void writesQuestionJsonLines() throws IOException {
        StringWriter out = new StringWriter();
        ProblemGenerator.writeJsonl(3, 5, out);

        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(3);
        ProblemGenerator generator = new ProblemGenerator(5);
        for (int i = 0; i < lines.length; i++) {
            assertThat(Json.read(lines[i], Question.class)).isEqualTo(generator.problem(i));
        }
        assertThat(out.toString()).endsWith("\n");
    }

    @Test
    void rejectsNegativeIndexAndCount() {
        ProblemGenerator generator = new ProblemGenerator(1);
        assertThatThrownBy(() -> generator.problem(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index must be 0 or more, but was -1");
        assertThatThrownBy(() -> generator.stream(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count must be 0 or more, but was -5");
    }

    private static long apply(Line line) {
        switch (line.op()) {
            case '*':
                return line.left() * line.right();
            case '+':
                return line.left() + line.right();
            case '-':
                return line.left() - line.right();
            case '/':
                assertThat(line.left() % line.right()).as("remainder").isZero();
                return line.left() / line.right();
            default:
                throw new AssertionError("Unknown operation " + line.op());
        }
    }

    private static Set<Long> numbers(String text) {
        Set<Long> numbers = new HashSet<>();
        long value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
            } else if (value >= 0) {
                numbers.add(value);
                value = -1;
            }
        }
        return numbers;
    }
}
