package dev.triad.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
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
        return Result.builder()
                .id(id)
                .strategy(strategy)
                .status(status)
                .reason(status == Status.SOLVED ? null : "why")
                .answer("1")
                .gold(gold)
                .correct(correct)
                .simulated(true)
                .simulator(Map.of("profile", "default"))
                .models(Map.of("solver", "sim:default"))
                .concepts(List.of())
                .steps(List.of())
                .usage(Map.of("solver", new RoleUsage(2, 100, 20, 0, 50)))
                .latencyMs(ms)
                .metadata(Map.of())
                .build();
    }

    @Test
    void countsOutcomesAccuracyUsageAndLatencyPerStrategy() throws Exception {
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

        String text = text(summary);
        assertThat(text.lines().findFirst()).contains(SimulatedNotice.TEXT);
        assertThat(text).contains("25.0%").contains("100.0%").contains("dead letters: 2");
        assertThat(text.indexOf("lm2")).isLessThan(text.indexOf("cot"));
    }

    @Test
    void aRunOfARealModelNamesItsWeightsAndItsOwnPromptsAndASimulatedOneNeither() throws Exception {
        Result simulated = result("a", "cot", Status.SOLVED, "1", true, 5);
        Result real =
                Result.builder()
                        .id("b")
                        .strategy("cot")
                        .status(Status.SOLVED)
                        .answer("1")
                        .gold("1")
                        .correct(true)
                        .simulated(false)
                        .models(Map.of("solver", "openai:http://h/v1#m?model-file=m.gguf"))
                        .concepts(List.of())
                        .steps(List.of())
                        .usage(Map.of("solver", new RoleUsage(1, 10, 1, 0, 5)))
                        .latencyMs(5)
                        .metadata(Map.of())
                        .prompts(
                                new dev.triad.schemas.PromptSetIdentity(
                                        "my-prompts", "v1", "ab".repeat(32)))
                        .modelIdentity(
                                Map.of(
                                        "solver",
                                        new dev.triad.schemas.ModelIdentity(
                                                "m.gguf", "cd".repeat(32), "llama.cpp-80fb11a")))
                        .build();
        Path simulatedFile = dir.resolve("simulated.jsonl");
        Files.write(simulatedFile, List.of(Json.write(simulated)));
        Path realFile = dir.resolve("real.jsonl");
        Files.write(realFile, List.of(Json.write(real)));

        String realText =
                text(RunSummary.read(realFile, dir.resolve("none.jsonl"), List.of("cot"), false));
        assertThat(realText.lines().limit(2))
                .containsExactly(
                        "model solver: m.gguf (sha256 cdcdcdcdcdcd…) on llama.cpp-80fb11a via"
                                + " openai:http://h/v1#m?model-file=m.gguf",
                        "prompts my-prompts (sha256 abababababab…, over v1)");
        assertThat(
                        text(
                                RunSummary.read(
                                        simulatedFile,
                                        dir.resolve("none.jsonl"),
                                        List.of("cot"),
                                        true)))
                .doesNotContain("model ")
                .doesNotContain("prompts ");
    }

    @Test
    void withoutGoldAnswersAccuracyIsNotApplicable() throws Exception {
        Path results = dir.resolve("results.jsonl");
        Files.write(results, List.of(Json.write(result("a", "cot", Status.SOLVED, null, null, 5))));

        RunSummary summary =
                RunSummary.read(results, dir.resolve("none.jsonl"), List.of("cot"), false);

        assertThat(text(summary)).contains("n/a");
    }

    @Test
    void withCostsInTheResultsTheSummaryShowsTheEstimatedCostPerRoleInTotalAndPerQuestion()
            throws Exception {
        Path results = dir.resolve("results.jsonl");
        Files.write(
                results,
                List.of(
                        Json.write(priced("a", "lm2", 0.25, 0.5)),
                        Json.write(priced("b", "lm2", 0.25, 1.0)),
                        Json.write(priced("a", "cot", 0.0, 0.125))));

        RunSummary summary =
                RunSummary.read(results, dir.resolve("none.jsonl"), List.of("lm2", "cot"), false);
        RunSummary.StrategyStats lm2 = summary.strategies().get("lm2");
        assertThat(lm2.pricedQuestions()).isEqualTo(2);
        assertThat(lm2.cost()).isEqualTo(2.0);
        assertThat(lm2.costPerQuestion()).isEqualTo(1.0);
        assertThat(lm2.usageInRoleOrder().get("solver").cost()).isEqualTo(1.5);
        assertThat(lm2.usageInRoleOrder().get("solver").replicas())
                .isEqualTo(Map.of("http://gpu-1", 4L));

        List<String> lines = text(summary).lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("lm2 +solver +4 +200 +40 +1\\.50"));
        assertThat(lines).anyMatch(l -> l.matches("lm2 +decomposer +4 +200 +40 +0\\.5000"));
        assertThat(lines)
                .anyMatch(l -> l.matches("strategy +priced questions +est\\. cost +cost/question"));
        assertThat(lines).anyMatch(l -> l.matches("lm2 +2 +2\\.00 +1\\.00"));
        assertThat(lines).anyMatch(l -> l.matches("cot +1 +0\\.1250 +0\\.1250"));
    }

    @Test
    void withoutCostsTheSummaryHasNoCostColumns() throws Exception {
        Path results = dir.resolve("results.jsonl");
        Files.write(results, List.of(Json.write(result("a", "cot", Status.SOLVED, null, null, 5))));

        RunSummary summary =
                RunSummary.read(results, dir.resolve("none.jsonl"), List.of("cot"), false);

        assertThat(text(summary)).doesNotContain("cost");
        assertThat(summary.strategies().get("cot").cost()).isNull();
    }

    /** The summary as printed. */
    static String text(RunSummary summary) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintWriter(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Result priced(String id, String strategy, double decomposer, double solver) {
        Map<String, RoleUsage> usage = new java.util.TreeMap<>();
        if (decomposer > 0) {
            usage.put(
                    "decomposer",
                    new RoleUsage(2, 100, 20, 0, 50)
                            .withReplicas(Map.of("http://gpu-2", 2L))
                            .withCost(decomposer));
        }
        usage.put(
                "solver",
                new RoleUsage(2, 100, 20, 0, 50)
                        .withReplicas(Map.of("http://gpu-1", 2L))
                        .withCost(solver));
        return Result.builder()
                .id(id)
                .strategy(strategy)
                .status(Status.SOLVED)
                .answer("1")
                .simulated(false)
                .models(Map.of("solver", "openai:http://gpu-1"))
                .concepts(List.of())
                .steps(List.of())
                .usage(usage)
                .latencyMs(10)
                .metadata(Map.of())
                .cost(decomposer + solver)
                .build();
    }
}
