package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triad.jobs.cluster.FlinkRestClient;
import dev.triad.jobs.local.CommittedResults;
import dev.triad.jobs.local.LocalFlinkCluster;
import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TriadApplication} on a real application cluster, as the Flink Kubernetes Operator runs it:
 * Flink's {@code StandaloneApplicationClusterEntryPoint} (a JobManager JVM that runs the job's main
 * from the shaded job jar) and a TaskManager JVM, started by the project's script; Kafka in and out
 * on a real broker; {@code execution.checkpointing.dir} a {@code file://} folder standing for
 * object storage. Then the operator's upgrade path: stop-with-savepoint through the REST API, and a
 * new application cluster started with {@code execution.state-recovery.path} on that savepoint.
 */
class ApplicationModeITCase {

    private static final int FIRST = 30;
    private static final int LATER = 20;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static LocalKafkaBroker broker;
    private static final List<LocalFlinkCluster> CLUSTERS = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "application-mode");
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            for (LocalFlinkCluster cluster : CLUSTERS) {
                cluster.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void answersEveryQuestionOnceWithTheClustersStorageAndAnUpgradeFromASavepointContinues()
            throws Exception {
        List<Question> questions =
                new ProblemGenerator(17).stream(FIRST + LATER).collect(Collectors.toList());
        String in = "app-questions";
        String out = "app-results";
        broker.createTopics(2, in, out);
        broker.produce(in, questions.subList(0, FIRST));
        Path bucket = dir.resolve("bucket");
        Path checkpointDir = bucket.resolve("checkpoints");
        String checkpoints = "file://" + checkpointDir;
        String savepoints = "file://" + bucket.resolve("savepoints");
        // What a FlinkDeployment's args hold: the options of triad run in a mounted YAML file.
        Path config = dir.resolve("triad.yaml");
        String kafka = "kafka://" + broker.bootstrap() + "/";
        Files.writeString(
                config,
                "input: "
                        + kafka
                        + in
                        + "\noutput: "
                        + kafka
                        + out
                        + "\nstrategies: ["
                        + String.join(", ", STRATEGIES)
                        + "]\nmodel: {all: 'sim:zero'}\ncheckpoint-interval: 1s\n");
        List<String> args = List.of("--config", config.toString());
        RunSettings settings = TriadApplication.settings(args.toArray(String[]::new));
        String journal =
                RunSettings.journalName(
                        settings.inputName(),
                        settings.strategies(),
                        settings.mapping().name(),
                        settings.kafkaOutput().toString());

        try (CommittedResults results = CommittedResults.follow(broker.bootstrap(), out)) {
            LocalFlinkCluster first = start("app-1", jobJar(), checkpoints, savepoints, null, args);
            results.awaitPairs(FIRST * STRATEGIES.size(), PATIENCE);
            String firstJob = onlyJob(first);

            // main returned long ago; the JobManager runs on, and with it the job.
            assertThat(first.jobManagerProcess()).as("the JobManager's process").isPresent();
            assertThat(state(first, firstJob)).isEqualTo("RUNNING");
            assertThat(Files.readString(first.jobManagerLog()))
                    .contains("triad application: submitted job " + firstJob + "; main returns");
            // Checkpoints go where the cluster says; the reply journal lives beside them.
            Path completed = awaitCompletedCheckpoint(first, firstJob);
            assertThat(completed).startsWithRaw(checkpointDir.resolve(firstJob));
            // (its files are trimmed as checkpoints complete; the folder is the journal's own)
            assertThat(checkpointDir.resolve("triad-journal").resolve(journal)).isDirectory();
            assertNoLocalState(settings.transactionalIdPrefix(), first);

            // The operator's upgrade: stop with a savepoint, a new cluster restores from it.
            String savepoint =
                    new FlinkRestClient(first.rest())
                            .stopWithSavepoint(firstJob, savepoints, PATIENCE);
            assertThat(Path.of(URI.create(savepoint)))
                    .startsWithRaw(bucket.resolve("savepoints"))
                    .isDirectory();
            // The savepoint completes before the job reports its end.
            awaitState(first, firstJob, "FINISHED");
            assertThat(first.jobManagerProcess())
                    .as("the JobManager stays after the job ends, as under the operator")
                    .isPresent();
            first.close();
            broker.produce(in, questions.subList(FIRST, FIRST + LATER));

            LocalFlinkCluster second =
                    start("app-2", jobJar(), checkpoints, savepoints, savepoint, args);
            results.awaitPairs((FIRST + LATER) * STRATEGIES.size(), PATIENCE);
            String secondJob = onlyJob(second);
            JsonNode restored =
                    rest(second, "/jobs/" + secondJob + "/checkpoints")
                            .path("latest")
                            .path("restored");
            assertThat(Path.of(URI.create(restored.path("external_path").asText())))
                    .isEqualTo(Path.of(URI.create(savepoint)));
            assertThat(restored.path("is_savepoint").asBoolean()).isTrue();
            // Stopping commits whatever is still open, so nothing can come in after the count.
            new FlinkRestClient(second.rest()).stopWithSavepoint(secondJob, savepoints, PATIENCE);
            assertNoLocalState(settings.transactionalIdPrefix(), second);
            second.close();

            Map<String, Integer> committed = results.drain(PATIENCE);
            assertThat(committed.values()).as("each (id, strategy) committed once").containsOnly(1);
            assertThat(committed).hasSize((FIRST + LATER) * STRATEGIES.size());
            for (Question question : questions) {
                for (String strategy : STRATEGIES) {
                    assertThat(committed).containsKey(question.id() + "/" + strategy);
                }
            }
        }
    }

    @Test
    void anOptionWithNoPlaceInApplicationModeFailsTheApplicationVisibly() throws Exception {
        Path clusterDir = dir.resolve("app-refused");
        List<String> args =
                List.of("--resume", "--input", "kafka://" + broker.bootstrap() + "/nothing");
        Path jar = jobJar();
        String checkpoints = "file://" + dir.resolve("refused-bucket");
        LocalFlinkCluster cluster;
        try {
            cluster = start("app-refused", jar, checkpoints, checkpoints, null, args);
        } catch (IOException jobManagerExited) {
            // The application failed before the TaskManager registered: the script says so.
            assertThat(jobManagerExited).hasMessageContaining("the JobManager exited");
            cluster = null;
        }
        if (cluster != null) {
            // The TaskManager came first; the JobManager ends all the same.
            ProcessHandle jobManager = cluster.jobManagerProcess().orElse(null);
            if (jobManager != null) {
                jobManager.onExit().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(Files.readString(clusterDir.resolve("log").resolve("jobmanager.log")))
                .contains(
                        "The main method caused an error: triad application: --resume cannot be"
                                + " used here: the cluster restores the job itself");
    }

    private static LocalFlinkCluster start(
            String name,
            Path jar,
            String checkpoints,
            String savepoints,
            String fromSavepoint,
            List<String> args)
            throws IOException, InterruptedException {
        LocalFlinkCluster cluster =
                LocalFlinkCluster.startApplication(
                        dir.resolve(name), 1, 2, jar, checkpoints, savepoints, fromSavepoint, args);
        CLUSTERS.add(cluster);
        return cluster;
    }

    /** Neither the laptop's state folder nor a run marker: the cluster keeps the state. */
    private static void assertNoLocalState(String prefix, LocalFlinkCluster cluster)
            throws IOException {
        for (Path root : List.of(Path.of(""), cluster.dir())) {
            assertThat(root.resolve(RunSettings.KAFKA_STATE_ROOT).resolve(prefix)).doesNotExist();
        }
        try (Stream<Path> files = Files.walk(cluster.dir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .doesNotContain(RunSettings.STATE_FOLDER);
        }
    }

    /** The id of the cluster's job, once its main has submitted it. */
    private static String onlyJob(LocalFlinkCluster cluster) throws Exception {
        JsonNode jobs = rest(cluster, "/jobs").path("jobs");
        assertThat(jobs).as(jobs.toString()).hasSize(1);
        return jobs.get(0).path("id").asText();
    }

    private static String state(LocalFlinkCluster cluster, String jobId) throws Exception {
        return rest(cluster, "/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job's state (GET /jobs/ID) is {@code expected}. */
    private static void awaitState(LocalFlinkCluster cluster, String jobId, String expected)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String now;
        while (!(now = state(cluster, jobId)).equals(expected)) {
            assertThat(System.nanoTime())
                    .as("job " + jobId + " " + expected + " within " + PATIENCE + ", still " + now)
                    .isLessThan(deadline);
            Thread.sleep(200); // polling another process's REST API: there is no event to wait on
        }
    }

    /** Waits for the job's first completed checkpoint; returns where it was written. */
    private static Path awaitCompletedCheckpoint(LocalFlinkCluster cluster, String jobId)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode completed =
                    rest(cluster, "/jobs/" + jobId + "/checkpoints")
                            .path("latest")
                            .path("completed");
            if (completed.hasNonNull("external_path")) {
                return Path.of(URI.create(completed.path("external_path").asText()));
            }
            assertThat(System.nanoTime())
                    .as("a checkpoint within " + PATIENCE)
                    .isLessThan(deadline);
            Thread.sleep(200); // polling another process's REST API: there is no event to wait on
        }
    }

    private static JsonNode rest(LocalFlinkCluster cluster, String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(cluster.rest() + path)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow()
                    .toAbsolutePath();
        }
    }
}
