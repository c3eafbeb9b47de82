package dev.triad.model.djl;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelBinding;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code djl:PATH[?engine=OnnxRuntime&max-tokens=N]}: a causal language model run in process by
 * DJL, for users who put a model on their (GPU) TaskManagers. PATH is a folder holding one {@code
 * .onnx} file and its {@code tokenizer.json} (or the {@code .onnx} file itself, next to its
 * tokenizer); the model takes {@code input_ids} (int64 {@code [1, seq]}) and returns {@code logits}
 * ({@code [1, seq, vocab]}), prompts are written with the ChatML template and decoding is greedy.
 * Each subtask loads its own copy ({@link DjlChatModel}).
 *
 * <p>Engines: {@code OnnxRuntime} (DJL's onnxruntime engine; the CPU build here, its GPU build
 * where the TaskManager has one on the classpath). The model is loaded, and a missing or
 * unsupported one reported, when a subtask opens it; {@link #parse} checks the spec.
 */
public final class DjlChatBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    /** The binding's scheme, {@code djl:}. */
    public static final String SCHEME = "djl";

    /** The only engine so far. */
    public static final String ONNX_RUNTIME = "OnnxRuntime";

    /** Most tokens generated per call when the binding does not say. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    private final String path;
    private final String engine;
    private final int maxTokens;

    DjlChatBinding(Path path, String engine, int maxTokens) {
        this.path = path.toAbsolutePath().normalize().toString();
        this.engine = Objects.requireNonNull(engine, "engine");
        this.maxTokens = maxTokens;
    }

    /**
     * Reads a spec, {@code djl:PATH[?engine=OnnxRuntime&max-tokens=N]} (the {@code djl:} prefix
     * optional).
     *
     * @throws IllegalArgumentException naming the part of the spec that is wrong and what to write
     */
    public static DjlChatBinding parse(String spec) {
        String rest = spec.startsWith(SCHEME + ":") ? spec.substring(SCHEME.length() + 1) : spec;
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.isBlank()) {
            throw new IllegalArgumentException(
                    "djl: needs a model path, e.g. djl:models/tiny-arith-onnx (a folder with one"
                            + " .onnx file and its tokenizer.json)");
        }
        String engine = ONNX_RUNTIME;
        int maxTokens = DEFAULT_MAX_TOKENS;
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value =
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (key) {
                case "engine" -> {
                    if (!value.equalsIgnoreCase(ONNX_RUNTIME)) {
                        throw new IllegalArgumentException(
                                "djl: engine '"
                                        + value
                                        + "' is not supported; the djl: binding runs ONNX models"
                                        + " with engine=OnnxRuntime");
                    }
                }
                case "max-tokens" -> {
                    try {
                        maxTokens = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        maxTokens = 0;
                    }
                    if (maxTokens < 1) {
                        throw new IllegalArgumentException(
                                "djl: max-tokens must be a whole number of at least 1, was '"
                                        + value
                                        + "'");
                    }
                }
                default ->
                        throw new IllegalArgumentException(
                                "djl: unknown option '"
                                        + key
                                        + "'; the options are engine=OnnxRuntime and"
                                        + " max-tokens=N");
            }
        }
        return new DjlChatBinding(Path.of(rest), engine, maxTokens);
    }

    /**
     * Checks that the model file and its tokenizer exist where this binding says, without loading
     * them (for the command line, before a job starts; the TaskManagers must see the same path).
     *
     * @throws IllegalArgumentException naming the missing file and what is expected
     */
    public DjlChatBinding checkFiles() {
        DjlChatModel.locate(Path.of(path));
        return this;
    }

    @Override
    public AsyncChatModel open(int subtaskIndex) {
        return DjlChatModel.load(Path.of(path), maxTokens);
    }

    @Override
    public String describe() {
        return SCHEME
                + ":"
                + path
                + "?engine="
                + engine
                + (maxTokens == DEFAULT_MAX_TOKENS
                        ? ""
                        : String.format(Locale.ROOT, "&max-tokens=%d", maxTokens));
    }

    /** The model file or folder. */
    public Path path() {
        return Path.of(path);
    }

    /** Most tokens generated per call. */
    public int maxTokens() {
        return maxTokens;
    }
}
