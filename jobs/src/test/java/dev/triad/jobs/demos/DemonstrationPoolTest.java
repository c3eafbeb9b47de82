package dev.triad.jobs.demos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.embed.NeighbourIndex;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.mapping.FieldMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemonstrationPoolTest {

    static final Path GSM8K_TRAIN = Path.of("../../shared/datasets/gsm8k/train.jsonl");

    /** The example mapping shipped for GSM8K's train split (from the repository root). */
    static final String GSM8K_TRAIN_MAPPING = "../examples/mappings/gsm8k-train.yaml";

    @TempDir Path dir;

    @Test
    void gsm8kTrainThroughTheExampleMappingGivesWorkedStepsWithoutAnnotations() throws Exception {
        Path pool = dir.resolve("train.jsonl");
        try (Stream<String> lines = Files.lines(GSM8K_TRAIN)) {
            Files.write(pool, lines.limit(20).toList());
        }

        DemonstrationPool read =
                DemonstrationPool.read(pool, FieldMapping.load(GSM8K_TRAIN_MAPPING));

        assertThat(read.size()).isEqualTo(20);
        assertThat(read.sha256()).isEqualTo(DemonstrationPool.sha256(pool)).hasSize(64);
        Demonstration natalia = read.examples().get(0).demonstration();
        assertThat(natalia.id()).isEqualTo("train.jsonl:1");
        assertThat(natalia.question()).startsWith("Natalia sold clips to 48 of her friends");
        assertThat(natalia.steps())
                .containsExactly(
                        "Natalia sold 48/2 = 24 clips in May.",
                        "Natalia sold 48+24 = 72 clips altogether in April and May.");
        assertThat(natalia.answer()).isEqualTo("72");
        assertThat(read.examples())
                .allSatisfy(
                        e ->
                                assertThat(String.join(" ", e.demonstration().steps()))
                                        .doesNotContain("<<", ">>", "####"));
    }

    @Test
    void anExportIsReadWithTheTriadMappingSubquestionsBesideTheirAnswers() throws Exception {
        Path pool = dir.resolve("demos.jsonl");
        Files.writeString(
                pool,
                "{\"id\":\"q-7\",\"text\":\"Tom has 3 bags of 4 apples. How many apples?\","
                        + "\"gold\":\"12\",\"goldSteps\":[{\"subquestion\":\"How many apples"
                        + " in 3 bags of 4?\",\"answer\":\"12\"}],\"metadata\":{\"strategy\":"
                        + "\"lm2\",\"simulated\":true}}\n\n");

        DemonstrationPool read = DemonstrationPool.read(pool, FieldMapping.load("triad"));

        assertThat(read.examples())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.demonstration().id()).isEqualTo("q-7");
                            assertThat(e.demonstration().steps())
                                    .containsExactly("How many apples in 3 bags of 4? 12");
                            assertThat(e.demonstration().answer()).isEqualTo("12");
                        });
    }

    @Test
    void aLineWithoutTheMappedFieldsNamesTheFileAndLine() throws Exception {
        Path pool = dir.resolve("bad.jsonl");
        Files.writeString(
                pool,
                "{\"question\":\"What is 2+2?\",\"answer\":\"2+2=4\\n#### 4\"}\n"
                        + "{\"question\":\"What is 3+3?\"}\n");

        assertThatThrownBy(
                        () -> DemonstrationPool.read(pool, FieldMapping.load(GSM8K_TRAIN_MAPPING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pool + ":2")
                .hasMessageContaining("answer")
                .hasMessageContaining("fix or remove the line");
    }

    @Test
    void anExampleWithoutStepsIsRefused() throws Exception {
        Path pool = dir.resolve("no-steps.jsonl");
        Files.writeString(pool, "{\"id\":\"a\",\"text\":\"What is 2+2?\",\"gold\":\"4\"}\n");

        assertThatThrownBy(() -> DemonstrationPool.read(pool, FieldMapping.load("triad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pool + ":1")
                .hasMessageContaining("no steps (goldSteps)");
    }

    @Test
    void anEmptyPoolAMissingFileAndAMappingWithoutStepsAreRefused() throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "\n\n");
        assertThatThrownBy(() -> DemonstrationPool.read(empty, FieldMapping.load("triad")))
                .hasMessageContaining("holds no examples");
        assertThatThrownBy(
                        () ->
                                DemonstrationPool.read(
                                        dir.resolve("nope.jsonl"), FieldMapping.load("triad")))
                .hasMessageContaining("no such file")
                .hasMessageContaining("--format demonstrations");
        assertThatThrownBy(() -> DemonstrationPool.read(empty, FieldMapping.load("gsm8k")))
                .hasMessageContaining("no steps (goldSteps)")
                .hasMessageContaining("gsm8k-train.yaml");
    }

    @Test
    void retrievalNeverShowsTheQuestionItselfAndCountsTheCopiesItSkips() throws Exception {
        Path pool = dir.resolve("pool.jsonl");
        Files.write(
                pool,
                List.of(
                        line("p1", "Tom has 5 apples. He buys 3 more. How many apples?"),
                        line("p2", "Tom owns 5 apples and then buys 3 more; how many now?"),
                        line("p3", "A train goes 60 miles an hour for 2 hours. How far?"),
                        line("p4", "Sara reads 20 pages a day. How many pages in 6 days?"),
                        line("p5", "A bakery sells 12 cakes a day. How many in a week?")));
        DemonstrationPool read = DemonstrationPool.read(pool, FieldMapping.load("triad"));
        // Vectors by hand: p1, p2 are the question (p2 reworded), p3 is near, p4 nearer than p5.
        float[] question = unit(1, 0, 0);
        List<float[]> vectors =
                List.of(
                        unit(1, 0, 0),
                        unit(1, 0.01f, 0),
                        unit(1, 1, 0),
                        unit(1, 2, 0),
                        unit(0, 0, 1));
        PoolIndex index = new PoolIndex(read, NeighbourIndex.build(vectors, 10));

        Demonstrations found =
                index.retrieve(
                        "Tom has 5 apples. He buys 3 more. How many apples?", question, 2, 0.95);

        assertThat(found.ids()).containsExactly("p3", "p4");
        assertThat(found.skipped()).isEqualTo(2);
        assertThat(found.sha256()).isEqualTo(read.sha256());
        assertThat(found.examples().get(0).score()).isBetween(0.70, 0.71);

        // A cut above 1 skips only the same text (normalised), not the reworded copy.
        Demonstrations sameTextOnly =
                index.retrieve(
                        "Tom has 5 apples. He buys 3 more. How many apples?", question, 2, 1.01);
        assertThat(sameTextOnly.ids()).containsExactly("p2", "p3");
        assertThat(sameTextOnly.skipped()).isEqualTo(1);
    }

    @Test
    void normalisingIgnoresCasePunctuationAndSpacing() {
        assertThat(DemonstrationPool.normalise("  Tom has 5 apples.\nHow many?  "))
                .isEqualTo(DemonstrationPool.normalise("tom HAS 5 apples -- how many"));
    }

    private static String line(String id, String text) {
        return "{\"id\":\""
                + id
                + "\",\"text\":\""
                + text
                + "\",\"gold\":\"1\",\"goldSteps\":[{\"subquestion\":\"s?\",\"answer\":\"1\"}]}";
    }

    private static float[] unit(float... v) {
        float norm = (float) Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new float[] {v[0] / norm, v[1] / norm, v[2] / norm};
    }
}
