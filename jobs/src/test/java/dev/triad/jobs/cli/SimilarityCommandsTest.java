package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.ExitCodes;
import dev.triad.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code triad dedupe} and {@code triad contamination} with the bundled model, end to end. */
class SimilarityCommandsTest {

    private static final String APPLES =
            "Tom has 5 apples and buys 3 more. How many apples does he have?";
    private static final String APPLES_REWORDED =
            "Tom has 5 apples and then buys 3 more. How many apples does Tom have?";
    private static final String TRAIN =
            "A train travels 60 miles per hour for 2 hours. How far does it go?";
    private static final String BAKERY =
            "A bakery sells 12 cakes a day at $15 each. How much does it earn in a week?";

    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run triad(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                TriadCli.execute(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        args);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path questions(String name, String... texts) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < texts.length; i++) {
            lines.append(
                    Json.write(java.util.Map.of("id", name + "-" + (i + 1), "text", texts[i])));
            lines.append('\n');
        }
        Path file = dir.resolve(name + ".jsonl");
        Files.writeString(file, lines.toString());
        return file;
    }

    @Test
    void dedupeFindsTheRewordedQuestionAndNotTheOthers() throws Exception {
        Path input = questions("q", APPLES, TRAIN, APPLES_REWORDED, BAKERY);

        Run run = triad("dedupe", "--input", input.toString(), "--json");

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.get("pairsFound").asLong()).isEqualTo(1);
        JsonNode pair = report.get("pairs").get(0);
        assertThat(pair.get("first").get("id").asText()).isEqualTo("q-1");
        assertThat(pair.get("first").get("line").asLong()).isEqualTo(1);
        assertThat(pair.get("first").get("text").asText()).isEqualTo(APPLES);
        assertThat(pair.get("second").get("id").asText()).isEqualTo("q-3");
        assertThat(pair.get("second").get("line").asLong()).isEqualTo(3);
        assertThat(pair.get("score").asDouble()).isBetween(0.90, 1.0);
        assertThat(run.err()).contains("embedded 4 of 4 questions");
    }

    @Test
    void contaminationNamesTheTestQuestionWithANearCopyInTrain() throws Exception {
        Path train = questions("train", TRAIN, APPLES, BAKERY);
        Path test =
                questions(
                        "test",
                        "Sara reads 20 pages a day. How many pages does she read in 6 days?",
                        APPLES_REWORDED);

        Run json =
                triad(
                        "contamination",
                        "--train",
                        train.toString(),
                        "--test",
                        test.toString(),
                        "--json");

        assertThat(json.code()).as(json.err()).isEqualTo(ExitCodes.OK);
        JsonNode report = Json.mapper().readTree(json.out());
        assertThat(report.get("questionsInPairs").get("test").asLong()).isEqualTo(1);
        JsonNode pairs = report.get("pairs");
        assertThat(pairs).hasSize(1);
        assertThat(pairs.get(0).get("train").get("id").asText()).isEqualTo("train-2");
        assertThat(pairs.get(0).get("test").get("id").asText()).isEqualTo("test-2");
        assertThat(pairs.get(0).get("test").get("line").asLong()).isEqualTo(2);

        Run text =
                triad(
                        "contamination",
                        "--train",
                        train.toString(),
                        "--test",
                        test.toString(),
                        "--threshold",
                        "0.5");
        assertThat(text.code()).as(text.err()).isEqualTo(ExitCodes.OK);
        assertThat(text.out())
                .contains("test questions with a near copy in train: ")
                .contains("train-2 (train.jsonl:2) " + APPLES)
                .contains("test-2 (test.jsonl:2) " + APPLES_REWORDED);
    }

    @Test
    void unusableOptionsExitTwoNamingTheOption() throws Exception {
        Path input = questions("q", APPLES);
        Run missing = triad("dedupe", "--input", dir.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("--input").contains("nope.jsonl does not exist");

        Run threshold = triad("dedupe", "--input", input.toString(), "--threshold", "1.5");
        assertThat(threshold.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(threshold.err()).contains("--threshold must be a cosine similarity");

        Path empty = Files.createDirectory(dir.resolve("model"));
        Run model =
                triad("dedupe", "--input", input.toString(), "--embedding-model", empty.toString());
        assertThat(model.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(model.err()).contains(empty.toString()).contains("no model.onnx");

        Run mapping = triad("dedupe", "--input", input.toString(), "--mapping", "gsm8k");
        assertThat(mapping.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(mapping.err()).contains("holds no question under mapping 'gsm8k'");
    }

    @Test
    void runRejectsNearDuplicateTuningWithoutTheCheck() throws Exception {
        Path input = questions("run", APPLES);
        for (List<String> args :
                List.of(
                        List.of("--near-duplicates", "maybe"),
                        List.of("--near-duplicate-threshold", "0.9"),
                        List.of("--near-duplicates", "mark", "--near-duplicate-threshold", "2"))) {
            java.util.ArrayList<String> all =
                    new java.util.ArrayList<>(
                            List.of(
                                    "run",
                                    "--input",
                                    input.toString(),
                                    "--output",
                                    dir.resolve("out").toString()));
            all.addAll(args);
            Run run = triad(all.toArray(String[]::new));
            assertThat(run.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).contains("--near-duplicate");
        }
    }
}
