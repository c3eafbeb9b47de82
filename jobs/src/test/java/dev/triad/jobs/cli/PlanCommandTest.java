package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad plan} on a prepared sample: 10 simulated lm2 results, each with decomposer 5 calls
 * of 100 ms, solver 5 of 200 ms and verifier 4 of 100 ms (400 prompt tokens and 20, 60 or 20
 * completion tokens per call).
 */
class PlanCommandTest {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();
    private Path sample;

    @BeforeEach
    void writeSample() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add(
                    Json.mapper()
                            .writeValueAsString(
                                    Result.builder()
                                            .id("q" + i)
                                            .strategy("lm2")
                                            .status(Status.SOLVED)
                                            .answer("1")
                                            .simulated(true)
                                            .simulator(Map.of("profile", "default"))
                                            .models(
                                                    Map.of(
                                                            "decomposer", "sim:default",
                                                            "solver", "sim:default",
                                                            "verifier", "sim:default"))
                                            .concepts(List.of())
                                            .steps(List.of())
                                            .usage(
                                                    Map.of(
                                                            "decomposer",
                                                            new RoleUsage(5, 2000, 100, 0, 500),
                                                            "solver",
                                                            new RoleUsage(5, 2000, 300, 0, 1000),
                                                            "verifier",
                                                            new RoleUsage(4, 1600, 80, 0, 400)))
                                            .latencyMs(1900)
                                            .metadata(Map.of())
                                            .finishedAt(1_000_000L + i * 100L + 1900)
                                            .build()));
        }
        sample = dir.resolve("results.jsonl");
        Files.write(sample, lines);
    }

    private JsonNode planJson(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("plan", "--json", sample.toString()));
        all.addAll(List.of(args));
        assertThat(console.run(all.toArray(String[]::new))).as(console.err()).isZero();
        return Json.mapper().readTree(console.out());
    }

    @Test
    void printsTheRolesTheBottleneckTheWallTimeAndTheBalancedFleet() {
        int code =
                console.run(
                        "plan",
                        sample.toString(),
                        "--questions",
                        "1000",
                        "--replicas",
                        "all=1,solver=3",
                        "--slots",
                        "all=4",
                        "--gpus",
                        "solver=2",
                        "--gpu-hour-price",
                        "3.6",
                        "--deadline",
                        "50s");

        assertThat(code).as(console.err()).isZero();
        String text = console.out();
        assertThat(text.lines().findFirst()).contains(SimulatedNotice.TEXT);
        assertThat(text)
                .contains("Plan: 1,000 questions x lm2, from a sample of 10 questions")
                .containsPattern(
                        "decomposer \\* +measured +1 +4 +1 +5\\.00 +100 ms +100 ms +100\\.0%")
                .containsPattern(
                        "solver +measured +3 +4 +2 +5\\.00 +200 ms +200 ms +66\\.7% +12\\.00")
                .containsPattern("wall time +2 min 5 s")
                .containsPattern("throughput +8\\.00 questions/s")
                .containsPattern("bottleneck +decomposer \\(\\*\\): its slots are full")
                // 8 GPUs x 125 s = 0.28 GPU-hours, at 3.6 per GPU-hour 1.00
                .containsPattern("GPU-hours +0\\.28, cost 1\\.00")
                .containsPattern("balanced +decomposer 1, solver 2, verifier 1 replicas")
                .containsPattern(
                        "deadline 50\\.0 s +enough: decomposer 3, solver 5, verifier 2 replicas,"
                                + " parallelism 2")
                .contains("Model: each role is a pool of replicas x slots");
    }

    @Test
    void jsonCarriesTheSameFigures() throws IOException {
        JsonNode plan =
                planJson("--questions", "1000", "--replicas", "solver=3", "--slots", "all=4");

        assertThat(plan.get("notice").asText()).isEqualTo(SimulatedNotice.TEXT);
        assertThat(plan.get("wallSeconds").asDouble()).isCloseTo(125, within(1e-6));
        assertThat(plan.get("bottleneck").asText()).isEqualTo("decomposer");
        assertThat(plan.get("roles").get("solver").get("replicas").asInt()).isEqualTo(3);
        assertThat(plan.get("balanced").get("solver").asInt()).isEqualTo(2);
        assertThat(plan.has("tokenCost")).isFalse();
        assertThat(plan.has("deadline")).isFalse();
    }

    @Test
    void aProfileGivesTheServiceTimeFromTokensItsSlotsAndItsLoadFactor() throws IOException {
        JsonNode plan = planJson("--questions", "1000", "--profile", "all=8b-h100");

        JsonNode solver = plan.get("roles").get("solver");
        assertThat(solver.get("slots").asInt()).isEqualTo(16);
        assertThat(solver.get("service").asText()).isEqualTo("profile 8b-h100, x2 when full");
        // 30 ms + 400 tokens x 0.25 ms + 59 x 12 ms
        assertThat(solver.get("msPerCall").asDouble()).isCloseTo(838, within(1e-9));
    }

    @Test
    void pricesGiveTheTokenCost() throws IOException {
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(
                prices,
                "decomposer: {prompt: 1, completion: 1}\n"
                        + "solver: {prompt: 1, completion: 10}\n"
                        + "verifier: {prompt: 0, completion: 0}\n");

        JsonNode plan =
                planJson("--questions", "1000", "--slots", "all=4", "--prices", prices.toString());

        // per question: decomposer 2,100 tokens at 1, solver 2,000 at 1 + 300 at 10 (per 1M)
        assertThat(plan.get("tokenCost").asDouble()).isCloseTo(2.1 + 5.0, within(1e-9));
    }

    @Test
    void unusableOptionsExit2SayingWhatToDo() {
        assertThat(console.run("plan", sample.toString(), "--questions", "10")).isEqualTo(2);
        assertThat(console.err())
                .contains("lm2 calls the decomposer")
                .contains("give --slots decomposer=N");

        console.resetErr();
        assertThat(
                        console.run(
                                "plan",
                                sample.toString(),
                                "--questions",
                                "10",
                                "--slots",
                                "all=4",
                                "--replicas",
                                "solver=many"))
                .isEqualTo(2);
        assertThat(console.err())
                .contains("--replicas 'solver=many': 'many' is not a whole number");

        console.resetErr();
        assertThat(
                        console.run(
                                "plan",
                                sample.toString(),
                                "--questions",
                                "10",
                                "--slots",
                                "all=4",
                                "--strategies",
                                "cot"))
                .isEqualTo(2);
        assertThat(console.err()).contains("strategy cot: the sample has no results of it");

        console.resetErr();
        assertThat(
                        console.run(
                                "plan",
                                sample.toString(),
                                "--questions",
                                "10",
                                "--slots",
                                "all=4",
                                "--deadline",
                                "tomorrow"))
                .isEqualTo(2);
        assertThat(console.err()).contains("--deadline 'tomorrow': expected a duration above 0");

        console.resetErr();
        assertThat(console.run("plan", sample.toString(), "--slots", "all=4")).isEqualTo(2);
        assertThat(console.err()).contains("--questions");
    }
}
