package dev.triad.model.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.triad.model.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GGUF model loaded into this JVM by llama.cpp (java-llama.cpp's {@link LlamaModel}), shared by
 * every subtask whose binding loads the same file with the same settings, and closed when the last
 * of them lets go.
 *
 * <p>llama.cpp runs its own server loop inside the model: {@code slots} sequences are decoded
 * together in one batch on {@code threads} threads (no prefix reuse between calls: see {@link
 * #complete}), and calls beyond the slots wait in llama.cpp's queue. {@link #complete} blocks its
 * calling thread until the reply is decoded; callers run it on their own pool (see {@link
 * LlamaCppChatModel}).
 *
 * <p>Threading: {@link #acquire} and {@link #release} may be called from any thread; {@link
 * #complete}, {@link #render}, {@link #grammar} and {@link #tokens} from any number of threads at
 * once, between an {@code acquire} and its {@code release}.
 */
@Internal
final class LlamaCppEngine {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppEngine.class);

    /** java-llama.cpp's setting for where it unpacks its native library. */
    private static final String NATIVE_DIR_PROPERTY = "de.kherud.llama.tmpdir";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The models loaded in this JVM (this class loader), by their settings. Guarded by itself. */
    private static final Map<Settings, LlamaCppEngine> LOADED = new HashMap<>();

    private static boolean nativesPrepared;

    /**
     * What a loaded model is: the file and how llama.cpp runs it. Two bindings with equal settings
     * share one loaded model.
     *
     * @param file the GGUF file, absolute
     * @param threads decoding threads
     * @param contextPerSlot tokens of context each slot holds (prompt and reply)
     * @param slots sequences decoded together
     */
    record Settings(Path file, int threads, int contextPerSlot, int slots) {}

    private final Settings settings;
    private final LlamaModel model;
    private final Map<String, String> grammars = new ConcurrentHashMap<>();
    private int references; // guarded by LOADED

    private LlamaCppEngine(Settings settings, LlamaModel model) {
        this.settings = settings;
        this.model = model;
    }

    /**
     * The loaded model for {@code settings}, loading it if no one holds it; every call must be
     * paired with one {@link #release()}.
     *
     * @throws IllegalStateException naming the file when llama.cpp cannot load it
     */
    static LlamaCppEngine acquire(Settings settings) {
        synchronized (LOADED) {
            LlamaCppEngine engine = LOADED.get(settings);
            if (engine == null) {
                engine = new LlamaCppEngine(settings, load(settings));
                LOADED.put(settings, engine);
            }
            engine.references++;
            return engine;
        }
    }

    /** Lets go of the model; the last holder's release frees it. */
    void release() {
        synchronized (LOADED) {
            if (--references > 0) {
                return;
            }
            LOADED.remove(settings);
            LOG.info("Closing the in-process model {}", settings.file().getFileName());
            model.close();
        }
    }

    /** How many holders the model of {@code settings} has now; 0 when it is not loaded. */
    static int references(Settings settings) {
        synchronized (LOADED) {
            LlamaCppEngine engine = LOADED.get(settings);
            return engine == null ? 0 : engine.references;
        }
    }

    private static LlamaModel load(Settings settings) {
        prepareNatives();
        ModelParameters parameters =
                new ModelParameters()
                        .setModel(settings.file().toString())
                        .setThreads(settings.threads())
                        .setThreadsBatch(settings.threads())
                        .setParallel(settings.slots())
                        .setCtxSize(settings.contextPerSlot() * settings.slots())
                        // A prompt longer than a slot's context fails the call, as llama-server
                        // does, instead of being cut silently.
                        .disableContextShift()
                        .disableLog();
        long start = System.nanoTime();
        try {
            LlamaModel model = new LlamaModel(parameters);
            LOG.info(
                    "Loaded the in-process model {} in {} ms ({} threads, {} slots of {} tokens)",
                    settings.file(),
                    (System.nanoTime() - start) / 1_000_000,
                    settings.threads(),
                    settings.slots(),
                    settings.contextPerSlot());
            return model;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // java-llama.cpp's LlamaException is not public: a RuntimeException here.
            throw new IllegalStateException(
                    "gguf: llama.cpp could not load the model file "
                            + settings.file()
                            + " ("
                            + e.getMessage()
                            + "); it must be a GGUF chat model of an architecture llama.cpp knows,"
                            + " readable on this machine, with memory for "
                            + settings.slots()
                            + " slots of "
                            + settings.contextPerSlot()
                            + " tokens (lower slots= or ctx= if memory is short)",
                    e);
        }
    }

    /**
     * Before the first load in this class loader: unpack the native library into a folder of its
     * own. java-llama.cpp unpacks it into one shared temporary folder and deletes what it finds
     * there first, which races with other JVMs on the machine; and a second class loader (a second
     * job on one TaskManager) cannot load a library another class loader already loaded from the
     * same file. Its own {@code de.kherud.llama.lib.path} still wins when set. Also routes
     * llama.cpp's log to this class's logger at DEBUG (it writes to stdout otherwise).
     */
    private static void prepareNatives() {
        if (nativesPrepared) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("triad-llama-");
            dir.toFile().deleteOnExit();
            System.setProperty(NATIVE_DIR_PROPERTY, dir.toString());
        } catch (IOException e) {
            LOG.warn(
                    "Could not make a folder for llama.cpp's native library ({}); it goes to"
                            + " java.io.tmpdir",
                    e.toString());
        }
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> LOG.debug("{}", message.strip()));
        nativesPrepared = true;
    }

    /** The prompt of a chat, rendered with the model's own chat template. */
    String render(List<ChatMessage> messages) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode list = request.putArray("messages");
        for (ChatMessage m : messages) {
            list.addObject().put("role", m.role()).put("content", m.content());
        }
        return model.applyTemplate(request.toString());
    }

    /** The GBNF grammar that admits exactly the JSON documents {@code jsonSchema} describes. */
    String grammar(String jsonSchema) {
        return grammars.computeIfAbsent(jsonSchema, LlamaModel::jsonSchemaToGrammar);
    }

    /** How many tokens {@code text} is to this model's tokenizer. */
    int tokens(String text) {
        return text.isEmpty() ? 0 : model.encode(text).length;
    }

    /**
     * Decodes a reply to {@code prompt}; blocks until it is done.
     *
     * @param grammar the grammar the reply must follow, or {@code null}
     * @param seed the sampling seed, or a negative number for llama.cpp's own
     * @throws RuntimeException (java-llama.cpp's LlamaException) when llama.cpp refuses the call
     *     (e.g. the prompt exceeds the slot's context)
     */
    String complete(String prompt, double temperature, int maxTokens, String grammar, long seed) {
        InferenceParameters parameters =
                new InferenceParameters(prompt)
                        .setTemperature((float) temperature)
                        .setNPredict(maxTokens > 0 ? maxTokens : -1)
                        // No reuse of a slot's KV cache from an earlier call: with it,
                        // java-llama.cpp
                        // 4.2.0 answered differently by call order (tiny-arith's times table: 83
                        // to 166 of 169 between runs); each call is then its own, as
                        // llama-server with --no-cache-prompt.
                        .setCachePrompt(false);
        if (grammar != null) {
            parameters.setGrammar(grammar);
        }
        if (seed >= 0) {
            parameters.setSeed((int) seed);
        }
        return model.complete(parameters);
    }

    Settings settings() {
        return settings;
    }
}
