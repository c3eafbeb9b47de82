package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.cost.PriceTable;
import dev.triad.jobs.UsageException;
import dev.triad.model.Role;
import dev.triad.reasoning.ReasoningOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunSettingsTest {

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

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("triad.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void defaults() throws UsageException {
        RunSettings s = resolve();

        assertThat(s.mapping().name()).isEqualTo("triad");
        assertThat(s.output()).isEqualTo(Path.of("out/run"));
        assertThat(s.strategies()).containsExactly("lm2", "cot");
        assertThat(s.limit()).isEqualTo(RunSettings.NO_LIMIT);
        assertThat(s.parallelism()).isEqualTo(2);
        assertThat(s.watch()).isFalse();
        assertThat(s.simulated()).isTrue();
        assertThat(s.models().values())
                .allSatisfy(m -> assertThat(m.describe()).isEqualTo("sim:default"));
        assertThat(s.maxQuestionChars())
                .isEqualTo(ReasoningOptions.MAX_QUESTION_CHARS.defaultValue());
    }

    @Test
    void theCommandLineWinsOverTheConfigFileWhichWinsOverDefaults() throws Exception {
        Path config =
                config(
                        "max-steps: 8\n"
                                + "max-regenerations: 1\n"
                                + "parallelism: 3\n"
                                + "strategies: [cot, plan-solve]\n"
                                + "question-timeout: 45s\n"
                                + "on-regenerations-exhausted: unsolved\n"
                                + "reject-classes: [conceptual_mistake, procedural_mistake]\n"
                                + "model:\n"
                                + "  all: sim:zero\n"
                                + "  verifier: sim:perfect\n");

        RunSettings s =
                resolve(
                        "--config",
                        config.toString(),
                        "--max-steps",
                        "5",
                        "--model",
                        "solver=sim:perfect",
                        "--limit",
                        "10");

        assertThat(s.reasoningConfig().get(ReasoningOptions.MAX_STEPS)).isEqualTo(5);
        assertThat(s.reasoningConfig().get(ReasoningOptions.MAX_REGENERATIONS)).isEqualTo(1);
        assertThat(s.reasoningConfig().get(ReasoningOptions.QUESTION_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(45));
        assertThat(s.reasoningConfig().get(ReasoningOptions.ON_REGENERATIONS_EXHAUSTED))
                .isEqualTo(ReasoningOptions.ExhaustedPolicy.UNSOLVED);
        assertThat(s.reasoningConfig().get(ReasoningOptions.REJECT_CLASSES))
                .containsExactly("conceptual_mistake", "procedural_mistake");
        assertThat(s.parallelism()).isEqualTo(3);
        assertThat(s.strategies()).containsExactly("cot", "plan-solve");
        assertThat(s.limit()).isEqualTo(10);
        assertThat(s.models().get(Role.DECOMPOSER).describe()).isEqualTo("sim:zero");
        assertThat(s.models().get(Role.SOLVER).describe()).isEqualTo("sim:perfect");
        assertThat(s.models().get(Role.VERIFIER).describe()).isEqualTo("sim:perfect");
    }

    @Test
    void allOnTheCommandLineOverridesEveryRoleOfTheConfigFile() throws Exception {
        Path config = config("model: {solver: sim:perfect}\n");

        RunSettings s = resolve("--config", config.toString(), "--model", "all=sim:zero");

        assertThat(s.models().values())
                .allSatisfy(m -> assertThat(m.describe()).isEqualTo("sim:zero"));
    }

    @Test
    void booleansAreReadAsModelBindingsReadThem() throws Exception {
        assertThat(resolve("--config", config("watch: \" False \"\n").toString()).watch())
                .isFalse();
        // "on" is what YAML 1.1 would call true; Triad's settings, like its bindings, say
        // true or false only.
        Path on = config("watch: \"on\"\n");
        assertThatThrownBy(() -> resolve("--config", on.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'watch' in " + on)
                .hasMessageContaining("must be true or false, was 'on'");
    }

    @Test
    void aBadValueInTheConfigFileNamesTheKeyAndTheFile() throws Exception {
        Path config = config("question-timeout: soon\n");

        assertThatThrownBy(() -> resolve("--config", config.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'question-timeout' in " + config)
                .hasMessageContaining("soon")
                .hasMessageContaining("a duration");
    }

    @Test
    void theRemovedMaxCallAttemptsInTheConfigFileIsAUsageErrorSayingWhatReplacedIt()
            throws Exception {
        Path config = config("max-call-attempts: 3\n");

        assertThatThrownBy(() -> resolve("--config", config.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'max-call-attempts' in " + config + " was removed")
                .hasMessageContaining("attempts=N");
    }

    @Test
    void aSettingTheOperatorRejectsIsAUsageError() {
        assertThatThrownBy(() -> resolve("--max-calls-in-flight", "0"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("max-calls-in-flight");
    }

    @Test
    void promptsComeFromTheFolderGivenOnTheCommandLineOrInTheConfigFileElseTheBuiltInSet()
            throws Exception {
        Path folder = dir.resolve("my-prompts");
        Files.createDirectories(folder.resolve("cot"));
        Files.writeString(folder.resolve("cot/solver-cot.user.txt"), "{{question}}");

        assertThat(resolve().prompts().identity().set()).isEqualTo("v1");
        assertThat(resolve("--prompts", folder.toString()).prompts().identity().set())
                .isEqualTo(folder.toString());
        RunSettings fromConfig =
                resolve("--config", config("prompts: " + folder + "\n").toString());
        assertThat(fromConfig.prompts().identity().sha256()).matches("[0-9a-f]{64}");
        assertThat(fromConfig.prompts().templates()).containsExactly("cot/solver-cot.user.txt");
    }

    @Test
    void aPromptFileForAPurposeThatDoesNotExistInTheConfigFileNamesTheKeyTheFileAndTheFix()
            throws Exception {
        Path folder = dir.resolve("my-prompts");
        Files.createDirectories(folder.resolve("lm2"));
        Files.writeString(folder.resolve("lm2/solver-cot.txt"), "x");
        Path config = config("prompts: " + folder + "\n");

        assertThatThrownBy(() -> resolve("--config", config.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'prompts' in " + config)
                .hasMessageContaining(folder.resolve("lm2/solver-cot.txt").toString())
                .hasMessageContaining("strategy lm2 has no purpose with this template")
                .hasMessageContaining("decomposer-concepts.txt")
                .hasMessageContaining("rename or remove the file");
        assertThatThrownBy(() -> resolve("--prompts", dir.resolve("none").toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--prompts: " + dir.resolve("none") + ": no such folder");
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        assertThatThrownBy(() -> resolve("--config", dir.resolve("none.yaml").toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("none.yaml")
                .hasMessageContaining("no such file");
    }

    @Test
    void aConfigFileThatIsNotAMapIsAUsageError() throws Exception {
        Path config = config("- max-steps\n- 4\n");

        assertThatThrownBy(() -> resolve("--config", config.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("must be a map");
    }

    @Test
    void aSeedInTheModelSpecIsUsed() throws UsageException {
        RunSettings s = resolve("--model", "all=sim:zero?seed=7");

        assertThat(s.models().get(Role.SOLVER).settings()).containsEntry("seed", 7L);
    }

    @Test
    void zeroLimitOrParallelismIsAUsageError() {
        assertThatThrownBy(() -> resolve("--limit", "0"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--limit must be at least 1");
        assertThatThrownBy(() -> resolve("--parallelism", "0"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--parallelism must be at least 1");
    }

    @Test
    void withoutPricesThereIsNoPriceTable() throws UsageException {
        assertThat(resolve().prices()).isNull();
    }

    @Test
    void pricesComeFromTheOptionOrTheConfigFileInlineOrAsAFileAndTheOptionWins() throws Exception {
        Path file = dir.resolve("prices.yaml");
        Files.writeString(file, "all-roles: {prompt: 9, completion: 9}\n" + everyRole(1, 2));
        PriceTable fromFile = PriceTable.read(file);

        assertThat(resolve("--prices", file.toString()).prices()).isEqualTo(fromFile);
        Path named = config("prices: " + file + "\n");
        assertThat(resolve("--config", named.toString()).prices()).isEqualTo(fromFile);

        Path inline =
                config(
                        "prices:\n"
                                + "  decomposer: {prompt: 3, completion: 4}\n"
                                + "  solver: {prompt: 3, completion: 4, cached: 1}\n"
                                + "  sim:default: {prompt: 3, completion: 4}\n");
        PriceTable written = resolve("--config", inline.toString()).prices();
        assertThat(written.priceFor("solver", "openai:x"))
                .isEqualTo(PriceTable.Price.perMillion(3, 4).withCached(1));
        assertThat(written.priceFor("verifier", "sim:default"))
                .isEqualTo(PriceTable.Price.perMillion(3, 4));
        assertThat(resolve("--config", inline.toString(), "--prices", file.toString()).prices())
                .isEqualTo(fromFile);
    }

    @Test
    void unusablePricesNameWhereTheyWereGiven() throws Exception {
        assertThatThrownBy(() -> resolve("--prices", dir.resolve("none.yaml").toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--prices " + dir.resolve("none.yaml"))
                .hasMessageContaining("no such file");

        Path inline = config("prices: {solver: {prompt: 1, completoin: 2}}\n");
        assertThatThrownBy(() -> resolve("--config", inline.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'prices' in " + inline + ", entry 'solver'")
                .hasMessageContaining("unknown field 'completoin'");

        Path file = dir.resolve("solver-only.yaml");
        Files.writeString(file, "solver: {prompt: 1, completion: 2}\n");
        assertThatThrownBy(() -> resolve("--prices", file.toString()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("no price for the decomposer role (sim:default)")
                .hasMessageContaining("strategy lm2");
        assertThat(resolve("--prices", file.toString(), "--strategies", "cot").prices())
                .isNotNull();
    }

    private static String everyRole(double prompt, double completion) {
        StringBuilder yaml = new StringBuilder();
        for (Role role : Role.values()) {
            yaml.append(role.key())
                    .append(": {prompt: ")
                    .append(prompt)
                    .append(", completion: ")
                    .append(completion)
                    .append("}\n");
        }
        return yaml.toString();
    }

    @Test
    void resumeAndOverwriteAreFlagsOfTheCommandLine() throws UsageException {
        assertThat(resolve().resume()).isFalse();
        assertThat(resolve().overwrite()).isFalse();
        assertThat(resolve("--resume").resume()).isTrue();
        assertThat(resolve("--overwrite").overwrite()).isTrue();
    }

    @Test
    void resumeAndOverwriteTogetherAreAUsageError() {
        assertThatThrownBy(() -> resolve("--resume", "--overwrite"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--resume and --overwrite cannot be used together");
    }

    @Test
    void aFolderOutputKeepsItsStateInside() throws UsageException {
        assertThat(resolve("--output", dir.resolve("o").toString()).stateDir())
                .isEqualTo(dir.resolve("o").resolve(".triad"));
    }

    @Test
    void aKafkaOutputKeepsItsStateUnderOutStateByTransactionalIdPrefix() throws UsageException {
        RunSettings s = resolve("--output", "kafka://h:1/results");

        assertThat(s.stateDir())
                .isEqualTo(Path.of("out", "state", s.transactionalIdPrefix()))
                .isNotEqualTo(
                        resolve("--output", "kafka://h:1/results", "--strategies", "cot")
                                .stateDir());
    }
}
