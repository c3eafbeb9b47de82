package dev.triad.jobs.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.TriadConsole;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.LatencyModel;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad plan}'s model against a measured run: a sample of lm2 runs with {@code triad run}
 * (embedded MiniCluster) on a SIMULATED fleet, one simulated server per role through the {@code
 * openai:} client; the plan made from it for another fleet shape, with more questions, is compared
 * with a run on that shape, and the role it names as the bottleneck with the role whose slots were
 * busiest (the servers' running-seconds). The tolerance is wide (a small run on a shared machine):
 * it checks that the model describes the run, not how fast this machine is.
 */
class PlanITCase {

    /** The latency of every role's replicas: a fast {@code 8b-h100}, so the test stays short. */
    private static final LatencyModel.Figures FIGURES = new LatencyModel.Figures(10, 50, 3);

    private static final double LOAD_FACTOR = 2.0;

    /**
     * The estimate may be this fraction above the measured wall time. A busy machine only slows the
     * measured run (the estimate does not depend on the machine), so below it may be further off:
     * down to {@link #SLOW_MACHINE} of it.
     */
    private static final double TOLERANCE = 0.30;

    private static final double SLOW_MACHINE = 0.5;

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    /** Replicas and slots per replica of one role. */
    private record Pool(int replicas, int slots) {}

    /** What one run measured: its results and how busy each role's slots were. */
    private record Measured(SampleMeasurements results, Map<Role, Double> busy) {}

    @Test
    void theEstimateMatchesARunOnAnotherFleetShapeAndNamesItsBottleneck() throws Exception {
        List<Question> questions = new ProblemGenerator(17).stream(120).toList();
        Map<Role, Pool> sampleShape =
                Map.of(
                        Role.DECOMPOSER,
                        new Pool(1, 4),
                        Role.SOLVER,
                        new Pool(1, 4),
                        Role.VERIFIER,
                        new Pool(1, 4));
        Measured sample = run("sample", questions.subList(0, 40), sampleShape);

        // The verifier is the role short of slots here: 2 against the solver's 8.
        Map<Role, Pool> planned =
                Map.of(
                        Role.DECOMPOSER,
                        new Pool(1, 4),
                        Role.SOLVER,
                        new Pool(2, 4),
                        Role.VERIFIER,
                        new Pool(1, 2));
        FleetShape.Builder shape = FleetShape.builder();
        planned.forEach(
                (role, pool) ->
                        shape.role(
                                role,
                                new RoleFleet(
                                        pool.replicas(),
                                        pool.slots(),
                                        1,
                                        new ServiceTime("test", FIGURES, LOAD_FACTOR))));
        PlanEstimate plan =
                RunPlanner.builder()
                        .sample(sample.results())
                        .questions(questions.size())
                        .fleet(shape.build())
                        .build()
                        .plan();

        Measured measured = run("planned", questions, planned);
        double wall = measured.results().wallSeconds();
        System.out.printf(
                "PlanITCase: estimated %.1f s, measured %.1f s, bottleneck %s, busy %s%n",
                plan.wallSeconds(), wall, plan.bottleneck(), measured.busy());
        assertThat(plan.wallSeconds())
                .as("estimated vs measured wall time (%.1f s), busy %s", wall, measured.busy())
                .isBetween(wall * SLOW_MACHINE, wall * (1 + TOLERANCE));
        Role busiest =
                measured.busy().entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
        assertThat(plan.bottleneck()).as("busy %s", measured.busy()).isEqualTo(busiest.key());
        assertThat(measured.busy().get(busiest))
                .as("the bottleneck's slots busy")
                .isGreaterThan(0.7);
        assertThat(plan.balanced().get("solver"))
                .as("the solver's replicas for the same wall time")
                .isLessThanOrEqualTo(planned.get(Role.SOLVER).replicas());
    }

    /** Runs lm2 over the questions with triad run against one simulated server per role. */
    private Measured run(String name, List<Question> questions, Map<Role, Pool> shape)
            throws Exception {
        Path input = dir.resolve(name + ".jsonl");
        List<String> lines = new ArrayList<>();
        for (Question q : questions) {
            lines.add(Json.mapper().writeValueAsString(q));
        }
        Files.write(input, lines);
        Map<Role, SimulatedServer> servers = new EnumMap<>(Role.class);
        try {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "run",
                                    "--input",
                                    input.toString(),
                                    "--output",
                                    dir.resolve(name).toString(),
                                    "--strategies",
                                    "lm2"));
            for (Role role : Role.values()) {
                Pool pool = shape.get(role);
                SimulatedServer server =
                        SimulatedServer.start(
                                ServerSettings.builder()
                                        .host("127.0.0.1")
                                        .port(0)
                                        .replicas(pool.replicas())
                                        .maxNumSeqs(pool.slots())
                                        .latency(LatencyModel.uniform(FIGURES, 0))
                                        .loadFactor(LOAD_FACTOR)
                                        .seed(5)
                                        .questions(questions)
                                        .build());
                servers.put(role, server);
                args.add("--model");
                args.add(
                        role.key()
                                + "=openai:"
                                + server.baseUrls().stream()
                                        .map(Object::toString)
                                        .collect(Collectors.joining(","))
                                + "#"
                                + ServerSettings.DEFAULT_MODEL_NAME);
            }
            assertThat(console.run(args.toArray(String[]::new))).as(console.err()).isZero();
            SampleMeasurements results =
                    SampleMeasurements.read(List.of(dir.resolve(name)), "RESULTS", null);
            Map<Role, Double> busy = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                Pool pool = shape.get(role);
                double seconds = 0;
                for (int i = 0; i < pool.replicas(); i++) {
                    seconds += servers.get(role).stats(i).runningSeconds();
                }
                busy.put(role, seconds / (results.wallSeconds() * pool.replicas() * pool.slots()));
            }
            return new Measured(results, busy);
        } finally {
            for (SimulatedServer server : servers.values()) {
                server.close();
            }
        }
    }
}
