package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.KafkaClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Kafka inputs and outputs, checkpoint interval and client properties of {@code triad run}. */
class RunSettingsKafkaTest {

    @TempDir Path dir;

    private RunSettings resolve(String... args) throws UsageException {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return RunSettings.resolve(command.options);
    }

    private Path file(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void kafkaInAndOutWithTheDefaultDeadLetterTopic() throws UsageException {
        RunSettings s =
                resolve(
                        "--input",
                        "kafka://localhost:9092/questions?bounded=true",
                        "--output",
                        "kafka://localhost:9092/results");

        assertThat(s.input()).isNull();
        assertThat(s.inputName()).isEqualTo("kafka://localhost:9092/questions");
        assertThat(s.kafkaInput().bounded()).isTrue();
        assertThat(s.boundedInput()).isTrue();
        assertThat(s.output()).isNull();
        assertThat(s.kafkaOutput()).hasToString("kafka://localhost:9092/results");
        assertThat(s.kafkaDeadLetters()).hasToString("kafka://localhost:9092/results.dead-letters");
        assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aRunHereRefusesKafkaBrokersNoneOfWhoseHostsResolve() throws UsageException {
        RunSettings s =
                resolve(
                        "--input",
                        "kafka://broker-1.example:9092,broker-2.example:9092/questions",
                        "--output",
                        dir.resolve("out").toString());

        // Resolved by a stand-in: a test sends no DNS query off the machine.
        assertThatThrownBy(() -> LocalRun.checkKafkaHostsResolve(s, host -> false))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(
                        "--input kafka://broker-1.example:9092,broker-2.example:9092/questions:"
                                + " no broker host resolves on this machine (unknown:"
                                + " broker-1.example, broker-2.example)")
                .hasMessageContaining("kafka://127.0.0.1:9092/questions");
        // One resolvable broker is enough for a Kafka client.
        LocalRun.checkKafkaHostsResolve(s, host -> host.startsWith("broker-2"));
    }

    @Test
    void filesAndKafkaMix() throws Exception {
        Path input = file("q.jsonl", "{\"id\":\"q1\",\"text\":\"What is 1 + 1?\"}\n");
        RunSettings fileIn =
                resolve(
                        "--input",
                        input.toString(),
                        "--output",
                        "kafka://h:1/results",
                        "--dead-letters",
                        "kafka://h:2/bad");
        assertThat(fileIn.input()).isEqualTo(input);
        assertThat(fileIn.kafkaDeadLetters()).hasToString("kafka://h:2/bad");

        RunSettings kafkaIn =
                resolve("--input", "kafka://h:1/questions", "--output", dir.toString());
        assertThat(kafkaIn.output()).isEqualTo(dir);
        assertThat(kafkaIn.kafkaOutput()).isNull();
        assertThat(kafkaIn.boundedInput()).isFalse();
        assertThat(kafkaIn.transactionalIdPrefix()).isNull();
    }

    @Test
    void theTransactionalIdPrefixIsStablePerJobAndDistinctBetweenJobs() throws Exception {
        String[] job = {"--input", "kafka://h:1/in", "--output", "kafka://h:1/results"};
        String prefix = resolve(job).transactionalIdPrefix();

        assertThat(prefix).matches("triad-results-[0-9a-f]{8}");
        assertThat(resolve(job).transactionalIdPrefix()).isEqualTo(prefix);
        assertThat(
                        resolve(
                                        "--input",
                                        "kafka://h:1/in",
                                        "--output",
                                        "kafka://h:1/results",
                                        "--strategies",
                                        "cot")
                                .transactionalIdPrefix())
                .isNotEqualTo(prefix);
        assertThat(
                        resolve("--input", "kafka://h:1/other", "--output", "kafka://h:1/results")
                                .transactionalIdPrefix())
                .isNotEqualTo(prefix);
    }

    @Test
    void malformedUrisAreUsageErrorsNamingTheOptionAndTheFix() {
        assertThatThrownBy(() -> resolve("--input", "kafka://localhost/questions"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--input 'kafka://localhost/questions'")
                .hasMessageContaining("kafka://HOST:PORT/TOPIC");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        "kafka://h:1/q",
                                        "--output",
                                        "kafka://h:1/r?bounded=true"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--output 'kafka://h:1/r?bounded=true'");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        "kafka://h:1/q",
                                        "--output",
                                        dir.toString(),
                                        "--dead-letters",
                                        "kafka://h:1/d"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--dead-letters applies to a Kafka --output only");
        assertThatThrownBy(() -> resolve("--input", "kafka://h:1/q", "--watch"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Leave out --watch");
    }

    @Test
    void theCheckpointIntervalFromTheCommandLineOrTheConfigFile() throws Exception {
        Path config = file("triad.yaml", "checkpoint-interval: 1min\n");
        assertThat(
                        resolve("--input", "kafka://h:1/q", "--config", config.toString())
                                .checkpointInterval())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(
                        resolve(
                                        "--input",
                                        "kafka://h:1/q",
                                        "--config",
                                        config.toString(),
                                        "--checkpoint-interval",
                                        "1s")
                                .checkpointInterval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> resolve("--input", "kafka://h:1/q", "--checkpoint-interval", "0s"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--checkpoint-interval must be a positive duration");
    }

    @Test
    void clientPropertiesWithSecretsFromAFileAreNeverShown() throws Exception {
        Path secret =
                file(
                        "jaas.txt",
                        "org.apache.kafka.common.security.plain.PlainLoginModule"
                                + " required username=\"u\" password=\"s3cr3t-jaas\";\n");
        Path config =
                file(
                        "triad.yaml",
                        "kafka:\n"
                                + "  security.protocol: SASL_SSL\n"
                                + "  sasl.mechanism: PLAIN\n"
                                + "  sasl.jaas.config: {file: "
                                + secret
                                + "}\n"
                                + "  ssl.truststore.password: plain-s3cr3t\n");

        RunSettings s = resolve("--input", "kafka://h:1/q", "--config", config.toString());
        KafkaClientProperties client = s.kafkaClient();

        assertThat(client.toProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.password", "plain-s3cr3t");
        assertThat(client.toProperties().getProperty("sasl.jaas.config"))
                .contains("s3cr3t-jaas")
                .doesNotEndWith("\n");
        for (String shown : List.of(client.toString(), client.describe())) {
            assertThat(shown)
                    .contains("security.protocol=SASL_SSL")
                    .contains("sasl.jaas.config=" + KafkaClientProperties.MASK)
                    .contains("ssl.truststore.password=" + KafkaClientProperties.MASK)
                    .doesNotContain("s3cr3t");
        }
    }

    @Test
    void secretsFromTheEnvironmentAndTheirErrorsNameNoValue() throws Exception {
        String path = System.getenv().containsKey("PATH") ? "PATH" : null;
        assertThat(path).as("a variable every test JVM has").isNotNull();
        Path fromEnv = file("env.yaml", "kafka:\n  sasl.jaas.config: {env: PATH}\n");
        assertThat(
                        resolve("--input", "kafka://h:1/q", "--config", fromEnv.toString())
                                .kafkaClient()
                                .toProperties()
                                .getProperty("sasl.jaas.config"))
                .isEqualTo(System.getenv("PATH"));

        Path unset =
                file("unset.yaml", "kafka:\n  sasl.jaas.config: {env: TRIAD_NO_SUCH_VARIABLE}\n");
        assertThatThrownBy(() -> resolve("--input", "kafka://h:1/q", "--config", unset.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("TRIAD_NO_SUCH_VARIABLE, which is not set");
        Path missing = file("missing.yaml", "kafka:\n  ssl.key.password: {file: /no/such/file}\n");
        assertThatThrownBy(
                        () -> resolve("--input", "kafka://h:1/q", "--config", missing.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'ssl.key.password' comes from the file /no/such/file");
        Path notSecret = file("bad.yaml", "kafka:\n  security.protocol: {env: PATH}\n");
        assertThatThrownBy(
                        () -> resolve("--input", "kafka://h:1/q", "--config", notSecret.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("only secrets")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(System.getenv("PATH")));
        Path notAMap = file("list.yaml", "kafka: [a, b]\n");
        assertThatThrownBy(
                        () -> resolve("--input", "kafka://h:1/q", "--config", notAMap.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'kafka' must be a map");
    }

    @Test
    void deliveryOfAKafkaOutputAndCheckpointsOff() throws UsageException {
        String in = "kafka://h:1/questions?bounded=true";
        String out = "kafka://h:1/results";
        RunSettings byDefault = resolve("--input", in, "--output", out);
        assertThat(byDefault.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(byDefault.checkpointing()).isTrue();

        RunSettings atLeastOnce =
                resolve("--input", in, "--output", out, "--delivery", "at-least-once");
        assertThat(atLeastOnce.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);

        RunSettings off =
                resolve(
                        "--input",
                        in,
                        "--output",
                        out,
                        "--delivery",
                        "none",
                        "--checkpoint-interval",
                        "off");
        assertThat(off.delivery()).isEqualTo(DeliveryGuarantee.NONE);
        assertThat(off.checkpointing()).isFalse();
        assertThat(off.checkpointInterval()).isEqualTo(Duration.ZERO);
        assertThat(
                        resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        out,
                                        "--delivery",
                                        "at-least-once",
                                        "--checkpoint-interval",
                                        "OFF")
                                .checkpointing())
                .isFalse();
    }

    @Test
    void deliveryAndCheckpointsOffThatCannotWorkAreUsageErrors() {
        String in = "kafka://h:1/questions?bounded=true";
        String out = "kafka://h:1/results";
        assertThatThrownBy(() -> resolve("--input", in, "--output", out, "--delivery", "twice"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--delivery must be exactly-once, at-least-once or none, was 'twice'.");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        out,
                                        "--checkpoint-interval",
                                        "off"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--checkpoint-interval is off, but a Kafka output is")
                .hasMessageContaining("exactly-once by default")
                .hasMessageContaining("Give --delivery at-least-once or none");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        out,
                                        "--delivery",
                                        "exactly-once",
                                        "--checkpoint-interval",
                                        "off"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("exactly-once (--delivery)");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        dir.toString(),
                                        "--delivery",
                                        "at-least-once"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--delivery applies to a Kafka --output only");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        dir.toString(),
                                        "--checkpoint-interval",
                                        "off"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--checkpoint-interval is off, but the folder output")
                .hasMessageContaining("commits its part files on checkpoints");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--input",
                                        in,
                                        "--output",
                                        out,
                                        "--checkpoint-interval",
                                        "0s"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("must be a positive duration");
    }
}
