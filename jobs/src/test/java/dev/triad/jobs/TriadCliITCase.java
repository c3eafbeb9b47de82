package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.triad.jobs.eval.Formats;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad run} and {@code triad demo} end to end in this JVM: an embedded MiniCluster with the
 * progress reporter, part files merged, the summary printed.
 */
class TriadCliITCase {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void runWritesResultsAndDeadLettersAndPrintsASimulatedSummary() throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(
                        console.run(
                                "generate",
                                "--count",
                                "60",
                                "--seed",
                                "3",
                                "--output",
                                input.toString()))
                .isZero();
        Files.writeString(input, "not json\n", java.nio.file.StandardOpenOption.APPEND);
        Path output = dir.resolve("out");

        int code =
                console.run(
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

        String stdout = console.out();
        String stderr = console.err();
        assertThat(code).as(stderr).isZero();
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).hasSize(180);
        List<String> dead = Files.readAllLines(output.resolve("dead-letters.jsonl"));
        assertThat(dead).hasSize(1);
        assertThat(Json.read(dead.get(0), DeadLetter.class).raw()).isEqualTo("not json");
        assertThat(stdout.lines().findFirst()).contains(SimulatedNotice.TEXT);
        assertThat(stdout).contains("lm2", "cot", "plan-solve", "p50 latency", "dead letters: 1");
        assertThat(stderr).contains("done: 180 results");
        assertThat(output.resolve("parts")).doesNotExist();
    }

    @Test
    void runWithPricesWritesTheEstimatedCostPerRoleAndQuestionAndTheSummaryShowsIt()
            throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(
                        console.run(
                                "generate",
                                "--count",
                                "20",
                                "--seed",
                                "5",
                                "--output",
                                input.toString()))
                .isZero();
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(
                prices,
                "decomposer: {prompt: 1.0, completion: 2.0}\n"
                        + "solver: {prompt: 3.0, completion: 6.0}\n"
                        + "verifier: {prompt: 10.0, completion: 20.0}\n");
        Map<String, double[]> perMillion =
                Map.of(
                        "decomposer", new double[] {1.0, 2.0},
                        "solver", new double[] {3.0, 6.0},
                        "verifier", new double[] {10.0, 20.0});
        Path output = dir.resolve("out");

        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        "lm2,cot",
                        "--prices",
                        prices.toString());

        String stderr = console.err();
        assertThat(code).as(stderr).isZero();
        List<String> lines = Files.readAllLines(output.resolve("results.jsonl"));
        assertThat(lines).hasSize(40);
        SchemaValidator schema = SchemaValidator.result();
        Map<String, Double> totals = new TreeMap<>();
        for (String line : lines) {
            assertThat(schema.violations(line)).as(line).isEmpty();
            Result result = Json.read(line, Result.class);
            double sum = 0;
            for (Map.Entry<String, RoleUsage> e : result.usage().entrySet()) {
                RoleUsage u = e.getValue();
                double[] price = perMillion.get(e.getKey());
                double byHand =
                        (u.promptTokens() * price[0] + u.completionTokens() * price[1]) / 1e6;
                assertThat(u.promptTokens()).as(line).isPositive();
                assertThat(u.cost()).as(line).isCloseTo(byHand, within(1e-12));
                // Every call of the simulated fleet is answered by its one endpoint.
                assertThat(u.replicas()).as(line).isEqualTo(Map.of("sim:zero", u.calls()));
                sum += u.cost();
            }
            assertThat(result.cost()).as(line).isCloseTo(sum, within(1e-12));
            totals.merge(result.strategy(), result.cost(), Double::sum);
        }

        List<String> summary = console.out().lines().toList();
        assertThat(summary)
                .anyMatch(l -> l.matches("strategy +role +calls .* +est\\. cost"))
                .anyMatch(l -> l.matches("strategy +priced questions +est\\. cost +cost/question"));
        for (String strategy : List.of("lm2", "cot")) {
            double total = totals.get(strategy);
            assertThat(summary)
                    .as(strategy)
                    .anyMatch(
                            l ->
                                    l.matches(
                                            strategy
                                                    + " +20 +"
                                                    + Pattern.quote(Formats.money(total))
                                                    + " +"
                                                    + Pattern.quote(Formats.money(total / 20))));
        }
    }

    @Test
    void aFleetDownPastTheOutageLimitExits3NamingItAndResumeFinishesTheRun() throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(console.run("generate", "--count", "20", "--output", input.toString())).isZero();
        Path output = dir.resolve("out");
        String dead = "http://127.0.0.1:1/v1"; // nothing listens on port 1

        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=openai:" + dead + "#m",
                        "--strategies",
                        "cot",
                        "--outage-limit",
                        "5s",
                        // Input left unread: the run is paused, not draining its last questions
                        // (no checkpoint completes while an input that ended drains).
                        "--max-questions-in-flight",
                        "2",
                        "--checkpoint-interval",
                        "1s");

        String stderr = console.err();
        assertThat(code).as(stderr).isEqualTo(3);
        assertThat(stderr)
                .contains("The solver fleet (" + dead + ") has been down for")
                .contains("longer than outage-limit 5 s")
                .contains("cannot connect to " + dead)
                .contains("run the same command with --resume")
                .doesNotContain("Please report it");
        assertThat(output.resolve("results.jsonl"))
                .as("no question was failed for the outage")
                .doesNotExist();

        console.resetErr();
        int resumed =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        "cot",
                        "--resume");

        assertThat(resumed).as(console.err()).isZero();
        assertThat(console.err())
                .as("checkpoints completed while the run waited for the fleet")
                .contains("triad: --resume: continuing the run started");
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).hasSize(20);
    }

    @Test
    void demoRunsLm2AndCotOnTheSampleWithTwoMalformedLines() throws Exception {
        Path output = dir.resolve("demo");

        int code = console.run("demo", "--count", "30", "--output", output.toString());

        String stderr = console.err();
        assertThat(code).as(stderr).isZero();
        assertThat(stderr).contains("deliberately malformed");
        assertThat(Files.readAllLines(output.resolve("sample.jsonl"))).hasSize(32);
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).hasSize(60);
        assertThat(Files.readAllLines(output.resolve("dead-letters.jsonl"))).hasSize(2);
        assertThat(console.out()).startsWith(SimulatedNotice.TEXT).contains("accuracy");
    }
}
