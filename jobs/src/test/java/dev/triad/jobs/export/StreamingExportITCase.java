package dev.triad.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.TriadConsole;
import dev.triad.schemas.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad run --export F:PATH} end to end on an embedded MiniCluster: the examples the job
 * wrote as results committed are exactly those {@code triad export} makes from the run's results
 * afterwards, the card is beside them, and a run on simulated models without {@code
 * --allow-simulated} is refused before it starts.
 */
class StreamingExportITCase {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void theStreamedExamplesAreTheOnesExportMakesFromTheCommittedResults() throws Exception {
        Path input = generate();
        Path output = dir.resolve("out");
        Path streamed = dir.resolve("train/kto.jsonl");
        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        "lm2,cot",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s",
                        "--export",
                        "trl-kto:" + streamed,
                        "--allow-simulated");
        assertThat(code).as(console.err()).isZero();
        assertThat(console.out()).contains("training data (trl-kto)");
        assertThat(output.resolve("parts")).doesNotExist();

        Path batch = dir.resolve("batch/kto.jsonl");
        assertThat(
                        console.run(
                                "export",
                                output.toString(),
                                "--format",
                                "trl-kto",
                                "--output",
                                batch.toString(),
                                "--allow-simulated",
                                "--no-dedupe"))
                .as(console.err())
                .isZero();
        List<String> streamedTrain = sorted(streamed);
        assertThat(streamedTrain).hasSizeGreaterThan(20).isEqualTo(sorted(batch));
        assertThat(sorted(TrainingDataExport.validationPath(streamed)))
                .isEqualTo(sorted(TrainingDataExport.validationPath(batch)));

        JsonNode card = Json.mapper().readTree(DatasetCard.jsonPath(streamed).toFile());
        assertThat(card.get("simulated").asBoolean()).isTrue();
        assertThat(card.at("/counts/trainExamples").asLong()).isEqualTo(streamedTrain.size());
        assertThat(card.at("/sources").toString()).contains("results.jsonl");
        assertThat(
                        Json.mapper()
                                .readTree(streamedTrain.get(0))
                                .at("/metadata/simulated")
                                .asBoolean())
                .isTrue();
    }

    @Test
    void aRunOnSimulatedModelsIsRefusedWithoutAllowSimulated() throws Exception {
        Path input = generate();
        Path streamed = dir.resolve("train/sft.jsonl");
        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        dir.resolve("out").toString(),
                        "--model",
                        "all=sim:zero",
                        "--export",
                        "trl-sft:" + streamed);
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err()).contains("--export trl-sft:").contains("--allow-simulated");
        assertThat(streamed).doesNotExist();
        assertThat(dir.resolve("out/results.jsonl")).doesNotExist();
    }

    private Path generate() throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(
                        console.run(
                                "generate",
                                "--count",
                                "60",
                                "--seed",
                                "9",
                                "--output",
                                input.toString()))
                .isZero();
        return input;
    }

    private static List<String> sorted(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).sorted().toList();
    }
}
