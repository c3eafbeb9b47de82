package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

    @TempDir Path dir;

    private static Result result(
            String id, String strategy, Status status, String gold, Boolean correct, long ms) {
        return new Result(
                id,
                strategy,
                status,
                status == Status.SOLVED ? null : "why",
                "1",
                gold,
                correct,
                true,
                Map.of("profile", "default"),
                Map.of("solver", "sim:default"),
                List.of(),
                List.of(),
                Map.of("solver", new RoleUsage(2, 100, 20, 0, 50)),
                ms,
                Map.of(),
                null);
    }

    @Test
    void countsOutcomesAccuracyUsageAndLatencyPerStrategy() throws IOException {
        Path results = dir.resolve("results.jsonl");
        Path dead = dir.resolve("dead-letters.jsonl");
        Files.write(
                results,
                List.of(
                        Json.write(result("a", "lm2", Status.SOLVED, "1", true, 100)),
                        Json.write(result("b", "lm2", Status.SOLVED, "2", false, 200)),
                        Json.write(result("c", "lm2", Status.UNSOLVED, "3", false, 300)),
                        Json.write(result("d", "lm2", Status.FAILED, "4", false, 4000)),
                        Json.write(result("a", "cot", Status.SOLVED, "1", true, 10))));
        Files.write(dead, List.of("{\"raw\":\"x\"}", "{\"raw\":\"y\"}"));

        RunSummary summary = RunSummary.read(results, dead, List.of("lm2", "cot"), false);

        RunSummary.StrategyStats lm2 = summary.strategies().get("lm2");
        assertThat(lm2.questions()).isEqualTo(4);
        assertThat(lm2.count(Status.SOLVED)).isEqualTo(2);
        assertThat(lm2.count(Status.UNSOLVED)).isEqualTo(1);
        assertThat(lm2.count(Status.FAILED)).isEqualTo(1);
        assertThat(lm2.withGold()).isEqualTo(4);
        assertThat(lm2.correct()).isEqualTo(1);
        assertThat(lm2.usageInRoleOrder().get("solver").calls()).isEqualTo(8);
        assertThat(lm2.latencyPercentile(50)).isBetween(199L, 201L);
        assertThat(summary.deadLetters()).isEqualTo(2);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().findFirst()).contains(RunSummary.SIMULATED_NOTICE);
        assertThat(text).contains("25.0%").contains("100.0%").contains("dead letters: 2");
        assertThat(text.indexOf("lm2")).isLessThan(text.indexOf("cot"));
    }

    @Test
    void withoutGoldAnswersAccuracyIsNotApplicable() throws IOException {
        Path results = dir.resolve("results.jsonl");
        Files.write(results, List.of(Json.write(result("a", "cot", Status.SOLVED, null, null, 5))));

        RunSummary summary =
                RunSummary.read(results, dir.resolve("none.jsonl"), List.of("cot"), false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("n/a");
    }
}
