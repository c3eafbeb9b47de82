package dev.triad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a benchmark through {@link BenchCli} into a folder and reads back its result file, checking
 * what every result file must hold (the fields of {@link BenchmarkResult}, checks that add up to
 * {@code passed}, the machine).
 */
final class BenchResultFile {

    private BenchResultFile() {}

    /**
     * Runs {@code ./triad bench ARGS --results-dir DIR} and returns {@code DIR/NAME.json}, checked
     * to hold what every result file must.
     */
    static JsonNode run(Path dir, String... args) throws Exception {
        JsonNode result = read(dir, args);
        assertWellFormed(result, args[0]);
        return result;
    }

    /**
     * Runs {@code ./triad bench ARGS --results-dir DIR}, checks that it ran (exit 0 or 1, a table
     * printed, the file written) and returns {@code DIR/NAME.json} as it is.
     */
    static JsonNode read(Path dir, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--results-dir";
        all[args.length + 1] = dir.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BenchCli.run(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        all);
        assertThat(code)
                .as("exit code; stderr: %s", err.toString(StandardCharsets.UTF_8))
                .isIn(BenchCli.OK, BenchCli.TARGET_MISSED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ratio", "written");
        Path file = dir.resolve(args[0] + ".json");
        assertThat(file).exists();
        return new ObjectMapper().readTree(Files.readString(file));
    }

    private static void assertWellFormed(JsonNode result, String name) {
        assertThat(result.path("name").asText()).isEqualTo(name);
        assertThat(result.path("command").asText()).startsWith("./triad bench " + name);
        assertThat(result.path("ratio").isNumber()).isTrue();
        assertThat(result.path("ratio").asDouble()).isPositive();
        assertThat(result.path("ratioOf").asText()).isNotBlank();
        assertThat(result.path("target").asText()).isNotBlank();
        assertThat(result.path("checks").isArray()).isTrue();
        assertThat(result.path("checks").size()).isPositive();
        boolean allMet = true;
        for (JsonNode check : result.path("checks")) {
            assertThat(check.path("name").asText()).isNotBlank();
            assertThat(check.path("value").isNumber()).isTrue();
            assertThat(check.path("limit").isNumber()).isTrue();
            allMet &= check.path("passed").asBoolean();
        }
        assertThat(result.path("passed").asBoolean()).isEqualTo(allMet);
        assertThat(result.path("triadLabel").asText()).isNotBlank();
        assertThat(result.path("baselineLabel").asText()).isNotBlank();
        assertThat(result.path("triad").isObject()).isTrue();
        assertThat(result.path("baseline").isObject()).isTrue();
        assertThat(result.path("notes").size()).isPositive();
        JsonNode machine = result.path("machine");
        assertThat(machine.path("cores").asInt()).isPositive();
        assertThat(machine.path("maxHeap").asLong()).isPositive();
        for (String field : new String[] {"jvm", "os", "date", "flink"}) {
            assertThat(machine.path(field).asText()).as(field).isNotBlank();
        }
    }

    /** A {@link Figure}: a median and one value per round. */
    static void assertFigure(JsonNode figure, int rounds) {
        assertThat(figure.path("median").isNumber()).as("median of %s", figure).isTrue();
        assertThat(figure.path("median").asDouble()).as("median of %s", figure).isPositive();
        assertThat(figure.path("rounds").size()).as("rounds of %s", figure).isEqualTo(rounds);
    }
}
