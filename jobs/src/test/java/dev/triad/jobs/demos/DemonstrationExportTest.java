package dev.triad.jobs.demos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.TriadConsole;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.mapping.FieldMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code triad export --format demonstrations}: correct lm2 results as a pool for {@code run}. */
class DemonstrationExportTest {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void anExportOfCorrectResultsIsAPoolTheTriadMappingReads() throws Exception {
        Path results = dir.resolve("results.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            lines.add(
                    Json.write(
                            Result.builder()
                                    .id("q" + i)
                                    .strategy("lm2")
                                    .status(dev.triad.schemas.Status.SOLVED)
                                    .answer("1" + i)
                                    .gold("1" + i)
                                    .correct(i != 3) // q3 is wrong: not a solved example
                                    .simulated(false)
                                    .models(Map.of("decomposer", "openai:http://127.0.0.1:1"))
                                    .concepts(List.of("addition"))
                                    .steps(
                                            List.of(
                                                    new dev.triad.schemas.Step(
                                                            1,
                                                            1,
                                                            "What is 5 + " + i + "?",
                                                            "" + (5 + i),
                                                            new dev.triad.schemas.Verdict(
                                                                    dev.triad.schemas.VerifierClass
                                                                            .NO_MISTAKE,
                                                                    "ok"),
                                                            true,
                                                            null)))
                                    .usage(Map.of())
                                    .latencyMs(10)
                                    .metadata(Map.of())
                                    .finishedAt(1L)
                                    .question("Tom has 5 apples and gets " + i + " more. How many?")
                                    .build()));
        }
        Files.write(results, lines);
        Path pool = dir.resolve("pool.jsonl");
        assertThat(
                        console.run(
                                "export",
                                results.toString(),
                                "--format",
                                "demonstrations",
                                "--validation",
                                "0",
                                "--output",
                                pool.toString()))
                .as(console.err())
                .isZero();

        DemonstrationPool read = DemonstrationPool.read(pool, FieldMapping.load("triad"));

        assertThat(read.examples().stream().map(e -> e.demonstration().id()))
                .containsExactly("q1", "q2");
        Demonstration first = read.examples().get(0).demonstration();
        assertThat(first.question()).isEqualTo("Tom has 5 apples and gets 1 more. How many?");
        assertThat(first.steps()).containsExactly("What is 5 + 1? 6");
        assertThat(first.answer()).isEqualTo("11");
    }
}
