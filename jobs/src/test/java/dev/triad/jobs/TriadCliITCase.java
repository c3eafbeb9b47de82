package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.cli.RunSummary;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad run} and {@code triad demo} end to end in this JVM: an embedded MiniCluster with the
 * progress reporter, part files merged, the summary printed.
 */
class TriadCliITCase {

    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int triad(String... args) {
        return TriadCli.execute(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    @Test
    void runWritesResultsAndDeadLettersAndPrintsASimulatedSummary() throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(triad("generate", "--count", "60", "--seed", "3", "--output", input.toString()))
                .isZero();
        Files.writeString(input, "not json\n", java.nio.file.StandardOpenOption.APPEND);
        Path output = dir.resolve("out");

        int code =
                triad(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        "lm2,cot,plan-solve",
                        "--parallelism",
                        "2");

        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isZero();
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).hasSize(180);
        List<String> dead = Files.readAllLines(output.resolve("dead-letters.jsonl"));
        assertThat(dead).hasSize(1);
        assertThat(Json.read(dead.get(0), DeadLetter.class).raw()).isEqualTo("not json");
        assertThat(stdout.lines().findFirst()).contains(RunSummary.SIMULATED_NOTICE);
        assertThat(stdout).contains("lm2", "cot", "plan-solve", "p50 latency", "dead letters: 1");
        assertThat(stderr).contains("done: 180 results");
        assertThat(output.resolve("parts")).doesNotExist();
    }

    @Test
    void demoRunsLm2AndCotOnTheSampleWithTwoMalformedLines() throws Exception {
        Path output = dir.resolve("demo");

        int code = triad("demo", "--count", "30", "--output", output.toString());

        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isZero();
        assertThat(stderr).contains("deliberately malformed");
        assertThat(Files.readAllLines(output.resolve("sample.jsonl"))).hasSize(32);
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).hasSize(60);
        assertThat(Files.readAllLines(output.resolve("dead-letters.jsonl"))).hasSize(2);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith(RunSummary.SIMULATED_NOTICE)
                .contains("accuracy");
    }
}
