package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.report.SimilarityText;
import dev.triad.jobs.similar.InputQuestions;
import dev.triad.jobs.similar.SimilarityReport;
import dev.triad.schemas.Json;
import dev.triad.schemas.mapping.FieldMapping;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * What {@code dedupe} and {@code contamination} share: the mapping of the inputs, the similarity
 * threshold, the embedding model, how many examples to print and {@code --json}.
 */
public final class SimilarityOptions {

    /**
     * The threshold when none is given. Measured with the bundled all-MiniLM-L6-v2 on GSM8K: 150
     * test questions against copies with every number changed score 0.81 to 1.0 (88% at 0.90 or
     * more, median 0.95), while different test questions never reach 0.79 with each other, and no
     * pair of GSM8K's 7,473 train × 1,319 test questions reaches 0.90 (the 14 pairs from 0.85 to
     * 0.90 are the same setting with another problem). See README, "Near-duplicates and
     * contamination".
     */
    public static final double DEFAULT_THRESHOLD = 0.90;

    @Option(
            names = "--mapping",
            paramLabel = "NAME|FILE",
            description =
                    "How input fields become questions, as in run: gsm8k, gsm8k-socratic, math500,"
                            + " svamp, triad, or a YAML mapping file. Default: triad.")
    String mapping = "triad";

    @Option(
            names = "--threshold",
            paramLabel = "COSINE",
            description =
                    "The lowest cosine similarity that counts as a near copy, -1 to 1. Default:"
                            + " ${DEFAULT-VALUE}: on GSM8K with the bundled model, 88%% of"
                            + " questions copied with every number changed score 0.90 or more,"
                            + " while different questions stay below 0.79 and no train x test"
                            + " pair reaches 0.90.")
    double threshold = DEFAULT_THRESHOLD;

    @Option(
            names = "--examples",
            paramLabel = "N",
            description =
                    "Pairs shown in the text output, highest score first. Default: ${DEFAULT-VALUE}.")
    int examples = 5;

    @Option(
            names = "--json",
            description =
                    "Print one JSON document instead: counts, and a 'pairs' list with both sides'"
                            + " ids, files, line numbers and texts and the score.")
    boolean json;

    @ArgGroup(exclusive = false, heading = "%nEmbedding model:%n")
    EmbeddingModelOptions embedding = new EmbeddingModelOptions();

    /** The threshold, checked. */
    double threshold() throws UsageException {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new UsageException(
                    "--threshold must be a cosine similarity from -1 to 1, was "
                            + threshold
                            + ". Try "
                            + DEFAULT_THRESHOLD
                            + ".");
        }
        if (examples < 0) {
            throw new UsageException("--examples must be 0 or more, was " + examples + ".");
        }
        return threshold;
    }

    /** Reads an input with the mapping, as run would. */
    InputQuestions read(Path input, String option) throws UsageException {
        if (!Files.exists(input)) {
            throw new UsageException(
                    option
                            + " "
                            + input
                            + " does not exist. Give a JSONL file or a folder of them.");
        }
        FieldMapping fields;
        try {
            fields = FieldMapping.load(mapping);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--mapping " + mapping + ": " + e.getMessage(), e);
        }
        InputQuestions questions;
        try {
            questions = InputQuestions.read(input, fields);
        } catch (UncheckedIOException e) {
            throw new UsageException(option + " " + input + ": " + e.getMessage(), e);
        }
        if (questions.questions().isEmpty()) {
            throw new UsageException(
                    option
                            + " "
                            + input
                            + " holds no question under mapping '"
                            + fields.name()
                            + "'"
                            + (questions.firstRejection() == null
                                    ? "."
                                    : "; the first line was rejected: "
                                            + questions.firstRejection())
                            + " Check --mapping.");
        }
        return questions;
    }

    /** Prints the report as text or JSON on standard output. */
    void print(SimilarityReport report, StdStreams streams) throws Exception {
        if (json) {
            streams.out()
                    .println(
                            Json.mapper()
                                    .writerWithDefaultPrettyPrinter()
                                    .writeValueAsString(report));
        } else {
            new SimilarityText(report, examples).print(streams.out());
        }
        streams.out().flush();
    }
}
