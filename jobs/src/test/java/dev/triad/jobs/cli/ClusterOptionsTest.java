package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options of {@code triad run} for a Flink cluster, and what a job gets there. */
class ClusterOptionsTest {

    @TempDir Path dir;

    private Path input;

    @BeforeEach
    void writeInput() throws IOException {
        input = dir.resolve("q.jsonl");
        Files.writeString(input, "{\"id\":\"q1\",\"text\":\"What is 1 + 1?\"}\n");
    }

    private RunSettings resolve(String... args) throws UsageException {
        RunCommand command = new RunCommand();
        List<String> all = new ArrayList<>(List.of("--input", input.toString()));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return RunSettings.resolve(command.options);
    }

    @Test
    void anEmbeddedRunByDefault() throws UsageException {
        RunSettings s = resolve();

        assertThat(s.jobManager()).isNull();
        assertThat(s.detach()).isFalse();
        assertThat(s.fromSavepoint()).isNull();
    }

    @Test
    void jobmanagerIsHostAndPort() throws UsageException {
        RunSettings s = resolve("--jobmanager", "flink.example:18081", "--detach");

        assertThat(s.jobManager()).isEqualTo(new JobManagerAddress("flink.example", 18081));
        assertThat(s.jobManager().rest()).hasToString("http://flink.example:18081");
        assertThat(s.jobManager().jobPage("ab"))
                .isEqualTo("http://flink.example:18081/#/job/running/ab/overview");
        assertThat(s.detach()).isTrue();
        assertThat(JobManagerAddress.parse("http://127.0.0.1:8081/", "--jobmanager"))
                .isEqualTo(new JobManagerAddress("127.0.0.1", 8081));
    }

    @Test
    void aJobmanagerWithoutPortIsAUsageError() {
        assertThatThrownBy(() -> resolve("--jobmanager", "localhost"))
                .isInstanceOf(UsageException.class)
                .hasMessage(
                        "--jobmanager must be HOST:PORT of a Flink cluster's REST API (its web"
                                + " UI), e.g. 127.0.0.1:8081; was 'localhost'.");
        assertThatThrownBy(() -> resolve("--jobmanager", "localhost:99999"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("must be HOST:PORT");
    }

    @Test
    void detachNeedsAJobmanager() {
        assertThatThrownBy(() -> resolve("--detach"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--detach needs --jobmanager HOST:PORT");
    }

    @Test
    void theJobmanagerMayComeFromTheConfigFile() throws Exception {
        Path config = dir.resolve("triad.yaml");
        Files.writeString(config, "jobmanager: 127.0.0.1:18081\ndetach: true\n");

        RunSettings s = resolve("--config", config.toString());

        assertThat(s.jobManager()).isEqualTo(new JobManagerAddress("127.0.0.1", 18081));
        assertThat(s.detach()).isTrue();
    }

    @Test
    void aSavepointOnThisMachineMustExistAndIsMadeAbsolute() throws Exception {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-1"));

        assertThat(resolve("--from-savepoint", savepoint.toUri().toString()).fromSavepoint())
                .isEqualTo(savepoint.toAbsolutePath().toString());
        assertThat(resolve("--from-savepoint", savepoint.toString()).fromSavepoint())
                .isEqualTo(savepoint.toAbsolutePath().toString());
        assertThat(resolve("--from-savepoint", "s3://bucket/savepoint-1").fromSavepoint())
                .isEqualTo("s3://bucket/savepoint-1");
        assertThatThrownBy(() -> resolve("--from-savepoint", dir.resolve("missing").toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("no such savepoint or checkpoint")
                .hasMessageContaining("triad cancel --savepoint");
    }

    @Test
    void aClusterJobCheckpointsUnalignedUnlessTheClusterChooses() throws Exception {
        Configuration chosenHere =
                ClusterRun.withClusterDefaults(
                        ClusterRun.jobConfiguration(resolve()), Set.of("rest.port"));
        assertThat(chosenHere.getOptional(CheckpointingOptions.ENABLE_UNALIGNED)).contains(true);

        for (String key :
                List.of(
                        "execution.checkpointing.unaligned.enabled",
                        "execution.checkpointing.unaligned")) {
            Configuration chosenThere =
                    ClusterRun.withClusterDefaults(
                            ClusterRun.jobConfiguration(resolve()), Set.of(key));
            assertThat(chosenThere.getOptional(CheckpointingOptions.ENABLE_UNALIGNED))
                    .as("the cluster sets %s", key)
                    .isEmpty();
        }
    }

    @Test
    void aClusterJobRestartsAndKeepsItsCheckpointsWhenCancelled() throws Exception {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-2"));
        Configuration conf =
                ClusterRun.jobConfiguration(resolve("--from-savepoint", savepoint.toString()));

        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(ClusterRun.RESTART_MAX_BACKOFF);
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(savepoint.toAbsolutePath().toString());
    }

    @Test
    void reportAndDetachDoNotGoTogether() {
        TriadConsole console = new TriadConsole();
        int exit =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--jobmanager",
                        "127.0.0.1:1",
                        "--detach",
                        "--report",
                        dir.resolve("r.html").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(console.err()).contains("--report cannot be used with --detach");
    }

    @Test
    void theJobJarIsFoundNextToTriadOrGivenExplicitly() throws Exception {
        String before = System.getProperty(ClusterRun.JOB_JAR_PROPERTY);
        try {
            System.setProperty(
                    ClusterRun.JOB_JAR_PROPERTY, dir.resolve("missing-job.jar").toString());
            assertThatThrownBy(ClusterRun::jobJar)
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("no such file");
            Path jar = Files.writeString(dir.resolve("triad-jobs-9-job.jar"), "");
            System.setProperty(ClusterRun.JOB_JAR_PROPERTY, jar.toString());
            assertThat(ClusterRun.jobJar()).isEqualTo(jar.toAbsolutePath());
        } finally {
            if (before == null) {
                System.clearProperty(ClusterRun.JOB_JAR_PROPERTY);
            } else {
                System.setProperty(ClusterRun.JOB_JAR_PROPERTY, before);
            }
        }
    }
}
