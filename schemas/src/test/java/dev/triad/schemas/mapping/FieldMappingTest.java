package dev.triad.schemas.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading mappings, mapping single records, and the errors for bad records and bad mappings. */
class FieldMappingTest {

    private static final String GSM8K_LINE =
            "{\"question\": \"Tom has 1,000 apples. How many?\", \"answer\": \"He has"
                    + " <<1000*1=1000>>1000.\\n#### 1,000\"}";

    @TempDir Path dir;

    // ---- loading ---------------------------------------------------------------------------

    @Test
    void everyBuiltInMappingLoadsUnderItsName() {
        assertThat(FieldMapping.builtInNames())
                .containsExactly("gsm8k", "gsm8k-socratic", "math500", "svamp", "triad");
        for (String name : FieldMapping.builtInNames()) {
            assertThat(FieldMapping.load(name).name()).isEqualTo(name);
        }
    }

    @Test
    void aFallbackIdStandsInOnlyWhereTheMappingHasNoId() throws Exception {
        FieldMapping triad = FieldMapping.load("triad");
        FieldMapping gsm8k = FieldMapping.load("gsm8k");
        String gsm8kLine = "{\"question\":\"What is 2 + 3?\",\"answer\":\"#### 5\"}";

        assertThat(triad.map("{\"id\":\"q1\",\"text\":\"t\"}", "in/0", 4, "key").id())
                .isEqualTo("q1");
        assertThat(triad.map("{\"text\":\"t\"}", "in/0", 4, "key").id()).isEqualTo("key");
        assertThat(triad.map("{\"id\":null,\"text\":\"t\"}", "in/0", 4, "key").id())
                .isEqualTo("key");
        assertThat(gsm8k.map(gsm8kLine, "in/0", 4, "in-0-4").id()).isEqualTo("in-0-4");
        assertThat(gsm8k.map(gsm8kLine, "test.jsonl", 4, null).id()).isEqualTo("test.jsonl:4");
        // A present but unusable id is still an error, fallback or not.
        assertThatThrownBy(() -> triad.map("{\"id\":\"\",\"text\":\"t\"}", "in/0", 4, "key"))
                .isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> triad.map("{\"text\":\"t\"}", "in/0", 4, null))
                .isInstanceOf(MappingException.class);
    }

    @Test
    void unknownMappingNameSaysWhatIsKnownAndWhatToDo() {
        assertThatThrownBy(() -> FieldMapping.load("gsm9k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown mapping 'gsm9k'")
                .hasMessageContaining("gsm8k, gsm8k-socratic, math500, svamp, triad")
                .hasMessageContaining("no file at " + Path.of("gsm9k").toAbsolutePath())
                .hasMessageContaining("path to a YAML mapping file");
        assertThatThrownBy(() -> FieldMapping.load(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("built-in mapping");
    }

    @Test
    void aUserMappingFileWorks() throws Exception {
        Path file =
                write(
                        "my-format.yaml",
                        "# a format nobody built in\n"
                                + "id: {field: uid}\n"
                                + "text: \"{title}: {body} {{verbatim}}\"\n"
                                + "gold:\n"
                                + "  field: solution\n"
                                + "  pattern: 'answer is (\\S+)\\.'\n"
                                + "  number: true\n"
                                + "metadata: [grade, source]\n");

        FieldMapping mapping = FieldMapping.load(file.toString());
        Question q =
                mapping.map(
                        "{\"uid\": 17, \"title\": \"Sums\", \"body\": \"What is 1000 + 234?\","
                                + " \"solution\": \"1000 + 234; the answer is 1,234.\\nDone\","
                                + " \"grade\": 3, \"source\": \"book\", \"extra\": [1]}",
                        "mine.jsonl",
                        5);

        assertThat(mapping.name()).isEqualTo("my-format");
        assertThat(q)
                .isEqualTo(
                        new Question(
                                "17",
                                "Sums: What is 1000 + 234? {verbatim}",
                                "1234",
                                null,
                                Map.of("grade", "3", "source", "book")));
    }

    @Test
    void aMappingFileNamesItself() throws Exception {
        Path file = write("x.yml", "name: lines\nid: line\ntext: '{q}'\n");

        FieldMapping mapping = FieldMapping.load(file.toString());

        assertThat(mapping.name()).isEqualTo("lines");
        assertThat(mapping.map("{\"q\": \"Why?\"}", "in.jsonl", 3))
                .isEqualTo(Question.of("in.jsonl:3", "Why?"));
    }

    static Stream<Arguments> badMappingFiles() {
        return Stream.of(
                arguments(
                        "id: line\ntext: '{q}'\ngold: {field: a, patern: x}",
                        "unknown key 'gold.patern'",
                        "the keys there are field, number, optional, pattern, scope"),
                arguments(
                        "id: line\ntext: '{q}'\ngold: {field: a, pattern: '(unclosed'}",
                        "key 'gold.pattern' is not a valid Java regular expression",
                        "fix the pattern"),
                arguments(
                        "id: line\ntext: '{q}'\ngold: {field: a, scope: lastline}",
                        "key 'gold.scope' is 'lastline'",
                        "'whole' or 'last-line'"),
                arguments(
                        "id: line\ntext: '{q}'\ngold: {field: a, number: maybe}",
                        "key 'gold.number' must be true or false",
                        "'maybe'"),
                arguments("id: line\ntext: 'no fields'", "key 'text'", "names no field"),
                arguments("id: line\ntext: '{q'", "key 'text'", "write {{ for a literal brace"),
                arguments("text: '{q}'", "key 'id' is missing", "'line', a field name"),
                arguments("id: line", "key 'text' is missing", "{question}"),
                arguments(
                        "id: line\ntext: '{q}'\ngoldSteps: {field: a, format: prose}",
                        "key 'goldSteps.format' is 'prose'",
                        "'socratic'"),
                arguments(
                        "id: line\ntext: '{q}'\nmetadata: {fields: subject}",
                        "key 'metadata.fields'",
                        "list of field names"),
                arguments("- just\n- a list", "not a YAML mapping", "keys 'id' and 'text'"),
                arguments("id: [line\n", "not valid YAML", "fix the file"));
    }

    @ParameterizedTest
    @MethodSource("badMappingFiles")
    void aBadMappingFileIsRejectedWhenLoaded(String yaml, String what, String fix)
            throws Exception {
        Path file = write("bad.yaml", yaml);

        assertThatThrownBy(() -> FieldMapping.load(file.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Mapping file " + file.toAbsolutePath() + ": ")
                .hasMessageContaining(what)
                .hasMessageContaining(fix);
    }

    // ---- bad records -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"question\": \"Q\", ",
                "{\"question\": \"Q\"} trailing",
                "not json at all",
            })
    void malformedJsonFailsInTheParseStage(String line) {
        assertFails("gsm8k", line, 7, MappingException.PARSE)
                .hasMessageStartingWith("test.jsonl line 7 is not valid JSON: ")
                .hasMessageContaining("fix or remove this line");
    }

    @Test
    void blankLinesAndNonObjectsFailInTheParseStage() {
        assertFails("gsm8k", "   ", 2, MappingException.PARSE)
                .hasMessage(
                        "test.jsonl line 2 is empty. Each line must be one JSON object; fix or"
                                + " remove this line.");
        assertFails("gsm8k", "[1, 2]", 3, MappingException.PARSE)
                .hasMessageContaining("test.jsonl line 3 is JSON but an array, not an object");
    }

    @Test
    void aMissingFieldNamesTheFieldTheLineAndTheMapping() {
        assertFails("gsm8k", "{\"question\": \"Q\"}", 12, MappingException.MAP)
                .hasMessageStartingWith("test.jsonl line 12: field 'answer' is missing or null")
                .hasMessageContaining("mapping 'gsm8k' reads the gold answer from it")
                .hasMessageContaining("use a mapping that matches this input");
        assertFails(
                        "gsm8k",
                        "{\"question\": null, \"answer\": \"#### 1\"}",
                        1,
                        MappingException.MAP)
                .hasMessageContaining("field 'question' is missing or null")
                .hasMessageContaining("the question text ('{question}')");
    }

    @Test
    void anEmptyTextIsRejected() {
        assertFails(
                        "gsm8k",
                        "{\"question\": \"  \", \"answer\": \"#### 1\"}",
                        4,
                        MappingException.MAP)
                .hasMessageContaining(
                        "test.jsonl line 4: the question text built from '{question}'"
                                + " is empty")
                .hasMessageContaining("Fix or remove the record");
    }

    @Test
    void aFieldOfTheWrongTypeIsRejected() {
        assertFails(
                        "gsm8k",
                        "{\"question\": [\"Q\"], \"answer\": \"#### 1\"}",
                        1,
                        MappingException.MAP)
                .hasMessageContaining("field 'question' is an array ([\"Q\"])")
                .hasMessageContaining("needs a string");
        // A number where the text should be is as wrong as an array or a boolean.
        assertFails("gsm8k", "{\"question\": 42, \"answer\": \"#### 1\"}", 1, MappingException.MAP)
                .hasMessageContaining("field 'question' is a number (42)")
                .hasMessageContaining("needs a string");
        assertFails("gsm8k", "{\"question\": \"Q\", \"answer\": 5}", 1, MappingException.MAP)
                .hasMessageContaining("field 'answer' is a number (5)")
                .hasMessageContaining("reads the gold answer from it and needs a string");
        assertFails("svamp", svamp("true"), 1, MappingException.MAP)
                .hasMessageContaining("field 'Answer' is a boolean (true)");
        assertFails("math500", "{\"unique_id\": {}, \"problem\": \"P\"}", 1, MappingException.MAP)
                .hasMessageContaining("field 'unique_id' is an object")
                .hasMessageContaining("a string or an integer");
    }

    @Test
    void aGoldPatternThatDoesNotMatchIsRejected() {
        assertFails(
                        "gsm8k",
                        "{\"question\": \"Q\", \"answer\": \"Work.\\nThe answer is 5\"}",
                        9,
                        MappingException.MAP)
                .hasMessageContaining(
                        "test.jsonl line 9: gold pattern '####\\s*(.+)$' does not match the last"
                                + " line of field 'answer' ('The answer is 5')")
                .hasMessageContaining("change gold.pattern in the mapping");
    }

    @Test
    void aGoldThatShouldBeANumberButIsNotIsRejected() {
        assertFails(
                        "gsm8k",
                        "{\"question\": \"Q\", \"answer\": \"#### five\"}",
                        1,
                        MappingException.MAP)
                .hasMessageContaining("the gold answer 'five' from field 'answer' is not a number")
                .hasMessageContaining("drop gold.number");
        assertFails("svamp", svamp("\"1,23\""), 1, MappingException.MAP)
                .hasMessageContaining("'1,23'");
    }

    @Test
    void aSocraticLineWithoutTheSeparatorIsRejected() {
        assertFails(
                        "gsm8k-socratic",
                        "{\"question\": \"Q\", \"answer\": \"How many? ** 2 + 2 = 4\\nSo 4.\\n####"
                                + " 4\"}",
                        3,
                        MappingException.MAP)
                .hasMessageContaining("line 2 of field 'answer' has no '**'")
                .hasMessageContaining("'subquestion ** solution'");
    }

    // ---- good records ----------------------------------------------------------------------

    @Test
    void gsm8kGoldLosesItsThousandsCommasAndKeepsItsSign() throws Exception {
        FieldMapping gsm8k = FieldMapping.load("gsm8k");

        assertThat(gsm8k.map(GSM8K_LINE, "test.jsonl", 1).gold()).isEqualTo("1000");
        assertThat(gsm8k.map(GSM8K_LINE.replace("#### 1,000", "#### -1,000"), "t", 1).gold())
                .isEqualTo("-1000");
        // A byte order mark on the first line is not part of the JSON.
        assertThat(gsm8k.map("\uFEFF" + GSM8K_LINE, "test.jsonl", 1).id())
                .isEqualTo("test.jsonl:1");
    }

    @ParameterizedTest
    @CsvSource({"145.0, 145", "2.5, 2.5", "-3, -3", "2.50, 2.5", "1e3, 1000", "'\"1,234\"', 1234"})
    void svampAnswersAreWrittenCanonically(String answer, String gold) throws Exception {
        assertThat(FieldMapping.load("svamp").map(svamp(answer), "test.jsonl", 1).gold())
                .isEqualTo(gold);
    }

    @Test
    void theTriadMappingReadsBackWhatAQuestionWrites() throws Exception {
        FieldMapping triad = FieldMapping.load("triad");
        Question full =
                new Question(
                        "gen-1",
                        "Ann has 2 pens and buys 3. How many pens?",
                        "5",
                        List.of(new GoldStep("How many pens does Ann buy?", "3")),
                        Map.of("generator", "add", "seed", "1"));
        Question bare = Question.of("gen-2", "What is 1 + 1?");

        assertThat(triad.map(Json.write(full), "gen.jsonl", 1)).isEqualTo(full);
        assertThat(triad.map(Json.write(bare), "gen.jsonl", 2)).isEqualTo(bare);
        assertThat(
                        triad.map(
                                "{\"id\": \"g\", \"text\": \"T\", \"goldSteps\": [{\"subquestion\":"
                                        + " \"S\", \"answer\": 4.0}], \"metadata\": {\"n\": 1}}",
                                "gen.jsonl",
                                3))
                .isEqualTo(
                        new Question(
                                "g", "T", null, List.of(new GoldStep("S", "4")), Map.of("n", "1")));
        assertFails(
                        "triad",
                        "{\"id\": \"g\", \"text\": \"T\", \"goldSteps\": [{\"answer\": \"4\"}]}",
                        1,
                        MappingException.MAP)
                .hasMessageContaining("goldSteps[0].subquestion is missing");
    }

    @Test
    void aMappingSurvivesJavaSerialization() throws Exception {
        for (String name : FieldMapping.builtInNames()) {
            FieldMapping original = FieldMapping.load(name);
            FieldMapping copy = roundTrip(original);
            assertThat(copy.name()).isEqualTo(name);
        }
        FieldMapping gsm8k = roundTrip(FieldMapping.load("gsm8k-socratic"));
        Question q =
                gsm8k.map(
                        "{\"question\": \"Q\", \"answer\": \"How many? ** 2 + 2 = <<2+2=4>>4\\n####"
                                + " 4\"}",
                        "s.jsonl",
                        2);
        assertThat(q)
                .isEqualTo(
                        new Question(
                                "s.jsonl:2",
                                "Q",
                                "4",
                                List.of(new GoldStep("How many?", "4")),
                                null));
        assertFails(
                        roundTrip(FieldMapping.load("gsm8k")),
                        "{\"question\": \"Q\", \"answer\": \"4\"}",
                        1,
                        MappingException.MAP)
                .hasMessageContaining("does not match");
    }

    // ---- the parts -------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "'1,234', 1234",
        "145.0, 145",
        "2.5, 2.5",
        "-3, -3",
        "+7, 7",
        ".5, 0.5",
        "'  42 ', 42",
        "'1,234,567.50', 1234567.5",
        "-0, 0"
    })
    void numbersAreWrittenCanonically(String text, String canonical) {
        assertThat(Numbers.canonical(text)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", ".", "1,23", "12,3456", "five", "3/4", "$5", "1.2.3"})
    void nonNumbersAreNotNumbers(String text) {
        assertThat(Numbers.canonical(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "She makes 9 * 2 = $<<9*2=18>>18 every day.| 18",
                "80,000+50,000=$<<80000+50000=130000>>130,000| 130000",
                "<<1/4=.25>>.25 of it, then <<3*2=6>>6 more| 6",
                "The total is 1,200 dollars.| 1200",
                "He has 5-3 = 2 left.| 2",
                "It fell to -4 degrees.| -4",
                "It costs 1.5 each.| 1.5",
                "Let x be the number of camels.| Let x be the number of camels.",
            })
    void aSocraticStepAnswerIsTheLastCalculationElseTheLastNumber(String solution, String answer) {
        assertThat(SocraticSteps.answer(solution)).isEqualTo(answer);
    }

    @Test
    void aTemplateMustBeWellFormed() {
        assertThat(TextTemplate.parse("{a} {{b}} {c}").template()).isEqualTo("{a} {{b}} {c}");
        assertThatThrownBy(() -> TextTemplate.parse("{a} }"))
                .hasMessageContaining("unmatched '}' at position 4");
        assertThatThrownBy(() -> TextTemplate.parse("{}"))
                .hasMessageContaining("'{' at position 0");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String svamp(String answer) {
        return "{\"ID\": \"chal-1\", \"Body\": \"B.\", \"Question\": \"Q?\", \"Answer\": "
                + answer
                + ", \"Type\": \"Addition\"}";
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
            String mapping, String line, long lineNumber, String stage) {
        return assertFails(FieldMapping.load(mapping), line, lineNumber, stage);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
            FieldMapping mapping, String line, long lineNumber, String stage) {
        return assertThatThrownBy(() -> mapping.map(line, "test.jsonl", lineNumber))
                .isInstanceOf(MappingException.class)
                .satisfies(e -> assertThat(((MappingException) e).stage()).isEqualTo(stage));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static FieldMapping roundTrip(FieldMapping mapping) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mapping);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (FieldMapping) in.readObject();
        }
    }
}
