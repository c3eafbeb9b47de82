package dev.triad.jobs.cli;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.similar.InputQuestions;
import dev.triad.jobs.similar.NearDuplicateFinder;
import dev.triad.jobs.similar.SimilarityReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad contamination --train A --test B}: test questions with a near copy among the
 * training questions, by the cosine similarity of their embeddings (an in-process model), with
 * counts and examples.
 */
@Command(
        name = "contamination",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Finds test questions that have a near copy in a training set: every question of both"
                    + " inputs is embedded by an in-process model (DJL, onnxruntime, offline) and"
                    + " every (train, test) pair is scored exactly by cosine similarity. Prints"
                    + " how many test questions are contaminated at --threshold, the pair counts"
                    + " at stricter thresholds and the top examples; --json prints every pair.%n",
            "Example: triad contamination --train ../shared/datasets/gsm8k/train.jsonl"
                    + " --test ../shared/datasets/gsm8k/test.jsonl --mapping gsm8k%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (whether or not pairs were found)",
            "2:unusable input or options: a missing input, an unknown mapping, a threshold"
                    + " outside -1..1, a model folder without model.onnx or tokenizer.json"
        })
public final class ContaminationCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Option(
            names = "--train",
            required = true,
            paramLabel = "PATH",
            description = "The training questions: a JSONL file (.gz too) or a folder of them.")
    Path train;

    @Option(
            names = "--test",
            required = true,
            paramLabel = "PATH",
            description = "The test questions: a JSONL file (.gz too) or a folder of them.")
    Path test;

    @Mixin SimilarityOptions similarity = new SimilarityOptions();

    @Override
    public Integer call() throws Exception {
        EmbeddingSettings settings = similarity.embedding.settings();
        InputQuestions trainQuestions = similarity.read(train, "--train");
        InputQuestions testQuestions = similarity.read(test, "--test");
        NearDuplicateFinder finder =
                new NearDuplicateFinder(
                        settings,
                        similarity.threshold(),
                        line -> {
                            streams.err().println("contamination: " + line);
                            streams.err().flush();
                        });
        SimilarityReport report;
        try {
            report = finder.across(trainQuestions, testQuestions);
        } catch (IllegalArgumentException e) {
            // The model folder lacks a file or does not hold a model the embedder can run.
            throw new UsageException("--embedding-model: " + e.getMessage(), e);
        }
        similarity.print(report, streams);
        return ExitCodes.OK;
    }
}
