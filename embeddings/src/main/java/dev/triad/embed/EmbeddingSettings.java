package dev.triad.embed;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How to load and run a sentence-embedding model in process: which model, where DJL may unpack its
 * files, how many predictors run at once, how many cores each uses and how many sentences go into
 * one batch. Immutable and serializable, so a Flink function carries it to the TaskManagers, where
 * {@link SharedEmbedders} loads the model once per JVM.
 *
 * <p>Built with {@link #builder()}; {@link Builder#build()} checks every value and names the one
 * that is wrong.
 */
public final class EmbeddingSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Sentences per model call when none is given: enough to amortise a call, small for latency.
     */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** Predictors (model calls running at once) when none is given. */
    public static final int DEFAULT_PREDICTORS = 1;

    /**
     * Tokens per sentence the model sees; longer sentences are truncated. all-MiniLM-L6-v2 was
     * trained on 128 and accepts 256, enough for a word problem (GSM8K's longest is under 250).
     */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** Where the model runs. */
    public enum Device {
        /**
         * The engine's default: the GPU when the engine has a GPU build and finds one, else CPU.
         */
        AUTO,
        /** The CPU. */
        CPU,
        /** The first GPU; fails at load time when the engine has none. */
        GPU;

        /** The lowercase name used on the command line. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String modelFolder;
    private final String cacheFolder;
    private final int batchSize;
    private final int predictors;
    private final int threadsPerPredictor;
    private final int maxTokens;
    private final Device device;

    private EmbeddingSettings(Builder b) {
        this.modelFolder = b.modelFolder == null ? null : b.modelFolder.toString();
        this.cacheFolder = b.cacheFolder.toString();
        this.batchSize = b.batchSize;
        this.predictors = b.predictors;
        this.threadsPerPredictor = b.threadsPerPredictor;
        this.maxTokens = b.maxTokens;
        this.device = b.device;
    }

    /** A builder with the defaults: the bundled all-MiniLM-L6-v2 on the engine's device. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The folder with {@code model.onnx} and {@code tokenizer.json}, or null for the bundled one.
     */
    public Path modelFolder() {
        return modelFolder == null ? null : Path.of(modelFolder);
    }

    /** The model's name in reports: its folder's name, or the bundled model's name. */
    public String modelName() {
        return modelFolder == null
                ? BundledModel.NAME
                : String.valueOf(Path.of(modelFolder).getFileName());
    }

    /** Where the bundled model is copied and DJL unpacks native libraries. */
    public Path cacheFolder() {
        return Path.of(cacheFolder);
    }

    /** The most sentences in one model call. */
    public int batchSize() {
        return batchSize;
    }

    /** Model calls that may run at once (each with its own predictor). */
    public int predictors() {
        return predictors;
    }

    /** Cores one model call may use (onnxruntime's intra-op threads); 0 = the engine's default. */
    public int threadsPerPredictor() {
        return threadsPerPredictor;
    }

    /** Tokens per sentence; longer sentences are truncated. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Where the model runs. */
    public Device device() {
        return device;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingSettings s
                && Objects.equals(modelFolder, s.modelFolder)
                && cacheFolder.equals(s.cacheFolder)
                && batchSize == s.batchSize
                && predictors == s.predictors
                && threadsPerPredictor == s.threadsPerPredictor
                && maxTokens == s.maxTokens
                && device == s.device;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                modelFolder,
                cacheFolder,
                batchSize,
                predictors,
                threadsPerPredictor,
                maxTokens,
                device);
    }

    @Override
    public String toString() {
        return modelName()
                + " (batch "
                + batchSize
                + ", "
                + predictors
                + " predictor(s) × "
                + (threadsPerPredictor == 0 ? "default" : String.valueOf(threadsPerPredictor))
                + " thread(s), "
                + device.optionValue()
                + ")";
    }

    /**
     * The default cache folder: {@code TRIAD_CACHE_DIR}, else the system property {@code
     * triad.cache.dir}, else {@code ~/.triad/cache}.
     */
    public static Path defaultCacheFolder() {
        String env = System.getenv("TRIAD_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String property = System.getProperty("triad.cache.dir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Path.of(System.getProperty("user.home"), ".triad", "cache");
    }

    /** Builds {@link EmbeddingSettings}; every setter returns the builder. */
    public static final class Builder {
        private Path modelFolder;
        private Path cacheFolder = defaultCacheFolder();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int predictors = DEFAULT_PREDICTORS;
        private int threadsPerPredictor;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Device device = Device.AUTO;

        Builder() {}

        /**
         * A folder with {@code model.onnx} (a sentence-transformers encoder exported to ONNX,
         * inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids}) and {@code
         * tokenizer.json}; null for the bundled all-MiniLM-L6-v2.
         */
        public Builder modelFolder(Path folder) {
            this.modelFolder = folder;
            return this;
        }

        /** Where the bundled model is copied and DJL unpacks native libraries. */
        public Builder cacheFolder(Path folder) {
            this.cacheFolder = Objects.requireNonNull(folder, "cacheFolder");
            return this;
        }

        /** The most sentences in one model call (at least 1). */
        public Builder batchSize(int sentences) {
            this.batchSize = sentences;
            return this;
        }

        /** Model calls that may run at once (at least 1). */
        public Builder predictors(int count) {
            this.predictors = count;
            return this;
        }

        /** Cores one model call may use; 0 leaves it to the engine (all cores). */
        public Builder threadsPerPredictor(int threads) {
            this.threadsPerPredictor = threads;
            return this;
        }

        /** Tokens per sentence (at least 8); longer sentences are truncated. */
        public Builder maxTokens(int tokens) {
            this.maxTokens = tokens;
            return this;
        }

        /** Where the model runs. */
        public Builder device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Checks the values and returns the settings.
         *
         * @throws IllegalArgumentException naming the setting and its rule
         */
        public EmbeddingSettings build() {
            atLeast("batch size", batchSize, 1);
            atLeast("predictors", predictors, 1);
            atLeast("threads per predictor", threadsPerPredictor, 0);
            atLeast("max tokens", maxTokens, 8);
            return new EmbeddingSettings(this);
        }

        private static void atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(
                        "embedding " + name + " must be at least " + min + ", was " + value);
            }
        }
    }
}
