package dev.triad.embed;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.huggingface.translator.TextEmbeddingTranslatorFactory;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sentence-embedding model loaded in process through DJL (onnxruntime engine, HuggingFace
 * tokenizer): texts in, unit-length vectors out (mean pooling over the tokens, then L2
 * normalization, as sentence-transformers does), so the dot product of two vectors is their cosine
 * similarity.
 *
 * <p>Thread-safe: it holds {@link EmbeddingSettings#predictors()} DJL predictors (a predictor is
 * not thread-safe) and a call borrows one, waiting when all are busy. {@link #embed} blocks the
 * calling thread for the model call; in a Flink job it runs on {@link EmbeddingBatcher}'s threads,
 * never on a task thread.
 */
public final class SentenceEmbedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentenceEmbedder.class);

    private final EmbeddingSettings settings;
    private final ZooModel<String, float[]> model;
    private final BlockingQueue<Predictor<String, float[]>> idle;
    private final List<Predictor<String, float[]>> all = new ArrayList<>();
    private final int dimensions;

    private SentenceEmbedder(EmbeddingSettings settings, ZooModel<String, float[]> model)
            throws TranslateException {
        this.settings = settings;
        this.model = model;
        this.idle = new ArrayBlockingQueue<>(settings.predictors());
        for (int i = 0; i < settings.predictors(); i++) {
            Predictor<String, float[]> predictor = model.newPredictor();
            all.add(predictor);
            idle.add(predictor);
        }
        this.dimensions = all.get(0).predict("dimension probe").length;
    }

    /**
     * Loads the model the settings name (copying the bundled one out of the classpath first when no
     * folder is given), offline.
     *
     * @throws IllegalArgumentException when the folder lacks {@code model.onnx} or {@code
     *     tokenizer.json}, or the model cannot be loaded; the message names the folder and what is
     *     expected
     */
    public static SentenceEmbedder load(EmbeddingSettings settings) {
        DjlOffline.apply(settings.cacheFolder());
        Path folder =
                settings.modelFolder() == null
                        ? BundledModel.folder(settings.cacheFolder())
                        : settings.modelFolder().toAbsolutePath().normalize();
        requireFile(folder, "model.onnx", "the ONNX export of a sentence-transformers encoder");
        requireFile(folder, "tokenizer.json", "its HuggingFace tokenizer");
        Criteria.Builder<String, float[]> criteria =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optModelPath(folder)
                        .optEngine("OnnxRuntime")
                        .optTranslatorFactory(new TextEmbeddingTranslatorFactory())
                        .optArgument("pooling", "mean")
                        .optArgument("normalize", "true")
                        .optArgument("includeTokenTypes", "true")
                        .optArgument("padding", "true")
                        .optArgument("truncation", "true")
                        .optArgument("maxLength", String.valueOf(settings.maxTokens()));
        if (settings.threadsPerPredictor() > 0) {
            criteria.optOption("intraOpNumThreads", String.valueOf(settings.threadsPerPredictor()))
                    .optOption("interOpNumThreads", "1");
        }
        switch (settings.device()) {
            case CPU -> criteria.optDevice(Device.cpu());
            case GPU -> criteria.optDevice(Device.gpu());
            case AUTO -> {}
        }
        long started = System.nanoTime();
        ZooModel<String, float[]> model;
        try {
            model = criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new IllegalArgumentException(
                    "The embedding model in "
                            + folder
                            + " cannot be loaded ("
                            + e.getMessage()
                            + "). Expected model.onnx, a sentence-transformers encoder exported to"
                            + " ONNX (inputs input_ids, attention_mask, token_type_ids; output the"
                            + " token embeddings), and its tokenizer.json.",
                    e);
        }
        try {
            SentenceEmbedder embedder = new SentenceEmbedder(settings, model);
            LOG.info(
                    "Loaded the embedding model {} from {} in {} ms: {} dimensions, device {}",
                    settings,
                    folder,
                    (System.nanoTime() - started) / 1_000_000,
                    embedder.dimensions,
                    model.getNDManager().getDevice());
            return embedder;
        } catch (TranslateException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException(
                    "The model in "
                            + folder
                            + " loaded but does not embed a sentence ("
                            + e.getMessage()
                            + "). Expected a sentence-transformers encoder exported to ONNX,"
                            + " whose first output is the token embeddings.",
                    e);
        }
    }

    private static void requireFile(Path folder, String name, String what) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "The embedding model folder "
                            + folder
                            + " has no "
                            + name
                            + " ("
                            + what
                            + "). Give a folder holding model.onnx and tokenizer.json, or leave"
                            + " the model out for the bundled "
                            + BundledModel.NAME
                            + ".");
        }
    }

    /** The settings it was loaded with. */
    public EmbeddingSettings settings() {
        return settings;
    }

    /** The length of every vector. */
    public int dimensions() {
        return dimensions;
    }

    /**
     * Embeds texts in model calls of at most {@link EmbeddingSettings#batchSize()} sentences,
     * blocking the calling thread; the vectors have unit length and come back in the texts' order.
     *
     * @throws EmbeddingException when the model call fails
     */
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        Predictor<String, float[]> predictor;
        try {
            predictor = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while waiting for a predictor", e);
        }
        try {
            for (int from = 0; from < texts.size(); from += settings.batchSize()) {
                List<String> batch =
                        texts.subList(from, Math.min(texts.size(), from + settings.batchSize()));
                vectors.addAll(predictor.batchPredict(batch));
            }
        } catch (TranslateException e) {
            throw new EmbeddingException(
                    "The embedding model " + settings.modelName() + " failed on a batch", e);
        } finally {
            idle.add(predictor);
        }
        return vectors;
    }

    @Override
    public void close() {
        all.forEach(Predictor::close);
        model.close();
    }
}
