package dev.triad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each benchmark end to end at a tiny size: it runs, exits 0 or 1 (a missed target is not an error)
 * and writes a well-formed result file. Asserts the file's structure, never a speed.
 */
class BenchCliTest {

    @TempDir Path results;

    @Test
    void overheadWritesBothSidesAndTheRatio() throws Exception {
        JsonNode result = run("overhead", "--size", "60", "--rounds", "2");

        assertCommon(result, "overhead", 60);
        for (String side : new String[] {"triad", "baseline"}) {
            assertFigure(result.path(side).path("questionsPerSecond"), 2);
            assertFigure(result.path(side).path("callsPerSecond"), 2);
            assertFigure(result.path(side).path("seconds"), 2);
        }
        // Both sides made the same calls: lm2's 2 + 3 x steps per question.
        assertThat(result.path("triad").path("calls"))
                .isEqualTo(result.path("baseline").path("calls"));
        assertThat(result.path("triad").path("results").get(0).asLong()).isEqualTo(60);
        assertThat(result.path("triad").path("callsPerQuestion").asDouble()).isBetween(8.0, 20.0);
        assertFigure(
                result.path("settings")
                        .path("diagnostics")
                        .path("bareIgnoringRepliesFigures")
                        .path("questionsPerSecond"),
                2);
    }

    @Test
    void memoryForksTwoJvmsAndComparesTheirPeaks() throws Exception {
        JsonNode result = run("memory", "--size", "200", "--seconds", "2", "--rounds", "1");

        assertCommon(result, "memory", 200);
        assertFigure(result.path("triad").path("peakLiveHeapMiB"), 1);
        assertFigure(result.path("baseline").path("peakLiveHeapMiB"), 1);
        assertThat(result.path("triad").path("questions").asLong()).isEqualTo(200);
        assertThat(result.path("baseline").path("questions").asLong()).isEqualTo(20);
        assertThat(result.path("triad").path("peakLiveHeapMiB").path("median").asDouble())
                .isPositive();
    }

    @Test
    void concurrencyReportsCallsPerSecondAndThreads() throws Exception {
        JsonNode result = run("concurrency", "--size", "50");

        assertCommon(result, "concurrency", 50);
        assertFigure(result.path("triad").path("callsPerSecond"), 1);
        assertFigure(result.path("triad").path("peakThreads"), 1);
        assertThat(result.path("baseline").path("callsPerSecond").asDouble()).isEqualTo(16_384);
        assertThat(result.path("triad").path("threadsByName").size()).isPositive();
    }

    @Test
    void saturationComparesTheDefaultLimitWithTheEarlierOneOnTheSimulatedFleet() throws Exception {
        JsonNode result = run("saturation", "--size", "40");

        assertCommon(result, "saturation", 40);
        // Both sides measured the same way: the default (queue) and the earlier default (aimd).
        for (JsonNode side : List.of(result.path("triad"), result.path("baseline"))) {
            assertFigure(side.path("busyFraction"), 1);
            assertFigure(side.path("meanWaitingPerReplica"), 1);
            assertFigure(side.path("callLatencyP50Ms"), 1);
            assertFigure(side.path("questionsPerSecond"), 1);
            assertThat(side.path("busyFraction").path("median").asDouble()).isBetween(0.0, 1.0);
            assertThat(side.path("results").asLong()).isEqualTo(40);
            assertThat(side.path("slotsPerReplica").asInt()).isEqualTo(16);
            assertThat(side.path("callsPerQuestion").asDouble()).isBetween(4.0, 40.0);
        }
        assertThat(result.path("settings").path("clientConcurrencyLimit").asText())
                .isEqualTo("queue");
        assertThat(result.path("settings").path("baselineConcurrencyLimit").asText())
                .isEqualTo("aimd");
        assertThat(result.path("triad").path("unloadedServiceTimeMs").asDouble()).isPositive();
        assertThat(result.path("ratio").asDouble())
                .isCloseTo(
                        result.path("triad").path("questionsPerSecond").path("median").asDouble()
                                / result.path("baseline")
                                        .path("questionsPerSecond")
                                        .path("median")
                                        .asDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.path("checks").size()).isEqualTo(4);
        assertThat(result.path("notes").toString()).contains("SIMULATED", "steady phase");
    }

    @Test
    void planComparesTheEstimateWithRunsOnTwoFleetShapes() throws Exception {
        JsonNode result = run("plan", "--size", "20");

        assertCommon(result, "plan", 20);
        // Per shape: the estimate within the tolerance, and the bottleneck the busiest role.
        assertThat(result.path("checks").size()).isEqualTo(2 * PlanBenchmark.SHAPES.size());
        for (PlanBenchmark.Shape shape : PlanBenchmark.SHAPES) {
            JsonNode estimate = result.path("triad").path(shape.name());
            JsonNode measured = result.path("baseline").path(shape.name());
            assertThat(estimate.path("wallSeconds").asDouble()).as(shape.name()).isPositive();
            assertThat(measured.path("wallSeconds").asDouble()).as(shape.name()).isPositive();
            assertThat(estimate.path("ratioToMeasured").asDouble())
                    .isEqualTo(
                            estimate.path("wallSeconds").asDouble()
                                    / measured.path("wallSeconds").asDouble());
            assertThat(measured.path("busyFraction").size()).isEqualTo(3);
        }
        assertThat(result.path("settings").path("sampleQuestions").asInt()).isEqualTo(20);
        assertThat(result.path("notes").toString()).contains("SIMULATED");
    }

    @Test
    void prefixComparesAffinityWithRoundRobinSideBySideOnBothWorkloads() throws Exception {
        JsonNode result = run("prefix", "--size", "20", "--rounds", "1");

        assertCommon(result, "prefix", 20);
        for (String workload : new String[] {"long", "short"}) {
            for (String side : new String[] {"triad", "baseline"}) {
                JsonNode figures = result.path(side).path(workload);
                assertFigure(figures.path("steadyCallsPerSecond"), 1);
                assertFigure(figures.path("timeToFirstTokenP50Ms"), 1);
                assertFigure(figures.path("prefixCacheHitRate"), 1);
                assertThat(figures.path("results").asLong()).isEqualTo(20);
                // Streaming on both sides: every call recorded a time to first token.
                assertThat(figures.path("streamedCalls").asLong())
                        .isEqualTo(figures.path("calls").asLong());
                assertThat(figures.path("timeToFirstTokenP50Ms").path("median").asDouble())
                        .isPositive()
                        .isLessThan(figures.path("latencyP50Ms").path("median").asDouble());
            }
            // Same questions, same seed: both sides made the same calls.
            assertThat(result.path("triad").path(workload).path("calls"))
                    .isEqualTo(result.path("baseline").path(workload).path("calls"));
            JsonNode summary = result.path("settings").path("workloads").path(workload);
            for (String field :
                    new String[] {
                        "promptTokensP50",
                        "promptTokensP95",
                        "prefixCacheBlocksPerReplica",
                        "prefixCacheTokensPerReplica",
                        "liveContexts",
                        "cacheFractionOfLiveContexts",
                        "hitRateAffinity",
                        "hitRateRoundRobin",
                        "callsPerSecondRatio",
                        "timeToFirstTokenP50Ratio"
                    }) {
                assertThat(summary.path(field).isNumber()).as(workload + " " + field).isTrue();
            }
            assertThat(summary.path("targets").size()).isPositive();
        }
        JsonNode longContext = result.path("settings").path("workloads").path("long");
        // Every call carries its question's passage: prompts of 2,000-4,000 tokens and more.
        assertThat(longContext.path("passageTokensP50").asInt()).isBetween(2_000, 4_000);
        assertThat(longContext.path("promptTokensP50").asInt())
                .isGreaterThan(longContext.path("passageTokensP50").asInt());
        assertThat(
                        result.path("settings")
                                .path("workloads")
                                .path("short")
                                .path("promptTokensP50")
                                .asInt())
                .isLessThan(1_000);
        // Long: calls/s and time to first token; short: calls/s.
        assertThat(result.path("checks").size()).isEqualTo(3);
    }

    @Test
    void anUnknownWorkloadIsAUsageErrorThatNamesTheChoices() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        "prefix",
                        "--workload",
                        "medium",
                        "--results-dir",
                        results.toString());

        assertThat(code).isEqualTo(BenchCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--workload of prefix must be one of both, long, short, was 'medium'");
    }

    @Test
    void aWorkloadForABenchmarkWithoutWorkloadsIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        "overhead",
                        "--workload",
                        "long",
                        "--results-dir",
                        results.toString());

        assertThat(code).isEqualTo(BenchCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--workload is not an option of overhead");
    }

    @Test
    void unknownNameIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        "nope",
                        "--results-dir",
                        results.toString());

        assertThat(code).isEqualTo(BenchCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Unknown benchmark 'nope'")
                .contains(
                        "overhead, memory, concurrency, http, peer, saturation, prefix, journal, engine,"
                                + " plan, failover, embed");
    }

    @Test
    void hungComparesAFaultedRunWithACleanOneAndEveryQuestionHasAStatus() throws Exception {
        JsonNode result = run("hung", "--size", "10");

        assertCommon(result, "hung", 10);
        JsonNode faulted = result.path("triad");
        JsonNode retriedOnly = faulted.path("retriableKindsOnly");
        for (JsonNode side : List.of(faulted, result.path("baseline"), retriedOnly)) {
            assertFigure(side.path("seconds"), 1);
            assertThat(side.path("leastResults").asLong()).as("a status each").isEqualTo(10);
        }
        assertThat(faulted.path("faultRate").asDouble()).isEqualTo(HungCallBenchmark.FAULT_RATE);
        assertThat(result.path("baseline").path("faultRate").asDouble()).isZero();
        assertThat(retriedOnly.path("faults").toString()).contains("hang").doesNotContain("401");
        assertThat(result.path("ratio").asDouble())
                .isCloseTo(
                        faulted.path("seconds").path("median").asDouble()
                                / result.path("baseline").path("seconds").path("median").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.path("checks").size()).isEqualTo(5);
        assertThat(result.path("notes").toString()).contains("SIMULATED");
    }

    @Test
    void helpListsEveryBenchmarkWithItsTargetAndTheExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
        PrintStream systemErr = System.err;
        int code;
        System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
        try {
            code =
                    BenchCli.run(
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(new ByteArrayOutputStream()),
                            "--help");
        } finally {
            System.setErr(systemErr);
        }

        assertThat(code).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help)
                .contains("overhead", "memory", "concurrency", "target:", "Exit codes:")
                .contains("missed a target")
                // a target's percent sign is printed as written, not taken for a format
                .contains("±15%")
                .doesNotContain("%%");
        for (String name : BenchCli.BENCHMARKS.keySet()) {
            assertThat(help).contains("  " + name + System.lineSeparator());
            assertThat(help.substring(0, help.indexOf("Benchmarks:"))).contains(name);
        }
        assertThat(picocliWarnings.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
    }

    @Test
    void failoverNeedsEnoughQuestionsToOutlastItsKills() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        "failover",
                        "--size",
                        "100");

        assertThat(code).isEqualTo(BenchCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--size must be at least 500 questions (the job must outlast the kills)");
    }

    @Test
    void badSizeIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        "memory",
                        "--size",
                        "5");

        assertThat(code).isEqualTo(BenchCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--size must be at least 10");
    }

    private JsonNode run(String... args) throws Exception {
        return BenchResultFile.read(results, args);
    }

    private static void assertCommon(JsonNode result, String name, long size) {
        assertThat(result.path("name").asText()).isEqualTo(name);
        assertThat(result.path("size").asLong()).isEqualTo(size);
        assertThat(result.path("command").asText()).startsWith("./triad bench " + name);
        assertThat(result.path("ratio").isNumber()).isTrue();
        assertThat(result.path("ratio").asDouble()).isPositive();
        assertThat(result.path("target").asText()).isNotBlank();
        assertThat(result.path("passed").isBoolean()).isTrue();
        assertThat(result.path("checks").isArray()).isTrue();
        assertThat(result.path("checks").size()).isPositive();
        boolean allMet = true;
        for (JsonNode check : result.path("checks")) {
            assertThat(check.has("name") && check.has("value") && check.has("limit")).isTrue();
            allMet &= check.path("passed").asBoolean();
        }
        assertThat(result.path("passed").asBoolean()).isEqualTo(allMet);
        assertThat(result.path("triad").isObject()).isTrue();
        assertThat(result.path("baseline").isObject()).isTrue();
        JsonNode machine = result.path("machine");
        assertThat(machine.path("cores").asInt()).isPositive();
        assertThat(machine.path("maxHeap").asLong()).isPositive();
        for (String field : new String[] {"jvm", "os", "date"}) {
            assertThat(machine.path(field).asText()).as(field).isNotBlank();
        }
    }

    private static void assertFigure(JsonNode figure, int rounds) {
        assertThat(figure.path("median").isNumber()).as("median of %s", figure).isTrue();
        assertThat(figure.path("rounds").size()).as("rounds of %s", figure).isEqualTo(rounds);
    }
}
