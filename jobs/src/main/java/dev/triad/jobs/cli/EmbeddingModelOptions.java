package dev.triad.jobs.cli;

import dev.triad.embed.BundledModel;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The in-process embedding model's options, shared by {@code dedupe} and {@code contamination}:
 * which model ({@code --embedding-model}, default the bundled all-MiniLM-L6-v2), how many sentences
 * per model call and on which device.
 */
public final class EmbeddingModelOptions {

    @Option(
            names = "--embedding-model",
            paramLabel = "DIR",
            description =
                    "A folder with model.onnx (a sentence-transformers encoder exported to ONNX)"
                            + " and its tokenizer.json, run in process by DJL's onnxruntime engine."
                            + " Default: the bundled "
                            + BundledModel.NAME
                            + " (384 dimensions), copied once into ~/.triad/cache"
                            + " (TRIAD_CACHE_DIR moves it). Nothing is downloaded.")
    Path model;

    @Option(
            names = "--embedding-batch",
            paramLabel = "N",
            description = "Sentences per model call. Default: ${DEFAULT-VALUE}.")
    int batch = EmbeddingSettings.DEFAULT_BATCH_SIZE;

    @Option(
            names = "--embedding-device",
            paramLabel = "auto|cpu|gpu",
            description =
                    "Where the model runs: auto (a GPU when onnxruntime's GPU build is on the"
                            + " classpath and finds one, else the CPU), cpu or gpu. Default:"
                            + " auto.")
    EmbeddingSettings.Device device = EmbeddingSettings.Device.AUTO;

    /**
     * The settings these options give.
     *
     * @throws UsageException naming the option and the fix
     */
    EmbeddingSettings settings() throws UsageException {
        if (model != null && !Files.isDirectory(model)) {
            throw new UsageException(
                    "--embedding-model "
                            + model
                            + " is not a folder. Give a folder holding model.onnx and"
                            + " tokenizer.json, or leave the option out for the bundled "
                            + BundledModel.NAME
                            + ".");
        }
        if (batch < 1) {
            throw new UsageException(
                    "--embedding-batch must be at least 1, was "
                            + batch
                            + ". Give how many sentences go into one model call, e.g. 32.");
        }
        return EmbeddingSettings.builder()
                .modelFolder(model)
                .batchSize(batch)
                .device(device)
                .build();
    }
}
