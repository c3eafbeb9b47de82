package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.model.Role;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModelBinding;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a MiniCluster at parallelism 2, with simulated models (profile zero). */
class TriadJobITCase {

    private static final int PARALLELISM = 2;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path dir;

    @Test
    void everyGeneratedQuestionGetsExactlyOneValidResultPerStrategy() throws Exception {
        List<String> lines = generated(1_000, 11);
        Path input = write("generated.jsonl", lines);

        Output output = run(input, 20_000, Long.MAX_VALUE);

        assertThat(output.results()).hasSize(2_000);
        assertThat(output.deadLetters()).isEmpty();
        Set<String> pairs = new HashSet<>();
        for (Result r : output.results()) {
            assertThat(pairs.add(r.id() + "|" + r.strategy()))
                    .as("(%s, %s) once", r.id(), r.strategy())
                    .isTrue();
        }
        Set<String> ids =
                lines.stream()
                        .map(l -> Json.read(l, Question.class).id())
                        .collect(Collectors.toSet());
        for (String strategy : STRATEGIES) {
            assertThat(
                            output.results().stream()
                                    .filter(r -> r.strategy().equals(strategy))
                                    .map(Result::id)
                                    .collect(Collectors.toSet()))
                    .isEqualTo(ids);
        }
        assertThat(output.results()).allSatisfy(r -> assertThat(r.simulated()).isTrue());
        SchemaValidator schema = SchemaValidator.result();
        for (String line : output.resultLines()) {
            assertThat(schema.violations(line)).as(line).isEmpty();
        }
    }

    @Test
    void badLinesBecomeExactlyTheDeadLettersAndEveryOtherLineGetsItsResults() throws Exception {
        List<String> good = generated(300, 12);
        String malformed = "{\"id\": \"broken\", \"text\": \"cut off";
        String notAnObject = "[\"a\", \"list\"]";
        String missingText = "{\"id\": \"no-text\", \"gold\": \"3\"}";
        String emptyText = "{\"id\": \"empty-text\", \"text\": \"\"}";
        String oversize = "{\"id\": \"too-long\", \"text\": \"" + "a".repeat(600) + "\"}";
        String duplicate = good.get(10); // the same line again: the same id
        List<String> lines = new ArrayList<>(good);
        lines.add(0, malformed);
        lines.add(50, missingText);
        lines.add(51, ""); // blank: neither a question nor a dead letter
        lines.add(120, oversize);
        lines.add(121, notAnObject);
        lines.add(200, duplicate);
        lines.add(emptyText);
        Path input = write("mixed.jsonl", lines);

        Output output = run(input, 500, Long.MAX_VALUE);

        List<String> bad =
                List.of(malformed, notAnObject, missingText, emptyText, oversize, duplicate);
        assertThat(output.deadLetters())
                .extracting(DeadLetter::raw)
                .containsExactlyInAnyOrderElementsOf(bad);
        Map<String, String> stageByRaw =
                output.deadLetters().stream()
                        .collect(Collectors.toMap(DeadLetter::raw, DeadLetter::stage));
        assertThat(stageByRaw)
                .containsEntry(malformed, "parse")
                .containsEntry(notAnObject, "parse")
                .containsEntry(missingText, "map")
                .containsEntry(emptyText, "map")
                .containsEntry(oversize, "validate")
                .containsEntry(duplicate, "dedupe");
        for (DeadLetter dead : output.deadLetters()) {
            int lineNumber = Integer.parseInt(dead.source().substring("mixed.jsonl:".length()));
            assertThat(lines.get(lineNumber - 1)).as(dead.source()).isEqualTo(dead.raw());
            assertThat(dead.reason()).isNotBlank();
        }
        long nonBlank = lines.stream().filter(l -> !l.isBlank()).count();
        assertThat(nonBlank)
                .isEqualTo(
                        output.results().size() / STRATEGIES.size() + output.deadLetters().size());
        assertThat(output.results()).hasSize(good.size() * STRATEGIES.size());
        SchemaValidator schema = SchemaValidator.deadLetter();
        for (String line : output.deadLetterLines()) {
            assertThat(schema.violations(line)).as(line).isEmpty();
        }
    }

    @Test
    void theLimitKeepsTheFirstQuestionsOfAFolder() throws Exception {
        List<String> lines = generated(100, 13);
        Path folder = dir.resolve("in");
        Files.createDirectories(folder);
        // Created in reverse name order: the folder is still read in name order.
        Files.write(folder.resolve("b.jsonl"), lines.subList(40, 100));
        Files.write(folder.resolve("a.jsonl"), lines.subList(0, 40));

        Output all = run(folder, 20_000, Long.MAX_VALUE);
        Output limited = run(folder, 20_000, 30);

        assertThat(all.results()).hasSize(200);
        assertThat(limited.results()).hasSize(60);
        Set<String> first30 =
                lines.subList(0, 30).stream()
                        .map(l -> Json.read(l, Question.class).id())
                        .collect(Collectors.toSet());
        assertThat(limited.results().stream().map(Result::id).collect(Collectors.toSet()))
                .isEqualTo(first30);
    }

    private record Output(
            List<String> resultLines,
            List<Result> results,
            List<String> deadLetterLines,
            List<DeadLetter> deadLetters) {}

    private Output run(Path input, int maxQuestionChars, long limit) throws Exception {
        Path out = Files.createTempDirectory(dir, "out");
        OutputLayout layout = OutputLayout.in(out);
        layout.prepare();
        Reasoning.Builder reasoning = Reasoning.builder().strategies(STRATEGIES);
        for (Role role : Role.values()) {
            reasoning.model(role, SimulatedModelBinding.forProfile("zero", 5));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(500);
        TriadJob.builder()
                .source(JsonlFiles.source(input))
                .parser(new QuestionParser(FieldMapping.load("triad"), maxQuestionChars))
                .limit(limit)
                .reasoning(reasoning.build())
                .results(layout.resultsSink())
                .deadLetters(layout.deadLettersSink())
                .build()
                .execute(env, "triad test");
        layout.merge();
        List<String> resultLines = Files.readAllLines(layout.resultsFile());
        List<String> deadLines = Files.readAllLines(layout.deadLettersFile());
        return new Output(
                resultLines,
                resultLines.stream().map(l -> Json.read(l, Result.class)).toList(),
                deadLines,
                deadLines.stream().map(l -> Json.read(l, DeadLetter.class)).toList());
    }

    private static List<String> generated(int count, long seed) throws IOException {
        StringWriter text = new StringWriter();
        ProblemGenerator.writeJsonl(count, seed, text);
        return text.toString().lines().toList();
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
