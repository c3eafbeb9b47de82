package dev.triad.schemas.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every line of the real datasets in {@code shared/datasets} maps with its built-in mapping, into
 * questions that validate against {@code question.schema.json}, with the values spot-checked.
 */
class FieldMappingDatasetTest {

    private static final JsonSchema QUESTION_SCHEMA =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(Schemas.text(Schemas.QUESTION));

    @ParameterizedTest(name = "{0} maps every line of {1}")
    @CsvSource({
        "gsm8k, gsm8k/test.jsonl, 1319",
        "gsm8k, gsm8k/train.jsonl, 7473",
        "gsm8k-socratic, gsm8k/test_socratic.jsonl, 1319",
        "math500, math500/test.jsonl, 500",
        "svamp, svamp/test.jsonl, 1000"
    })
    void everyLineMapsToAValidQuestion(String mapping, String file, int count) throws Exception {
        List<Question> questions = mapAll(mapping, file);

        assertThat(questions).hasSize(count);
        assertThat(questions.stream().map(Question::id).distinct()).hasSize(count);
        assertThat(questions).allSatisfy(q -> assertThat(q.gold()).isNotBlank());
        for (Question q : questions) {
            assertThat(QUESTION_SCHEMA.validate(Json.mapper().readTree(Json.write(q))))
                    .as(q.id())
                    .isEmpty();
        }
    }

    @Test
    void gsm8kGoldIsTheNumberAfterTheMarkWithoutThousandsCommas() throws Exception {
        List<String> lines = lines("gsm8k/test.jsonl");
        List<Question> questions = mapAll("gsm8k", "gsm8k/test.jsonl");

        Question first = questions.get(0);
        assertThat(first.id()).isEqualTo("test.jsonl:1");
        assertThat(first.text()).startsWith("Janet\u2019s ducks lay 16 eggs per day.");
        assertThat(first.gold()).isEqualTo("18");
        assertThat(first.goldSteps()).isNull();
        assertThat(first.metadata()).isEmpty();

        List<String> withCommas = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String marked = finalLine(lines.get(i)).substring("####".length()).strip();
            if (marked.contains(",")) {
                withCommas.add(marked);
                assertThat(questions.get(i).gold()).isEqualTo(marked.replace(",", ""));
            } else {
                assertThat(questions.get(i).gold()).isEqualTo(marked);
            }
        }
        assertThat(withCommas).hasSize(14).contains("2,125", "114,200", "276,000");
        assertThat(questions).allSatisfy(q -> assertThat(q.gold()).matches("-?\\d+"));
        assertThat(questions.stream().map(Question::gold)).contains("-10", "-3");
    }

    @Test
    void gsm8kSocraticHasGoldStepsFromTheSubquestions() throws Exception {
        List<Question> socratic = mapAll("gsm8k-socratic", "gsm8k/test_socratic.jsonl");
        List<Question> plain = mapAll("gsm8k", "gsm8k/test.jsonl");

        Question first = socratic.get(0);
        assertThat(first.id()).isEqualTo("test_socratic.jsonl:1");
        assertThat(first.gold()).isEqualTo("18");
        assertThat(first.goldSteps())
                .containsExactly(
                        new GoldStep("How many eggs does Janet sell?", "9"),
                        new GoldStep("How much does Janet make at the farmers' market?", "18"));
        for (int i = 0; i < plain.size(); i++) {
            assertThat(socratic.get(i).text()).isEqualTo(plain.get(i).text());
            assertThat(socratic.get(i).gold()).isEqualTo(plain.get(i).gold());
            assertThat(socratic.get(i).goldSteps()).isNotEmpty();
        }
        // A step without a number keeps its definition as the answer.
        assertThat(socratic.stream().flatMap(q -> q.goldSteps().stream()))
                .contains(
                        new GoldStep(
                                "Define a variable",
                                "Let x be the number of silver coins Gretchen has"));
        // Line 1043 repeats one subquestion with an empty solution: that line is skipped.
        assertThat(socratic.get(1042).goldSteps())
                .hasSize(5)
                .allSatisfy(s -> assertThat(s.answer()).isNotBlank())
                .last()
                .isEqualTo(new GoldStep("How much did he lose on average that day?", "3"));
        // "80,000+50,000=$<<80000+50000=130000>>130,000": the calculator result, no commas.
        assertThat(socratic.get(2).goldSteps().get(0).answer()).isEqualTo("130000");
    }

    @Test
    void math500KeepsTheLatexAnswerAndSubjectAndLevel() throws Exception {
        List<Question> questions = mapAll("math500", "math500/test.jsonl");

        Question first = questions.get(0);
        assertThat(first.id()).isEqualTo("test/precalculus/807.json");
        assertThat(first.text()).startsWith("Convert the point $(0,3)$ in rectangular");
        assertThat(first.gold()).isEqualTo("\\left( 3, \\frac{\\pi}{2} \\right)");
        assertThat(first.metadata())
                .containsExactlyInAnyOrderEntriesOf(Map.of("subject", "Precalculus", "level", "2"));
        assertThat(questions)
                .allSatisfy(
                        q -> assertThat(q.metadata().get("level")).isIn("1", "2", "3", "4", "5"));
        Map<String, Long> subjects =
                questions.stream()
                        .collect(
                                Collectors.groupingBy(
                                        q -> q.metadata().get("subject"),
                                        TreeMap::new,
                                        Collectors.counting()));
        assertThat(subjects)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "Algebra", 124L,
                                "Intermediate Algebra", 97L,
                                "Prealgebra", 82L,
                                "Number Theory", 62L,
                                "Precalculus", 56L,
                                "Geometry", 41L,
                                "Counting & Probability", 38L));
    }

    @Test
    void svampTextIsBodyThenQuestionAndGoldIsAnInteger() throws Exception {
        List<Question> questions = mapAll("svamp", "svamp/test.jsonl");

        Question first = questions.get(0);
        assertThat(first.id()).isEqualTo("chal-777");
        assertThat(first.text())
                .isEqualTo(
                        "There are 87 oranges and 290 bananas in Philip's collection. If the"
                                + " bananas are organized into 2 groups and oranges are organized"
                                + " into 93 groups How big is each group of bananas?");
        assertThat(first.gold()).isEqualTo("145");
        assertThat(first.metadata()).containsExactlyEntriesOf(Map.of("Type", "Common-Division"));
        assertThat(questions).allSatisfy(q -> assertThat(q.gold()).matches("\\d+"));
        Set<String> types = new HashSet<>();
        questions.forEach(q -> types.add(q.metadata().get("Type")));
        assertThat(types)
                .containsExactlyInAnyOrder(
                        "Subtraction",
                        "Addition",
                        "Common-Division",
                        "Common-Divison",
                        "Multiplication");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static List<Question> mapAll(String mapping, String file) throws Exception {
        FieldMapping fieldMapping = FieldMapping.load(mapping);
        List<String> lines = lines(file);
        String source = Path.of(file).getFileName().toString();
        List<Question> questions = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            questions.add(fieldMapping.map(lines.get(i), source, i + 1));
        }
        return questions;
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(Datasets.path(file), StandardCharsets.UTF_8);
    }

    private static String finalLine(String line) {
        String answer = Json.read(line, Map.class).get("answer").toString();
        return answer.substring(answer.lastIndexOf('\n') + 1);
    }
}
