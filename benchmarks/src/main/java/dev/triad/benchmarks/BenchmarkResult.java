package dev.triad.benchmarks;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark run measured, as written to {@code benchmarks/results/NAME.json}.
 *
 * @param name the benchmark, e.g. {@code overhead}
 * @param description what was run against what
 * @param command the command that produced the file
 * @param size the benchmark's size (questions)
 * @param rounds measured rounds per side
 * @param ratio Triad ÷ its baseline, measured in the same run ({@link #ratioOf()} says of what)
 * @param ratioOf which figures the ratio divides
 * @param target the targets, as text
 * @param passed whether every check was met
 * @param checks every target with its measured value
 * @param triadLabel what the Triad side ran
 * @param baselineLabel what the baseline side ran
 * @param triad Triad's figures ({@link Figure}s for values measured per round, plain values
 *     otherwise)
 * @param baseline the baseline's figures, the same keys where they apply
 * @param settings the settings both sides ran with
 * @param notes how to read the figures
 * @param machine where it ran
 */
@JsonPropertyOrder({
    "name",
    "description",
    "command",
    "size",
    "rounds",
    "ratio",
    "ratioOf",
    "target",
    "passed",
    "checks",
    "triadLabel",
    "baselineLabel",
    "triad",
    "baseline",
    "settings",
    "notes",
    "machine"
})
public record BenchmarkResult(
        String name,
        String description,
        String command,
        long size,
        int rounds,
        double ratio,
        String ratioOf,
        String target,
        boolean passed,
        List<Check> checks,
        String triadLabel,
        String baselineLabel,
        Map<String, Object> triad,
        Map<String, Object> baseline,
        Map<String, Object> settings,
        List<String> notes,
        Machine machine) {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public BenchmarkResult {
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
    }

    /** Whether every check in {@code checks} was met. */
    static boolean allPassed(List<Check> checks) {
        return checks.stream().allMatch(Check::passed);
    }

    /** Writes the result as indented JSON to {@code dir/NAME.json}, creating {@code dir}. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, MAPPER.writeValueAsString(this) + System.lineSeparator());
        return file;
    }

    /** The result as JSON text. */
    public String toJson() throws IOException {
        return MAPPER.writeValueAsString(this);
    }
}
