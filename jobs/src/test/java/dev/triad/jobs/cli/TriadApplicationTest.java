package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TriadApplication}'s options and the settings it adds to the cluster's configuration. */
class TriadApplicationTest {

    @TempDir Path dir;

    private Path input;

    @BeforeEach
    void writeInput() throws IOException {
        input = dir.resolve("q.jsonl");
        Files.writeString(input, "{\"id\":\"q1\",\"text\":\"What is 1 + 1?\"}\n");
    }

    private RunSettings settings(String... args) throws UsageException {
        List<String> all = new ArrayList<>(List.of("--input", input.toString()));
        all.addAll(List.of(args));
        return TriadApplication.settings(all.toArray(String[]::new));
    }

    @Test
    void takesTheOptionsOfTriadRunFromAConfigFile() throws Exception {
        Path config = dir.resolve("triad.yaml");
        Files.writeString(
                config,
                "input: kafka://triad-kafka-bootstrap:9092/questions\n"
                        + "output: kafka://triad-kafka-bootstrap:9092/results\n"
                        + "strategies: [lm2]\n"
                        + "model: {all: 'sim:zero'}\n"
                        + "max-steps: 8\n");

        RunSettings s = TriadApplication.settings("--config", config.toString());

        assertThat(s.kafkaInput()).hasToString("kafka://triad-kafka-bootstrap:9092/questions");
        assertThat(s.kafkaOutput()).hasToString("kafka://triad-kafka-bootstrap:9092/results");
        assertThat(s.strategies()).containsExactly("lm2");
        assertThat(s.models().values())
                .allSatisfy(m -> assertThat(m.describe()).isEqualTo("sim:zero"));
        assertThat(s.boundedInput()).isFalse();
    }

    @Test
    void aBadOptionGivesTheMessageTriadRunGives() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exit = TriadCli.execute(err, err, "run", "--strategy", "lm2", "--input", "x");
        assertThat(exit).isEqualTo(2);
        String triadRun = printed.toString(StandardCharsets.UTF_8).strip();
        assertThat(triadRun).contains("--strategy");

        assertThatThrownBy(() -> TriadApplication.settings("--strategy", "lm2", "--input", "x"))
                .isInstanceOf(UsageException.class)
                .hasMessage("triad application: " + triadRun);
    }

    @Test
    void noArgumentsSaysWhatToGiveAndHowTheStandaloneEntryPointLosesThem() {
        assertThatThrownBy(() -> TriadApplication.settings())
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("triad application: no arguments. Give the options of")
                .hasMessageContaining("put '--' before them");
    }

    @Test
    void anUnusableValueGivesTheMessageTriadRunGives() {
        assertThatThrownBy(() -> settings("--limit", "0"))
                .isInstanceOf(UsageException.class)
                .hasMessage("triad application: --limit must be at least 1, was 0. Fix the value.");
    }

    @Test
    void mainThrowsInsteadOfExitingTheJobManager() {
        // Were it to call System.exit, this test's JVM would end here.
        assertThatThrownBy(() -> TriadApplication.main(new String[] {"--no-such-option"}))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("triad application: triad run: Unknown option:")
                .hasMessageContaining("--no-such-option");
    }

    @Test
    void refusesOptionsThatHaveNoPlaceInApplicationMode() throws IOException {
        assertThatThrownBy(() -> settings("--resume"))
                .hasMessageStartingWith("triad application: --resume cannot be used here: the")
                .hasMessageContaining("execution.state-recovery.path")
                .hasMessageEndingWith("Leave it out.");
        assertThatThrownBy(() -> settings("--overwrite"))
                .hasMessageStartingWith("triad application: --overwrite cannot be used here:");
        assertThatThrownBy(() -> settings("--report", dir.resolve("r.html").toString()))
                .hasMessageStartingWith("triad application: --report cannot be used here:")
                .hasMessageContaining("triad eval DIR --report FILE");
        assertThatThrownBy(() -> settings("--jobmanager", "127.0.0.1:8081"))
                .hasMessage(
                        "triad application: --jobmanager cannot be used here: "
                                + TriadApplication.REFUSED.get("jobmanager"));
        assertThatThrownBy(() -> settings("--detach"))
                .hasMessageStartingWith("triad application: --detach cannot be used here:");
        assertThatThrownBy(() -> settings("--from-savepoint", dir.toString()))
                .hasMessageStartingWith("triad application: --from-savepoint cannot be used here:")
                .hasMessageContaining("spec.job.initialSavepointPath");
        assertThatThrownBy(() -> settings("--help"))
                .hasMessageContaining("See triad run --help for the options");

        Path config = dir.resolve("cluster.yaml");
        Files.writeString(config, "jobmanager: flink:8081\n");
        assertThatThrownBy(() -> settings("--config", config.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(
                        "triad application: 'jobmanager' in " + config + " cannot be used here:");
    }

    @Test
    void theClustersCheckpointSettingsStayAndUnalignedIsOnWhenTheClusterDoesNotSayOtherwise()
            throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        TriadApplication.configure(env, settings());

        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(30_000);
        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("s3://bucket/checkpoints");
        assertThat(env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINT_STORAGE))
                .isEmpty();
    }

    @Test
    void theClustersUnalignedSettingWins() throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        TriadApplication.configure(env, settings());

        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
        assertThat(env.getCheckpointConfig().getCheckpointInterval())
                .as("Triad's default when the cluster sets no interval")
                .isEqualTo(RunSettings.DEFAULT_CHECKPOINT_INTERVAL.toMillis());
    }

    @Test
    void aGivenCheckpointIntervalWinsOverTheClusters() throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        TriadApplication.configure(env, settings("--checkpoint-interval", "2s"));

        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(2_000);
    }

    @Test
    void aFolderOutputKeepsWhatTheJobCommitted() throws Exception {
        Path output = dir.resolve("out");
        Path part = output.resolve("parts").resolve("results").resolve("part-0-0");
        Files.createDirectories(part.getParent());
        Files.writeString(part, "{}\n");
        RunSettings s = settings("--output", output.toString());

        new LocalRun(s, null, null).prepareOutput(true);

        assertThat(part).hasContent("{}");
    }
}
