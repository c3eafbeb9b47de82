package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.demos.DemonstrationPool;
import dev.triad.jobs.demos.DemonstrationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --demonstrations FILE --shots K} and its tuning options, checked before a job. */
class RunSettingsDemonstrationsTest {

    @TempDir Path dir;

    private Path input;
    private Path pool;

    @BeforeEach
    void write() throws IOException {
        input = dir.resolve("q.jsonl");
        Files.writeString(input, "{\"id\":\"q1\",\"text\":\"What is 1 + 1?\"}\n");
        pool = dir.resolve("pool.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            lines.add(
                    "{\"id\":\"p"
                            + i
                            + "\",\"text\":\"What is "
                            + i
                            + " + "
                            + i
                            + "?\",\"gold\":\""
                            + (2 * i)
                            + "\",\"goldSteps\":[{\"subquestion\":\"Add them?\",\"answer\":\""
                            + (2 * i)
                            + "\"}]}");
        }
        Files.write(pool, lines);
    }

    private RunSettings resolve(String... args) throws UsageException {
        RunCommand command = new RunCommand();
        List<String> all = new ArrayList<>(List.of("--input", input.toString()));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return RunSettings.resolve(command.options);
    }

    @Test
    void withoutAPoolThereAreNoDemonstrations() throws UsageException {
        assertThat(resolve().demonstrations()).isNull();
    }

    @Test
    void aPoolIsReadAndCheckedWithItsDefaults() throws Exception {
        DemonstrationSettings s = resolve("--demonstrations", pool.toString()).demonstrations();

        assertThat(s.pool()).isEqualTo(pool.toAbsolutePath().normalize().toString());
        assertThat(s.poolAsGiven()).isEqualTo(pool.toString());
        assertThat(s.sha256()).isEqualTo(DemonstrationPool.sha256(pool));
        assertThat(s.shots()).isEqualTo(3);
        assertThat(s.cut()).isEqualTo(0.95);
        assertThat(s.exactUpTo()).isEqualTo(100_000);
        assertThat(s.mapping().name()).isEqualTo("triad");
    }

    @Test
    void theOptionsAreReadFromTheCommandLineAndTheConfigFile() throws Exception {
        Path config = dir.resolve("triad.yaml");
        Files.writeString(
                config, "demonstrations: " + pool + "\nshots: 2\ndemonstrations-cut: 0.9\n");
        DemonstrationSettings s =
                resolve("--config", config.toString(), "--demonstrations-exact-max", "0")
                        .demonstrations();
        assertThat(s.shots()).isEqualTo(2);
        assertThat(s.cut()).isEqualTo(0.9);
        assertThat(s.exactUpTo()).isZero();
    }

    @Test
    void thePoolCannotBeTheInput() {
        assertThatThrownBy(() -> resolve("--demonstrations", input.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--demonstrations")
                .hasMessageContaining("their own worked examples");
    }

    @Test
    void moreShotsThanThePoolHoldsOrNoneAreRefused() {
        assertThatThrownBy(() -> resolve("--demonstrations", pool.toString(), "--shots", "5"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--shots is 5")
                .hasMessageContaining("holds 4 examples");
        assertThatThrownBy(() -> resolve("--demonstrations", pool.toString(), "--shots", "0"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--shots must be at least 1");
    }

    @Test
    void aBadLineOfThePoolIsAUsageErrorNamingFileAndLine() throws Exception {
        Files.writeString(
                pool, "{\"id\":\"p1\",\"text\":\"t\"}\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> resolve("--demonstrations", pool.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(pool + ":5")
                .hasMessageContaining("no final answer (gold)");
    }

    @Test
    void tuningWithoutAPoolAndAPoolWithoutADecomposerAreRefused() {
        assertThatThrownBy(() -> resolve("--shots", "2"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--shots only applies with --demonstrations");
        assertThatThrownBy(
                        () -> resolve("--demonstrations", pool.toString(), "--strategies", "cot"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Add lm2 or plan-solve");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--demonstrations",
                                        pool.toString(),
                                        "--demonstrations-cut",
                                        "2"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("from -1 to 1");
    }

    @Test
    void aPromptFolderWhoseDecomposerTemplateDropsThemIsRefused() throws Exception {
        Path prompts = dir.resolve("prompts");
        Files.createDirectories(prompts.resolve("lm2"));
        Files.writeString(prompts.resolve("lm2/decomposer-concepts.user.txt"), "{{question}}");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        "--demonstrations",
                                        pool.toString(),
                                        "--prompts",
                                        prompts.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--prompts")
                .hasMessageContaining("decomposer-concepts.user.txt")
                .hasMessageContaining("{{demonstrations}}");
    }

    @Test
    void aRunMappingWithWorkedLinesIsForPoolsOnly() {
        assertThatThrownBy(() -> resolve("--mapping", "../examples/mappings/gsm8k-train.yaml"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--demonstrations-mapping");
    }
}
