package dev.triad.jobs.cli;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.similar.InputQuestions;
import dev.triad.jobs.similar.NearDuplicateFinder;
import dev.triad.jobs.similar.SimilarityReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad dedupe --input PATH}: pairs of near-duplicate questions within one input, by the
 * cosine similarity of their embeddings (an in-process model), with counts and examples. Unlike the
 * job's exact de-duplication by question id, this finds the same question written twice with
 * different ids or slightly different words.
 */
@Command(
        name = "dedupe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Finds near-duplicate questions within a JSONL file or folder: every question is"
                    + " embedded by an in-process model (DJL, onnxruntime, offline) and every pair"
                    + " is scored exactly by cosine similarity (fine up to about 100,000"
                    + " questions). Prints the pairs at or above --threshold with counts and the"
                    + " top examples; --json prints every pair.%n",
            "This is not run's de-duplication by id: that one drops a second question with the"
                    + " same id; this one finds the same question under two ids.%n",
            "Example: triad dedupe --input ../shared/datasets/gsm8k/train.jsonl --mapping gsm8k%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (whether or not pairs were found)",
            "2:unusable input or options: a missing input, an unknown mapping, a threshold"
                    + " outside -1..1, a model folder without model.onnx or tokenizer.json"
        })
public final class DedupeCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "A JSONL file (.gz too) or a folder of them.")
    java.nio.file.Path input;

    @Mixin SimilarityOptions similarity = new SimilarityOptions();

    @Override
    public Integer call() throws Exception {
        EmbeddingSettings settings = similarity.embedding.settings();
        InputQuestions questions = similarity.read(input, "--input");
        NearDuplicateFinder finder =
                new NearDuplicateFinder(
                        settings, similarity.threshold(), line -> progress("dedupe", line));
        SimilarityReport report;
        try {
            report = finder.within(questions);
        } catch (IllegalArgumentException e) {
            // The model folder lacks a file or does not hold a model the embedder can run.
            throw new UsageException("--embedding-model: " + e.getMessage(), e);
        }
        similarity.print(report, streams);
        return ExitCodes.OK;
    }

    private void progress(String command, String line) {
        streams.err().println(command + ": " + line);
        streams.err().flush();
    }
}
