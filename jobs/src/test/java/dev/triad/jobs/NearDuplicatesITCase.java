package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.jobs.similar.NearDuplicateCheck;
import dev.triad.jobs.similar.NearDuplicateFunction;
import dev.triad.jobs.similar.NearDuplicatePolicy;
import dev.triad.model.Role;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.SimulatedModelBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with {@code --near-duplicates} on a MiniCluster at parallelism 2: questions embedded by
 * the bundled model through the async operator, a reworded question marked or dropped, the others
 * untouched.
 */
class NearDuplicatesITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private static final List<String> TEXTS =
            List.of(
                    "Tom has 5 apples and buys 3 more. How many apples does he have?",
                    "A train travels 60 miles per hour for 2 hours. How far does it go?",
                    "A bakery sells 12 cakes a day at $15 each. How much does it earn in a week?",
                    "Sara reads 20 pages a day. How many pages does she read in 6 days?",
                    "Tom has 5 apples and then buys 3 more. How many apples does Tom have?");

    private record Output(List<Result> results, List<DeadLetter> deadLetters) {}

    private Output run(NearDuplicatePolicy policy) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            lines.add(Json.write(Map.of("id", "q" + (i + 1), "text", TEXTS.get(i), "gold", "1")));
        }
        Path input = dir.resolve(policy.optionValue() + ".jsonl");
        Files.write(input, lines);
        Path out = Files.createTempDirectory(dir, "out");
        OutputLayout layout = OutputLayout.in(out);
        layout.prepare();
        Reasoning.Builder reasoning = Reasoning.builder().strategies(List.of("cot"));
        for (Role role : Role.values()) {
            reasoning.model(role, SimulatedModelBinding.forProfile("zero", 5));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        TriadJob.builder()
                .source(JsonlFiles.source(input))
                .parser(new QuestionParser(FieldMapping.load("triad"), 20_000))
                .reasoning(reasoning.build())
                .results(layout.resultsSink())
                .deadLetters(layout.deadLettersSink())
                .nearDuplicates(
                        new NearDuplicateCheck(
                                policy, 0.90, EmbeddingSettings.builder().batchSize(4).build()))
                .build()
                .execute(env, "near-duplicates test");
        layout.merge();
        return new Output(
                Files.readAllLines(layout.resultsFile()).stream()
                        .map(l -> Json.read(l, Result.class))
                        .toList(),
                Files.readAllLines(layout.deadLettersFile()).stream()
                        .map(l -> Json.read(l, DeadLetter.class))
                        .toList());
    }

    @Test
    void markRunsEveryQuestionAndMarksOnlyTheRewordedOne() throws Exception {
        Output output = run(NearDuplicatePolicy.MARK);

        assertThat(output.deadLetters()).isEmpty();
        assertThat(output.results()).hasSize(TEXTS.size());
        List<Result> marked =
                output.results().stream()
                        .filter(r -> r.metadata().containsKey(NearDuplicateFunction.DUPLICATE_OF))
                        .toList();
        // Arrival order decides which of the two is "first"; either way the pair is (q1, q5).
        assertThat(marked).hasSize(1);
        Result duplicate = marked.get(0);
        assertThat(
                        List.of(
                                duplicate.id(),
                                duplicate.metadata().get(NearDuplicateFunction.DUPLICATE_OF)))
                .containsExactlyInAnyOrder("q1", "q5");
        assertThat(Double.parseDouble(duplicate.metadata().get(NearDuplicateFunction.SCORE)))
                .isBetween(0.90, 1.0);
    }

    @Test
    void dropTurnsTheRewordedQuestionIntoADeadLetter() throws Exception {
        Output output = run(NearDuplicatePolicy.DROP);

        assertThat(output.results()).hasSize(TEXTS.size() - 1);
        assertThat(output.deadLetters())
                .singleElement()
                .satisfies(
                        dead -> {
                            assertThat(dead.stage()).isEqualTo(NearDuplicateFunction.STAGE);
                            assertThat(List.of("q1", "q5")).contains(dead.source());
                        });
        SchemaValidator schema = SchemaValidator.deadLetter();
        assertThat(schema.violations(Json.write(output.deadLetters().get(0)))).isEmpty();
    }
}
