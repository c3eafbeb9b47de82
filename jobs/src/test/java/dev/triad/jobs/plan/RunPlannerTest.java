package dev.triad.jobs.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triad.cost.PriceTable;
import dev.triad.model.Role;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import dev.triad.simulator.SimulationProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RunPlanner} on samples whose figures are known: every lm2 question makes decomposer 5
 * calls of 100 ms, solver 5 of 200 ms and verifier 4 of 100 ms (one question alone: 1.9 s).
 */
class RunPlannerTest {

    private static final int SAMPLE = 10;

    /** One lm2 result with the fixed usage, plus {@code cot} results of one 300 ms solver call. */
    private static Result result(int i, String strategy) {
        Map<String, RoleUsage> usage =
                strategy.equals("cot")
                        ? Map.of("solver", new RoleUsage(1, 400, 100, 0, 300))
                        : Map.of(
                                "decomposer", new RoleUsage(5, 2000, 100, 0, 500),
                                "solver", new RoleUsage(5, 2000, 300, 0, 1000),
                                "verifier", new RoleUsage(4, 1600, 80, 0, 400));
        long start = 1_000_000L + i * 100L;
        long latency = strategy.equals("cot") ? 300 : 1900;
        return Result.builder()
                .id("q" + i)
                .strategy(strategy)
                .status(Status.SOLVED)
                .answer("1")
                .simulated(false)
                .models(Map.of("decomposer", "sim:x", "solver", "sim:x", "verifier", "sim:x"))
                .concepts(List.of())
                .steps(List.of())
                .usage(usage)
                .latencyMs(latency)
                .metadata(Map.of())
                .finishedAt(start + latency)
                .build();
    }

    private static SampleMeasurements sample(PriceTable prices, String... strategies) {
        // With no strategies: an empty sample to add results to.
        SampleMeasurements sample = new SampleMeasurements(prices);
        for (String s : strategies) {
            for (int i = 0; i < SAMPLE; i++) {
                assertThat(sample.add(result(i, s))).isNull();
            }
        }
        return sample;
    }

    private static FleetShape fleet(int decomposers, int solvers, int verifiers) {
        return FleetShape.builder()
                .role(Role.DECOMPOSER, new RoleFleet(decomposers, 4, 1, ServiceTime.measured(1)))
                .role(Role.SOLVER, new RoleFleet(solvers, 4, 2, ServiceTime.measured(1)))
                .role(Role.VERIFIER, new RoleFleet(verifiers, 4, 1, ServiceTime.measured(1)))
                .build();
    }

    private static PlanEstimate plan(FleetShape fleet, long questions) {
        return RunPlanner.builder()
                .sample(sample(null, "lm2"))
                .questions(questions)
                .fleet(fleet)
                .build()
                .plan();
    }

    @Test
    void theRoleWithTheFewestSlotsPerQuestionBoundsTheRun() {
        // Questions/s each role sustains: decomposer 4 / 0.5 s = 8, solver 3 x 4 / 1 s = 12,
        // verifier 4 / 0.4 s = 10.
        PlanEstimate plan = plan(fleet(1, 3, 1), 1000);

        assertThat(plan.bottleneck()).isEqualTo("decomposer");
        assertThat(plan.questionsPerSecond()).isCloseTo(8, within(1e-9));
        assertThat(plan.wallSeconds()).isCloseTo(125, within(1e-6));
        assertThat(plan.questionLatencySeconds()).isCloseTo(1.9, within(1e-9));
        assertThat(plan.roles().get("solver").capacityQuestionsPerSecond())
                .isCloseTo(12, within(1e-9));
        assertThat(plan.roles().get("solver").utilisation()).isCloseTo(8.0 / 12, within(1e-9));
        assertThat(plan.roles().get("decomposer").utilisation()).isCloseTo(1, within(1e-9));
        // GPU-hours: replicas x GPUs per replica x 125 s.
        assertThat(plan.roles().get("solver").gpuHours())
                .isCloseTo(3 * 2 * 125 / 3600.0, within(1e-9));
        assertThat(plan.gpuHours()).isCloseTo((1 + 6 + 1) * 125 / 3600.0, within(1e-9));
        // Tokens: the sample's per question x 1000.
        assertThat(plan.roles().get("solver").completionTokens()).isEqualTo(300_000);
    }

    @Test
    void balancedReplicasSustainTheSameThroughputWithNoRoleOverProvisioned() {
        PlanEstimate plan = plan(fleet(1, 3, 1), 1000);

        // At 8 questions/s the solver keeps 8 x 1 s = 8 slots busy: 2 replicas of 4.
        assertThat(plan.balanced())
                .containsExactly(
                        Map.entry("decomposer", 1),
                        Map.entry("solver", 2),
                        Map.entry("verifier", 1));
        PlanEstimate balanced = plan(fleet(1, 2, 1), 1000);
        assertThat(balanced.wallSeconds()).isCloseTo(plan.wallSeconds(), within(1e-6));
    }

    @Test
    void fewQuestionsInFlightMakeTheJobTheBottleneck() {
        FleetShape fleet =
                FleetShape.builder()
                        .roles(fleet(1, 3, 1).roles())
                        .parallelism(1)
                        .maxQuestionsInFlight(4)
                        .build();

        PlanEstimate plan = plan(fleet, 1000);

        // Little's law: 4 questions in flight / 1.9 s each.
        assertThat(plan.bottleneck()).isEqualTo(PlanEstimate.JOB);
        assertThat(plan.questionsPerSecond()).isCloseTo(4 / 1.9, within(1e-6));
        assertThat(plan.wallSeconds()).isCloseTo(1000 * 1.9 / 4, within(1e-3));
    }

    @Test
    void aRunTooShortToFillTheFleetTakesAsLongAsOneQuestion() {
        PlanEstimate plan = plan(fleet(1, 3, 1), 2);

        assertThat(plan.bottleneck()).isEqualTo(PlanEstimate.QUESTION_LATENCY);
        assertThat(plan.wallSeconds()).isCloseTo(1.9, within(1e-6));
    }

    @Test
    void aLoadFactorSlowsCallsWhenTheSlotsAreFull() {
        FleetShape fleet =
                FleetShape.builder()
                        .roles(fleet(1, 3, 1).roles())
                        .role(Role.SOLVER, new RoleFleet(3, 4, 2, ServiceTime.measured(2)))
                        .build();

        PlanEstimate plan = plan(fleet, 1000);

        // The solver full: 12 slots / (5 x 0.2 s x 2) = 6 questions/s, now below the others.
        assertThat(plan.bottleneck()).isEqualTo("solver");
        assertThat(plan.questionsPerSecond()).isCloseTo(6, within(1e-9));
        assertThat(plan.roles().get("solver").msPerCallAtLoad()).isCloseTo(400, within(1e-6));
        assertThat(plan.roles().get("decomposer").msPerCallAtLoad()).isCloseTo(100, within(1e-9));
    }

    @Test
    void aDeadlineNeedsReplicasForItsThroughputAndEnoughQuestionsInFlight() {
        PlanEstimate plan =
                RunPlanner.builder()
                        .sample(sample(null, "lm2"))
                        .questions(1000)
                        .fleet(fleet(1, 3, 1))
                        .deadline(Duration.ofSeconds(50))
                        .gpuHourPrice(2.0)
                        .build()
                        .plan();

        // 20 questions/s: decomposer 20 x 0.5 / 4, solver 20 x 1 / 4, verifier 20 x 0.4 / 4.
        PlanEstimate.DeadlinePlan d = plan.deadline();
        assertThat(d.feasible()).isTrue();
        assertThat(d.replicas())
                .containsExactly(
                        Map.entry("decomposer", 3),
                        Map.entry("solver", 5),
                        Map.entry("verifier", 2));
        assertThat(d.wallSeconds()).isLessThanOrEqualTo(50 * (1 + 1e-6));
        assertThat(d.gpuCost()).isCloseTo(d.gpuHours() * 2.0, within(1e-9));
        assertThat(plan.gpuCost()).isCloseTo(plan.gpuHours() * 2.0, within(1e-9));
    }

    @Test
    void aDeadlineShorterThanOneQuestionCannotBeMet() {
        PlanEstimate plan =
                RunPlanner.builder()
                        .sample(sample(null, "lm2"))
                        .questions(1000)
                        .fleet(fleet(1, 3, 1))
                        .deadline(Duration.ofSeconds(1))
                        .build()
                        .plan();

        assertThat(plan.deadline().feasible()).isFalse();
    }

    @Test
    void aProfileTurnsTheSampleTokensIntoServiceTime() {
        ServiceTime h100 = ServiceTime.profile(SimulationProfile.H100_8B, Role.SOLVER);

        // 400 uncached prompt tokens and 60 completion tokens per call:
        // 30 ms + 400 x 0.25 ms + 59 x 12 ms.
        assertThat(h100.unloadedMs(new RoleUsage(5, 2000, 300, 0, 1)))
                .isCloseTo(30 + 100 + 59 * 12, within(1e-9));
        // Cached prompt tokens skip prefill.
        assertThat(h100.unloadedMs(new RoleUsage(5, 2000, 300, 1000, 1)))
                .isCloseTo(30 + 50 + 59 * 12, within(1e-9));
        assertThat(h100.loadFactor()).isEqualTo(SimulationProfile.H100_LOAD_FACTOR);
    }

    @Test
    void strategiesRunSideBySideAddTheirCallsAndPricesGiveTheTokenCost() {
        PriceTable prices =
                PriceTable.builder()
                        .role(Role.DECOMPOSER, PriceTable.Price.perMillion(1, 1))
                        .role(Role.SOLVER, PriceTable.Price.perMillion(1, 10))
                        .role(Role.VERIFIER, PriceTable.Price.perMillion(0, 0))
                        .build();

        PlanEstimate plan =
                RunPlanner.builder()
                        .sample(sample(prices, "lm2", "cot"))
                        .questions(1000)
                        .fleet(fleet(1, 3, 1))
                        .build()
                        .plan();

        assertThat(plan.strategies()).containsExactly("cot", "lm2");
        assertThat(plan.roles().get("solver").callsPerQuestion()).isCloseTo(6, within(1e-9));
        // The solver's mean call: (5 x 200 + 1 x 300) / 6 ms.
        assertThat(plan.roles().get("solver").msPerCall()).isCloseTo(1300 / 6.0, within(1e-9));
        assertThat(plan.questionLatencySeconds()).isCloseTo(1.9 + 0.3, within(1e-9));
        // Solver per question: lm2 2000 prompt + 300 completion, cot 400 + 100 tokens.
        double solver = (2400 * 1 + 400 * 10) / 1e6 * 1000;
        double decomposer = (2000 + 100) / 1e6 * 1000;
        assertThat(plan.roles().get("solver").tokenCost()).isCloseTo(solver, within(1e-9));
        assertThat(plan.tokenCost()).isCloseTo(solver + decomposer, within(1e-9));
    }

    @Test
    void unusableInputsSayWhatToDo() {
        assertThatThrownBy(
                        () ->
                                RunPlanner.builder()
                                        .sample(sample(null, "lm2"))
                                        .strategies(List.of("cot"))
                                        .questions(10)
                                        .fleet(fleet(1, 1, 1))
                                        .build())
                .hasMessageContaining("strategy cot: the sample has no results of it (it has lm2)");
        assertThatThrownBy(
                        () ->
                                RunPlanner.builder()
                                        .sample(sample(null, "lm2"))
                                        .questions(10)
                                        .fleet(
                                                FleetShape.builder()
                                                        .role(
                                                                Role.SOLVER,
                                                                new RoleFleet(
                                                                        1,
                                                                        1,
                                                                        1,
                                                                        ServiceTime.measured(1)))
                                                        .build())
                                        .build())
                .hasMessageContaining("calls it but the fleet has no decomposer replicas");
        assertThatThrownBy(() -> new RoleFleet(0, 1, 1, ServiceTime.measured(1)))
                .hasMessageContaining("at least 1 replica");
    }

    @Test
    void theRunEndsWithItsSlowestQuestionsDraining() {
        SampleMeasurements sample = sample(null);
        for (int i = 0; i < SAMPLE - 1; i++) {
            sample.add(result(i, "lm2"));
        }
        Result slow = result(SAMPLE - 1, "lm2");
        Map<String, RoleUsage> doubled = new java.util.HashMap<>();
        slow.usage().forEach((role, u) -> doubled.put(role, u.add(u)));
        sample.add(
                Result.builder()
                        .id(slow.id())
                        .strategy(slow.strategy())
                        .status(slow.status())
                        .answer(slow.answer())
                        .simulated(false)
                        .models(slow.models())
                        .concepts(List.of())
                        .steps(List.of())
                        .usage(doubled)
                        .latencyMs(3800)
                        .metadata(Map.of())
                        .finishedAt(slow.finishedAt())
                        .build());

        PlanEstimate plan =
                RunPlanner.builder()
                        .sample(sample)
                        .questions(1000)
                        .fleet(fleet(1, 3, 1))
                        .build()
                        .plan();

        // Means per question: decomposer 5.5 calls, solver 5.5, verifier 4.4, so 2.09 s each and
        // 4 / 0.55 questions/s from the decomposer; the slowest question takes 3.8 s.
        assertThat(plan.questionsPerSecond()).isCloseTo(4 / 0.55, within(1e-9));
        assertThat(plan.questionLatencySeconds()).isCloseTo(2.09, within(1e-9));
        assertThat(plan.slowestQuestionSeconds()).isCloseTo(3.8, within(1e-9));
        assertThat(plan.wallSeconds()).isCloseTo(1000 * 0.55 / 4 + 3.8 - 2.09, within(1e-9));
    }

    @Test
    void theSampleKnowsItsOwnWallTime() {
        // Starts at 1,000,000 + i x 100 ms, each 1.9 s long: the last ends 0.9 s + 1.9 s later.
        assertThat(sample(null, "lm2").wallSeconds()).isCloseTo(2.8, within(1e-9));
    }
}
