package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.local.CommittedResults;
import dev.triad.jobs.local.FailoverDrill;
import dev.triad.jobs.local.LocalFlinkCluster;
import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover on a real standalone cluster (a JobManager and two TaskManagers, separate JVMs, started
 * by the project's scripts), Kafka in and out, a simulated HTTP fleet with latency: a TaskManager
 * is killed with {@code kill -9} twice, at random moments, and a fresh one started each time. Every
 * (id, strategy) is in the {@code read_committed} output exactly once, and the fleet answered no
 * completed call again beyond those the job made again because they were in flight at the kills.
 */
class FailoverITCase {

    private static final int QUESTIONS = 300;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");
    private static final int QUESTIONS_IN_FLIGHT = 6;
    private static final int KILLS = 2;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Duration MAX_KILL_DELAY = Duration.ofSeconds(4);

    private static Path dir;
    private static LocalKafkaBroker broker;
    private static LocalFlinkCluster cluster;

    @BeforeAll
    static void startBrokerAndCluster() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "failover");
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        cluster = LocalFlinkCluster.start(dir.resolve("cluster"), 2, 2);
    }

    @AfterAll
    static void stopBrokerAndCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void killingTaskManagersTwiceLosesNothingAndPaysForNoCompletedCallAgain() throws Exception {
        long seed = Long.getLong("triad.failover.seed", System.nanoTime());
        System.out.println("FailoverITCase seed " + seed + " (kill moments and victims)");
        List<Question> questions =
                new ProblemGenerator(31).stream(QUESTIONS).collect(Collectors.toList());
        String in = "failover-questions";
        String out = "failover-results";
        broker.createTopics(2, in, out);
        broker.produce(in, questions);

        try (SimulatedServer server =
                        SimulatedServer.start(
                                ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                        .host("127.0.0.1")
                                        .port(0)
                                        .replicas(2)
                                        .prefillOverheadMs(150)
                                        .oracle(
                                                SimulatorSettings.profile(
                                                        SimulatorSettings.PROFILE_DEFAULT))
                                        .questions(questions)
                                        .build());
                CommittedResults results = CommittedResults.follow(broker.bootstrap(), out)) {
            TriadConsole triad = new TriadConsole();
            int exit =
                    triad.run(
                            "run",
                            "--jobmanager",
                            cluster.jobManager(),
                            "--detach",
                            "--input",
                            "kafka://" + broker.bootstrap() + "/" + in + "?bounded=true",
                            "--output",
                            "kafka://" + broker.bootstrap() + "/" + out,
                            "--strategies",
                            String.join(",", STRATEGIES),
                            "--parallelism",
                            "2",
                            "--checkpoint-interval",
                            "2s",
                            // Few questions at a time: the run lasts long enough for two kills.
                            "--max-questions-in-flight",
                            Integer.toString(QUESTIONS_IN_FLIGHT),
                            "--model",
                            "all=openai:"
                                    + fleet(server)
                                    + "#"
                                    + ServerSettings.DEFAULT_MODEL_NAME);
            assertThat(exit).as(triad.err()).isZero();
            String jobId = triad.out().strip();
            assertThat(jobId).matches("[0-9a-f]{32}");

            FailoverDrill drill =
                    new FailoverDrill(
                            cluster,
                            jobId,
                            results,
                            new Random(seed),
                            MAX_KILL_DELAY,
                            PATIENCE,
                            System.out::println);
            List<FailoverDrill.Kill> kills = new ArrayList<>();
            for (int i = 0; i < KILLS; i++) {
                kills.add(drill.killOne());
            }
            assertThat(drill.awaitEnd()).isEqualTo("FINISHED");

            Map<String, Integer> committed = results.drain(PATIENCE);
            FailoverDrill.Calls calls = drill.calls();
            long answeredAgain = server.callsAnsweredAgain();
            System.out.printf(
                    "FailoverITCase: %d kills %s; %d results committed; %d replies replayed from"
                            + " the journal, %d calls made again (in flight at the kills; %d"
                            + " attempts closed, %d killed); the fleet answered %d calls again%n",
                    kills.size(),
                    kills,
                    committed.size(),
                    calls.replayed(),
                    calls.remade(),
                    calls.attemptsClosed(),
                    calls.attemptsKilled(),
                    answeredAgain);

            assertThat(committed.values()).as("each (id, strategy) committed once").containsOnly(1);
            assertThat(committed).hasSize(QUESTIONS * STRATEGIES.size());
            assertThat(calls.attemptsKilled())
                    .as("attempts killed with their TaskManager")
                    .isPositive();
            assertThat(answeredAgain)
                    .as(
                            "completed calls answered again (%d made again, in flight at the kills)",
                            calls.remade())
                    .isLessThanOrEqualTo(calls.remade());
        }
    }

    private static String fleet(SimulatedServer server) {
        return server.baseUrls().stream().map(Object::toString).collect(Collectors.joining(","));
    }
}
