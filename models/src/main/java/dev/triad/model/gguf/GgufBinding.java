package dev.triad.model.gguf;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.BindingSpec;
import dev.triad.model.ModelBinding;
import dev.triad.model.openai.ReplyOptions;
import dev.triad.model.openai.StructuredOutput;
import dev.triad.schemas.ModelIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A role bound to a GGUF chat model run inside the TaskManager's JVM by llama.cpp (through
 * java-llama.cpp): {@code gguf:PATH[?key=value&…]}, e.g. {@code
 * gguf:models/qwen2.5-0.5b-instruct-q4_k_m.gguf?threads=4&slots=2}. LM2's own shape on one machine:
 * a small decomposer in process, a large solver on a fleet.
 *
 * <p>Parameters (all optional):
 *
 * <ul>
 *   <li>{@code threads=N}: llama.cpp's decoding threads (default: the machine's cores)
 *   <li>{@code slots=N}: sequences decoded together in one batch (default {@value #DEFAULT_SLOTS});
 *       {@code ctx=N}: tokens of context per slot, prompt and reply (default {@value
 *       #DEFAULT_CONTEXT}); llama.cpp's whole context is {@code ctx × slots}
 *   <li>{@code concurrency=N}: calls of one subtask in llama.cpp at once, the size of its thread
 *       pool (default: {@code slots}); {@code queue=N}: calls of one subtask waiting (default
 *       {@value #DEFAULT_QUEUE})
 *   <li>{@code structured=json_schema|json_object|off} (default json_schema): each call's reply is
 *       decoded under the grammar of its JSON schema (or of any JSON object), or freely; {@code
 *       max-chars=N} and {@code max-items=N} bound every string and list of that schema (default
 *       none; set them for models that otherwise stay inside a string until the token limit)
 *   <li>{@code max-tokens=N}: the most reply tokens a call may ask for (default: each call's own)
 *   <li>{@code seed=N}: the sampling seed (default: llama.cpp's own; at temperature 0 decoding is
 *       greedy and needs none)
 * </ul>
 *
 * <p>The file is loaded once per JVM (the TaskManager's) and shared by every subtask whose binding
 * names the same file with the same {@code threads}, {@code ctx} and {@code slots}; it is freed
 * when the last of them closes, at the job's end. Nothing is loaded before {@link #open}: the
 * binding itself is a small serialisable recipe. On a cluster the path must exist on every
 * TaskManager. Immutable and thread-safe.
 */
@PublicEvolving
public final class GgufBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    /** The spec scheme: {@code gguf:}. */
    public static final String SCHEME = "gguf";

    /** No explicit thread count: the machine's cores, decided where the model is opened. */
    public static final int ALL_CORES = 0;

    public static final int DEFAULT_SLOTS = 2;
    public static final int DEFAULT_CONTEXT = 4096;
    public static final int DEFAULT_QUEUE = 1024;
    public static final StructuredOutput DEFAULT_STRUCTURED = ReplyOptions.DEFAULT_STRUCTURED;

    /** No seed: llama.cpp's own. */
    public static final long NO_SEED = -1;

    /** The spec parameters, in the order messages list them. */
    static final List<String> PARAMETERS =
            List.of(
                    "threads",
                    "ctx",
                    "slots",
                    "concurrency",
                    "queue",
                    "structured",
                    "max-chars",
                    "max-items",
                    "max-tokens",
                    "seed");

    /** What runs a {@code gguf:} model, as results name it ({@link #identity()}). */
    public static final String ENGINE = "llama.cpp in process (java-llama.cpp 4.2.0)";

    private static final byte[] GGUF_MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    /** Kept as a string: {@link Path} is not serialisable. */
    private final String file;

    private final int threads;
    private final int contextPerSlot;
    private final int slots;
    private final int concurrency;
    private final int queue;
    private final ReplyOptions reply;
    private final long seed;
    private final ModelIdentity identity;

    GgufBinding(Builder b) {
        this.file = b.file.toString();
        this.threads = b.threads;
        this.contextPerSlot = b.contextPerSlot;
        this.slots = b.slots;
        this.concurrency = b.concurrency;
        this.queue = b.queue;
        this.reply = new ReplyOptions(b.structured, b.maxChars, b.maxItems, b.maxTokens);
        this.seed = b.seed;
        // Hashed once, where the binding is made (the client); a TaskManager gets the result.
        this.identity = ModelIdentity.of(b.file, ENGINE);
    }

    /** Starts a binding of the GGUF file {@code file}. */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /**
     * Parses a spec, with or without the leading {@code gguf:}: {@code PATH[?key=value&…]}.
     *
     * @throws IllegalArgumentException naming the part that is wrong (an unknown parameter, a bad
     *     value, a missing or non-GGUF file) and what is expected
     */
    public static GgufBinding parse(String spec) {
        BindingSpec parsed = BindingSpec.parse(SCHEME, spec, PARAMETERS);
        if (parsed.target().isBlank()) {
            throw new IllegalArgumentException(
                    "the path of a GGUF file is missing; write gguf:PATH, e.g."
                            + " gguf:models/qwen2.5-0.5b-instruct-q4_k_m.gguf");
        }
        int slots = parsed.integer("slots", DEFAULT_SLOTS);
        return builder(Path.of(parsed.target()))
                .threads(parsed.integer("threads", ALL_CORES))
                .contextPerSlot(parsed.integer("ctx", DEFAULT_CONTEXT))
                .slots(slots)
                .concurrency(parsed.integer("concurrency", slots))
                .queue(parsed.integer("queue", DEFAULT_QUEUE))
                .replyOptions(ReplyOptions.parse(parsed))
                .seed(parsed.whole("seed", NO_SEED))
                .build();
    }

    /**
     * The model for one subtask: loads the file into this JVM unless another subtask already holds
     * it with the same settings.
     *
     * @throws IllegalStateException naming the file when llama.cpp cannot load it
     */
    @Override
    public AsyncChatModel open(int subtaskIndex) {
        LlamaCppEngine engine = LlamaCppEngine.acquire(engineSettings());
        return new LlamaCppChatModel(this, engine, subtaskIndex);
    }

    /** What the loaded model is keyed by; {@code threads} resolved on this machine. */
    LlamaCppEngine.Settings engineSettings() {
        return new LlamaCppEngine.Settings(
                Path.of(file),
                threads == ALL_CORES ? Runtime.getRuntime().availableProcessors() : threads,
                contextPerSlot,
                slots);
    }

    /** The binding as a spec: the file and the parameters that differ from the defaults. */
    @Override
    public String describe() {
        BindingSpec.Builder spec =
                BindingSpec.builder(SCHEME, file)
                        .paramUnlessDefault("threads", threads, ALL_CORES)
                        .paramUnlessDefault("ctx", contextPerSlot, DEFAULT_CONTEXT)
                        .paramUnlessDefault("slots", slots, DEFAULT_SLOTS)
                        .paramUnlessDefault("concurrency", concurrency, slots)
                        .paramUnlessDefault("queue", queue, DEFAULT_QUEUE);
        return reply.describeInto(spec)
                .paramUnlessDefault("seed", seed, NO_SEED)
                .build()
                .toString();
    }

    @Override
    public String toString() {
        return "GgufBinding[" + describe() + "]";
    }

    /** The GGUF file's name and SHA-256, and {@link #ENGINE}; results carry it. */
    @Override
    public ModelIdentity identity() {
        return identity;
    }

    /** The GGUF file, absolute. */
    public Path file() {
        return Path.of(file);
    }

    /** Decoding threads; {@link #ALL_CORES} for the machine's cores. */
    public int threads() {
        return threads;
    }

    /** Tokens of context per slot. */
    public int contextPerSlot() {
        return contextPerSlot;
    }

    public int slots() {
        return slots;
    }

    public int concurrency() {
        return concurrency;
    }

    public int queue() {
        return queue;
    }

    /** {@code structured}, {@code max-chars}, {@code max-items} and {@code max-tokens}. */
    public ReplyOptions replyOptions() {
        return reply;
    }

    public StructuredOutput structured() {
        return reply.structured();
    }

    public int maxChars() {
        return reply.maxChars();
    }

    public int maxItems() {
        return reply.maxItems();
    }

    public int maxTokens() {
        return reply.maxTokens();
    }

    /** The sampling seed, or {@link #NO_SEED}. */
    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufBinding other && fields().equals(other.fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    private List<Object> fields() {
        return List.of(file, threads, contextPerSlot, slots, concurrency, queue, reply, seed);
    }

    /** Builds a {@link GgufBinding}; {@link #build()} checks the file and every setting. */
    @PublicEvolving
    public static final class Builder {

        private Path file;
        private int threads = ALL_CORES;
        private int contextPerSlot = DEFAULT_CONTEXT;
        private int slots = DEFAULT_SLOTS;
        private Integer concurrency;
        private int queue = DEFAULT_QUEUE;
        private StructuredOutput structured = DEFAULT_STRUCTURED;
        private int maxChars;
        private int maxItems;
        private int maxTokens;
        private long seed = NO_SEED;

        Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /** Decoding threads; {@link #ALL_CORES} (the default) for the machine's cores. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Tokens of context per slot, prompt and reply together. */
        public Builder contextPerSlot(int tokens) {
            this.contextPerSlot = tokens;
            return this;
        }

        /** Sequences decoded together. */
        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        /** Calls of one subtask in llama.cpp at once; default: {@code slots}. */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** Calls of one subtask waiting once {@code concurrency} are decoding. */
        public Builder queue(int queue) {
            this.queue = queue;
            return this;
        }

        public Builder structured(StructuredOutput structured) {
            this.structured = Objects.requireNonNull(structured, "structured");
            return this;
        }

        /** The longest string of a reply schema; 0 for no bound. */
        public Builder maxChars(int chars) {
            this.maxChars = chars;
            return this;
        }

        /** The longest list of a reply schema; 0 for no bound. */
        public Builder maxItems(int items) {
            this.maxItems = items;
            return this;
        }

        /** The most reply tokens of a call; 0 for each call's own limit. */
        public Builder maxTokens(int tokens) {
            this.maxTokens = tokens;
            return this;
        }

        /**
         * {@code structured}, {@code max-chars}, {@code max-items} and {@code max-tokens} at once.
         */
        public Builder replyOptions(ReplyOptions options) {
            this.structured = options.structured();
            this.maxChars = options.maxChars();
            this.maxItems = options.maxItems();
            this.maxTokens = options.maxTokens();
            return this;
        }

        /** The sampling seed; {@link #NO_SEED} for llama.cpp's own. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting (or the file) and the rule
         */
        public GgufBinding build() {
            file = file.toAbsolutePath().normalize();
            checkFile(file);
            if (threads < 0 || threads > 1024) {
                throw new IllegalArgumentException(
                        "threads must be between 1 and 1024 (or 0 for every core), was " + threads);
            }
            if (slots < 1 || slots > 256) {
                throw new IllegalArgumentException(
                        "slots must be between 1 and 256 sequences decoded together, was " + slots);
            }
            if (contextPerSlot < 64) {
                throw new IllegalArgumentException(
                        "ctx must be at least 64 tokens per slot (prompt and reply), was "
                                + contextPerSlot);
            }
            if (concurrency == null) {
                concurrency = slots;
            }
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException(
                        "concurrency must be between 1 and 1024 calls per subtask, was "
                                + concurrency);
            }
            if (queue < 0) {
                throw new IllegalArgumentException(
                        "queue must be 0 or more calls waiting per subtask, was " + queue);
            }
            if (maxChars < 0 || maxItems < 0 || maxTokens < 0) {
                throw new IllegalArgumentException(
                        "max-chars, max-items and max-tokens must be 0 (no bound) or more, were "
                                + maxChars
                                + ", "
                                + maxItems
                                + " and "
                                + maxTokens);
            }
            if (structured != StructuredOutput.JSON_SCHEMA && (maxChars > 0 || maxItems > 0)) {
                throw new IllegalArgumentException(
                        "max-chars and max-items bound the reply schema, which only"
                                + " structured=json_schema uses; drop them or set"
                                + " structured=json_schema");
            }
            return new GgufBinding(this);
        }

        /** The file must exist, be readable and start with GGUF's magic bytes. */
        private static void checkFile(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        "the model file "
                                + file
                                + " does not exist; give the path of a downloaded GGUF chat"
                                + " model, e.g. gguf:models/qwen2.5-0.5b-instruct-q4_k_m.gguf");
            }
            byte[] head = new byte[GGUF_MAGIC.length];
            int read;
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "the model file " + file + " cannot be read (" + e.getMessage() + ")", e);
            }
            if (read < head.length || !Arrays.equals(head, GGUF_MAGIC)) {
                throw new IllegalArgumentException(
                        "the model file "
                                + file
                                + " is not a GGUF file (it does not start with 'GGUF'); gguf:"
                                + " takes llama.cpp's model format, e.g. a *.gguf file from a"
                                + " model's GGUF repository");
            }
        }
    }
}
