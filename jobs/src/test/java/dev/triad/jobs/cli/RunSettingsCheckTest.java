package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunSettings#check}: the options of {@code triad run} parsed and checked, not run. */
class RunSettingsCheckTest {

    @TempDir Path dir;

    /** Secrets a pod would have: these variables, and no files. */
    private static RunSettings.Secrets env(Map<String, String> variables) {
        return new RunSettings.Secrets() {
            @Override
            public String env(String name) {
                return variables.get(name);
            }

            @Override
            public String file(String path) throws IOException {
                throw new NoSuchFileException(path);
            }
        };
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("triad.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void argsAndTheirConfigFileResolve() throws Exception {
        Path config =
                config(
                        "input: kafka://kafka:9092/questions\n"
                                + "output: kafka://kafka:9092/results\n"
                                + "strategies: [lm2, cot]\n"
                                + "model: {all: 'openai:http://sim-0.sim:8000/v1#m'}\n"
                                + "kafka:\n"
                                + "  security.protocol: SASL_PLAINTEXT\n"
                                + "  sasl.jaas.config: {env: KAFKA_JAAS}\n");

        RunSettings s =
                RunSettings.check(
                        List.of("--config", config.toString(), "--parallelism", "4"),
                        env(Map.of("KAFKA_JAAS", "secret")));

        assertThat(s.kafkaOutput()).hasToString("kafka://kafka:9092/results");
        assertThat(s.strategies()).containsExactly("lm2", "cot");
        assertThat(s.parallelism()).isEqualTo(4);
    }

    @Test
    void aSecretFromAVariableThePodLacksIsReported() throws Exception {
        Path config =
                config(
                        "input: kafka://kafka:9092/questions\n"
                                + "output: kafka://kafka:9092/results\n"
                                + "kafka: {sasl.jaas.config: {env: KAFKA_JAAS}}\n");

        assertThatThrownBy(
                        () ->
                                RunSettings.check(
                                        List.of("--config", config.toString()), env(Map.of())))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("KAFKA_JAAS, which is not set");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThatThrownBy(
                        () ->
                                RunSettings.check(
                                        List.of("--input", "kafka://k:9092/q", "--paralelism", "2"),
                                        env(Map.of())))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--paralelism");
    }

    @Test
    void anUnknownConfigKeyIsAUsageError() throws Exception {
        Path config = config("input: kafka://kafka:9092/questions\nstrategy: lm2\n");

        assertThatThrownBy(
                        () ->
                                RunSettings.check(
                                        List.of("--config", config.toString()), env(Map.of())))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("unknown key 'strategy'");
    }
}
