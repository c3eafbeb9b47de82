package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.io.RunState;
import dev.triad.reasoning.ReasoningOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line without running a job: help, exit codes and option errors. */
class TriadCliTest {

    @TempDir Path dir;

    private Path input;

    private final TriadConsole console = new TriadConsole();

    @BeforeEach
    void writeInput() throws IOException {
        input = dir.resolve("q.jsonl");
        Files.writeString(input, "{\"id\":\"q1\",\"text\":\"What is 1 + 1?\"}\n");
    }

    @Test
    void helpListsTheCommandsAndDocumentsTheExitCodes() {
        assertThat(console.run("--help")).isZero();

        assertThat(console.out())
                .contains("demo", "run", "generate", "help")
                .contains("Exit codes:")
                .contains("0", "done")
                .contains("unusable input or options")
                .contains("the job itself failed");
    }

    @Test
    void runHelpShowsEveryReasoningOptionWithTheOperatorsDefault() {
        assertThat(console.run("run", "--help")).isZero();
        assertThat(console.out())
                .contains("--input", "--mapping", "--output", "--strategies", "--limit")
                .contains("--model", "--parallelism", "--config", "--watch")
                .contains("Exit codes:");

        CommandLine.Model.CommandSpec run =
                TriadCli.commandLine(System.out, System.err)
                        .getSubcommands()
                        .get("run")
                        .getCommandSpec();
        for (ConfigOption<?> option : ReasoningOptions.ALL) {
            CommandLine.Model.OptionSpec spec = run.findOption("--" + option.key());
            assertThat(spec).as(option.key()).isNotNull();
            String description = String.join(" ", spec.description());
            Object value = option.defaultValue();
            String expected =
                    value instanceof java.util.List<?> list
                            ? String.join(",", list.stream().map(Object::toString).toList())
                            : value instanceof java.time.Duration d
                                    ? d.toMinutes() + "min"
                                    : value instanceof Enum<?> e
                                            ? e.name()
                                                    .toLowerCase(java.util.Locale.ROOT)
                                                    .replace('_', '-')
                                            : String.valueOf(value);
            assertThat(description).as(option.key()).contains("Default: " + expected + ".");
        }
    }

    @Test
    void anUnknownOptionExitsWith2AndPointsToHelp() {
        assertThat(console.run("run", "--inptu", input.toString())).isEqualTo(2);

        assertThat(console.err()).contains("--inptu").contains("triad run --help");
    }

    @Test
    void aNonNumericValueExitsWith2NamingTheOption() {
        assertThat(console.run("run", "--input", input.toString(), "--max-steps", "many"))
                .isEqualTo(2);

        assertThat(console.err()).contains("--max-steps").contains("many");
    }

    @Test
    void aPromptSetWithAnUnknownPlaceholderExitsWith2NamingTheFileAndTheFix() throws Exception {
        java.nio.file.Path prompts = input.resolveSibling("prompts");
        java.nio.file.Files.createDirectories(prompts.resolve("cot"));
        java.nio.file.Path file = prompts.resolve("cot/solver-cot.user.txt");
        java.nio.file.Files.writeString(file, "{{question}} given {{concepts}}");

        assertThat(console.run("run", "--input", input.toString(), "--prompts", prompts.toString()))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("--prompts: " + file)
                .contains("unknown placeholder {{concepts}}")
                .contains("[{{question}}]")
                .contains("Fix the placeholder");
    }

    @Test
    void theRemovedMaxCallAttemptsExitsWith2PointingToTheBindingsAttempts() {
        assertThat(console.run("run", "--input", input.toString(), "--max-call-attempts", "3"))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("--max-call-attempts was removed")
                .contains("attempts=N")
                .doesNotContain("Unknown option");
    }

    @Test
    void aDjlModelThatIsNotThereExitsWith2NamingThePath() {
        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--model",
                                "solver=djl:/models/x"))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("--model solver=djl:/models/x")
                .contains("/models/x does not exist")
                .contains(".onnx");
    }

    @Test
    void aGgufModelThatIsNotThereExitsWith2NamingTheFile() {
        String missing = input.resolveSibling("no-such-model.gguf").toString();
        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--model",
                                "all=gguf:" + missing))
                .isEqualTo(2);
        assertThat(console.err())
                .contains("--model decomposer=gguf:" + missing)
                .contains("the model file " + missing + " does not exist")
                .contains("GGUF chat model");

        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--model",
                                "solver=gguf:" + input + "?gpu=1"))
                .isEqualTo(2);
        assertThat(console.err())
                .contains("unknown parameter 'gpu'")
                .contains("threads, ctx, slots");
    }

    @Test
    void aBadModelSpecExitsWith2() {
        assertThat(console.run("run", "--input", input.toString(), "--model", "solver"))
                .isEqualTo(2);
        assertThat(console.err()).contains("'solver' is not ROLE=SPEC");
    }

    @Test
    void aStructuredModeTheProviderLacksExitsWith2NamingTheOption() {
        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--model",
                                "verifier=langchain4j:anthropic?model=claude-sonnet-4-5"
                                        + "&structured=json_object"))
                .isEqualTo(2);
        assertThat(console.err())
                .contains("--model verifier=langchain4j:anthropic")
                .contains("structured=json_object is not available for langchain4j:anthropic")
                .contains("structured=json_schema (the default) or structured=off");
    }

    @Test
    void anUnknownRoleExitsWith2() {
        assertThat(console.run("run", "--input", input.toString(), "--model", "planner=sim"))
                .isEqualTo(2);
        assertThat(console.err()).contains("unknown role 'planner'").contains("decomposer");
    }

    @Test
    void anUnknownSimulatorProfileExitsWith2() {
        assertThat(console.run("run", "--input", input.toString(), "--model", "all=sim:genius"))
                .isEqualTo(2);
        assertThat(console.err()).contains("sim:genius").contains("genius");
    }

    @Test
    void aMissingInputExitsWith2NamingThePath() {
        assertThat(console.run("run", "--input", dir.resolve("nope.jsonl").toString()))
                .isEqualTo(2);

        assertThat(console.err()).contains("nope.jsonl").contains("no such file or folder");
    }

    @Test
    void noInputAtAllExitsWith2SayingHowToGiveOne() {
        assertThat(console.run("run")).isEqualTo(2);

        assertThat(console.err()).contains("No input").contains("--input PATH");
    }

    @Test
    void anUnknownMappingExitsWith2ListingTheBuiltInOnes() {
        assertThat(console.run("run", "--input", input.toString(), "--mapping", "gsm9k"))
                .isEqualTo(2);

        assertThat(console.err()).contains("gsm9k").contains("gsm8k").contains("svamp");
    }

    @Test
    void anUnknownStrategyExitsWith2() {
        assertThat(console.run("run", "--input", input.toString(), "--strategies", "lm2,tot"))
                .isEqualTo(2);

        assertThat(console.err()).contains("tot").contains("plan-solve");
    }

    @Test
    void anUnknownConfigKeyExitsWith2NamingTheKey() throws IOException {
        Path config = dir.resolve("triad.yaml");
        Files.writeString(config, "max-step: 4\n");

        assertThat(console.run("run", "--input", input.toString(), "--config", config.toString()))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("unknown key 'max-step'")
                .contains("Did you mean 'max-steps'?")
                .contains(config.toString());
    }

    @Test
    void watchingAFileInsteadOfAFolderExitsWith2() {
        assertThat(console.run("run", "--input", input.toString(), "--watch")).isEqualTo(2);
        assertThat(console.err()).contains("--watch needs a folder");
    }

    @Test
    void generateWritesDeterministicTriadJsonl() throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");

        assertThat(console.run("generate", "--count", "5", "--seed", "7", "--output", a.toString()))
                .isZero();
        assertThat(console.run("generate", "--count", "5", "--seed", "7", "--output", b.toString()))
                .isZero();

        assertThat(Files.readAllLines(a)).hasSize(5).isEqualTo(Files.readAllLines(b));
        assertThat(Files.readAllLines(a).get(0)).contains("\"id\"").contains("\"text\"");
    }

    @Test
    void generateWritesToStandardOutputByDefault() {
        assertThat(console.run("generate", "--count", "3")).isZero();

        assertThat(console.out().lines()).hasSize(3);
    }

    @Test
    void anUnfinishedOutputWithoutResumeOrOverwriteExitsWith2() throws IOException {
        Path output = dir.resolve("out");
        RunState.in(output.resolve(".triad"))
                .writeMarker(
                        new RunState.Marker(
                                input.toString(),
                                "triad",
                                List.of("cot"),
                                null,
                                output.toString(),
                                Instant.parse("2026-01-02T03:04:05Z"),
                                false));

        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--strategies",
                                "cot",
                                "--output",
                                output.toString()))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("holds an unfinished run, started 2026-01-02T03:04:05Z")
                .contains("Use --resume to continue it or --overwrite to start again");
        assertThat(console.run("run", "--input", input.toString(), "--resume", "--overwrite"))
                .isEqualTo(2);
    }

    @Test
    void aResumeThatTurnsTheNearDuplicateCheckOnExitsWith2NamingIt() throws IOException {
        Path output = dir.resolve("out");
        RunState.in(output.resolve(".triad"))
                .writeMarker(
                        new RunState.Marker(
                                input.toString(),
                                "triad",
                                List.of("cot"),
                                null,
                                output.toString(),
                                Instant.parse("2026-01-02T03:04:05Z"),
                                false));

        assertThat(
                        console.run(
                                "run",
                                "--input",
                                input.toString(),
                                "--strategies",
                                "cot",
                                "--output",
                                output.toString(),
                                "--near-duplicates",
                                "drop",
                                "--resume"))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("--resume continues the run in")
                .contains("--near-duplicates was off, is drop@0.9");
    }
}
