package dev.triad.model.djl;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One subtask's copy of a {@code djl:} chat model: the ONNX causal LM and its HuggingFace
 * tokenizer, loaded through DJL, answering on a thread of its own so {@link #complete} never blocks
 * the caller. Prompts are written with the ChatML template ({@code <|im_start|>role\ncontent
 * <|im_end|>\n} per message, then {@code <|im_start|>assistant\n}); decoding is greedy, one token
 * per model run over the whole sequence (the models it is for have no KV cache), until {@code
 * <|im_end|>} or {@code <|endoftext|>} or the token limit.
 */
public final class DjlChatModel implements AsyncChatModel {

    private static final String IM_START = "<|im_start|>";
    private static final String IM_END = "<|im_end|>";
    private static final String END_OF_TEXT = "<|endoftext|>";

    private final Path file;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final HuggingFaceTokenizer tokenizer;
    private final long[] stopIds;
    private final int maxTokens;
    private final ExecutorService thread;

    private DjlChatModel(
            Path file,
            ZooModel<NDList, NDList> model,
            HuggingFaceTokenizer tokenizer,
            long[] stopIds,
            int maxTokens) {
        this.file = file;
        this.model = model;
        this.predictor = model.newPredictor();
        this.tokenizer = tokenizer;
        this.stopIds = stopIds;
        this.maxTokens = maxTokens;
        this.thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "triad-djl-" + file.getFileName());
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Loads the model at {@code path} (a folder with one {@code .onnx} file and {@code
     * tokenizer.json}, or the {@code .onnx} file), offline.
     *
     * @throws IllegalArgumentException naming the file and what is expected, when a file is missing
     *     or the model is not a causal LM with {@code input_ids} in and {@code logits} out
     */
    public static DjlChatModel load(Path path, int maxTokens) {
        Path onnx = locate(path);
        Path tokenizerFile = onnx.resolveSibling("tokenizer.json");
        DjlOfflineSettings.apply();
        String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        ZooModel<NDList, NDList> model;
        try {
            model =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optModelPath(onnx.getParent())
                            .optModelName(name)
                            .optEngine(DjlChatBinding.ONNX_RUNTIME)
                            .build()
                            .loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new IllegalArgumentException(
                    "djl: "
                            + onnx
                            + " cannot be loaded by onnxruntime ("
                            + e.getMessage()
                            + "). Expected an ONNX causal language model: input input_ids (int64"
                            + " [1, seq]), output logits ([1, seq, vocab]).",
                    e);
        }
        try {
            requireCausalLm(onnx, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer =
                    HuggingFaceTokenizer.builder()
                            .optTokenizerPath(tokenizerFile)
                            .optAddSpecialTokens(false)
                            .build();
        } catch (IOException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException(
                    "djl: "
                            + tokenizerFile
                            + " cannot be read as a HuggingFace tokenizer ("
                            + e
                            + "). Give the tokenizer.json the model was trained with.",
                    e);
        }
        try {
            long[] stops = {specialId(tokenizer, IM_END, tokenizerFile), -1};
            long[] endOfText = tokenizer.encode(END_OF_TEXT, false, false).getIds();
            if (endOfText.length == 1) {
                stops[1] = endOfText[0];
            }
            specialId(tokenizer, IM_START, tokenizerFile);
            return new DjlChatModel(onnx, model, tokenizer, stops, maxTokens);
        } catch (RuntimeException e) {
            tokenizer.close();
            model.close();
            throw e;
        }
    }

    /**
     * The model's {@code .onnx} file, after checking that it and its {@code tokenizer.json} exist
     * (without loading them).
     *
     * @throws IllegalArgumentException naming the missing file and what is expected
     */
    static Path locate(Path path) {
        Path onnx = onnxFile(path);
        Path tokenizerFile = onnx.resolveSibling("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException(
                    "djl: "
                            + tokenizerFile
                            + " is missing: the model "
                            + onnx.getFileName()
                            + " needs its HuggingFace tokenizer.json in the same folder.");
        }
        return onnx;
    }

    private static Path onnxFile(Path path) {
        if (Files.isRegularFile(path)) {
            if (!path.getFileName().toString().endsWith(".onnx")) {
                throw new IllegalArgumentException(
                        "djl: "
                                + path
                                + " is not an .onnx file. Give the model's .onnx file or the"
                                + " folder holding it and its tokenizer.json.");
            }
            return path.toAbsolutePath().normalize();
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException(
                    "djl: "
                            + path
                            + " does not exist. Give a folder holding one .onnx model and its"
                            + " tokenizer.json, or the .onnx file.");
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path, "*.onnx")) {
            files.forEach(found::add);
        } catch (IOException e) {
            throw new IllegalArgumentException("djl: cannot list " + path + " (" + e + ")", e);
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException(
                    "djl: "
                            + path
                            + (found.isEmpty()
                                    ? " holds no .onnx file"
                                    : " holds " + found.size() + " .onnx files " + found)
                            + "; expected exactly one ONNX causal language model next to its"
                            + " tokenizer.json (or give the .onnx file itself).");
        }
        return found.get(0).toAbsolutePath().normalize();
    }

    /**
     * Checks the model's one input is {@code input_ids} and that a one-token run returns logits of
     * shape {@code [1, 1, vocab]} (DJL cannot describe an ONNX model's outputs before a run).
     */
    private static void requireCausalLm(Path onnx, ZooModel<NDList, NDList> model) {
        List<String> inputs = model.describeInput().keys();
        Shape logits = null;
        if (inputs.equals(List.of("input_ids"))) {
            try (Predictor<NDList, NDList> probe = model.newPredictor();
                    NDManager manager = model.getNDManager().newSubManager()) {
                NDArray input = manager.create(new long[] {0}, new Shape(1, 1));
                input.setName("input_ids");
                logits = probe.predict(new NDList(input)).get(0).getShape();
            } catch (TranslateException | RuntimeException e) {
                logits = null;
            }
        }
        if (logits == null || logits.dimension() != 3 || logits.get(0) != 1 || logits.get(1) != 1) {
            throw new IllegalArgumentException(
                    "djl: "
                            + onnx
                            + " is not a model the djl: chat binding runs: its inputs are "
                            + inputs
                            + (logits == null ? "" : " and its first output has shape " + logits)
                            + ". Expected a causal language model without KV cache: input"
                            + " input_ids only (int64 [1, seq]), first output the logits ([1,"
                            + " seq, vocab]).");
        }
    }

    private static long specialId(HuggingFaceTokenizer tokenizer, String token, Path file) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalArgumentException(
                    "djl: "
                            + file
                            + " has no single token for "
                            + token
                            + "; the djl: binding writes prompts with the ChatML template and"
                            + " needs <|im_start|> and <|im_end|> as special tokens.");
        }
        return ids[0];
    }

    /** The prompt for a chat, in ChatML with the assistant's turn opened. */
    static String chatMl(List<ChatMessage> messages) {
        StringBuilder prompt = new StringBuilder();
        for (ChatMessage m : messages) {
            prompt.append(IM_START)
                    .append(m.role())
                    .append('\n')
                    .append(m.content())
                    .append(IM_END)
                    .append('\n');
        }
        return prompt.append(IM_START).append("assistant\n").toString();
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        return CompletableFuture.supplyAsync(() -> generate(request), thread);
    }

    private ModelCompletion generate(ModelRequest request) {
        long started = System.nanoTime();
        long[] prompt = tokenizer.encode(chatMl(request.messages()), false, false).getIds();
        int limit = Math.min(maxTokens, Math.max(1, request.maxTokens()));
        long[] ids = Arrays.copyOf(prompt, prompt.length + limit);
        int length = prompt.length;
        int generated = 0;
        try {
            while (generated < limit) {
                long next = nextToken(ids, length);
                if (next == stopIds[0] || next == stopIds[1]) {
                    break;
                }
                ids[length++] = next;
                generated++;
            }
        } catch (TranslateException e) {
            throw new ModelCallException(
                    "djl: "
                            + file.getFileName()
                            + " failed on a prompt of "
                            + length
                            + " tokens: "
                            + e.getMessage(),
                    false,
                    e);
        }
        String text = tokenizer.decode(Arrays.copyOfRange(ids, prompt.length, length), true);
        return new ModelCompletion(
                text,
                prompt.length,
                generated,
                0,
                (System.nanoTime() - started) / 1_000_000,
                DjlChatBinding.SCHEME + ":" + file.getFileName());
    }

    /** The most likely next token (ties to the lowest id) after the first {@code length} ids. */
    private long nextToken(long[] ids, int length) throws TranslateException {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(Arrays.copyOf(ids, length), new Shape(1, length));
            input.setName("input_ids");
            NDArray logits = predictor.predict(new NDList(input)).get(0);
            float[] all = logits.toFloatArray();
            int vocab = (int) logits.getShape().get(logits.getShape().dimension() - 1);
            int from = (length - 1) * vocab;
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (all[from + v] > all[from + best]) {
                    best = v;
                }
            }
            return best;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        predictor.close();
        model.close();
        tokenizer.close();
    }

    /** DJL's offline switches, set as the embedder sets them. */
    private static final class DjlOfflineSettings {
        static void apply() {
            // Loading an embedder sets them too; this binding may be the first DJL user.
            System.setProperty("offline", "true");
            System.setProperty("OPT_OUT_TRACKING", "true");
            if (System.getenv("DJL_CACHE_DIR") == null
                    && System.getProperty("DJL_CACHE_DIR") == null) {
                System.setProperty(
                        "DJL_CACHE_DIR",
                        EmbeddingSettings.defaultCacheFolder().resolve("djl").toString());
            }
        }
    }
}
