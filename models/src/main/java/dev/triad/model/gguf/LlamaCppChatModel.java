package dev.triad.model.gguf;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplySchema;
import dev.triad.model.openai.StructuredOutput;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.PublicEvolving;

/**
 * An {@link AsyncChatModel} over a GGUF model loaded in this JVM by llama.cpp: each call renders
 * the chat with the model's chat template and decodes the reply on a small thread pool owned by
 * this model, so {@link #complete} returns at once.
 *
 * <p>Guarantees: at most {@code concurrency} calls of this subtask in llama.cpp at once and {@code
 * queue} waiting; a call that finds both full fails at once with a retriable {@link
 * ModelCallException} instead of blocking the task thread. With structured output on, the reply is
 * decoded under the GBNF grammar of the call's reply schema ({@link ReplySchema}), so it can only
 * be that JSON. The loaded model is shared with the JVM's other subtasks that bind the same file
 * and settings ({@link LlamaCppEngine}); it is let go once this model is closed and its running
 * calls have ended.
 *
 * <p>Threading: {@link #complete} and {@link #close} may be called from any thread; futures
 * complete on the pool's threads. {@link #close} fails every waiting call; calls already decoding
 * finish first (llama.cpp cannot be interrupted mid-call).
 */
@PublicEvolving
public final class LlamaCppChatModel implements AsyncChatModel {

    private static final String THREAD_PREFIX = "triad-gguf-";

    private final GgufBinding binding;
    private final LlamaCppEngine engine;
    private final String endpoint;
    private final ThreadPoolExecutor executor;
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private volatile boolean closed;

    LlamaCppChatModel(GgufBinding binding, LlamaCppEngine engine, int subtask) {
        this.binding = binding;
        this.engine = engine;
        this.endpoint = GgufBinding.SCHEME + ":" + binding.file().getFileName();
        int queue = binding.queue();
        BlockingQueue<Runnable> waiting =
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger threads = new AtomicInteger();
        String prefix = THREAD_PREFIX + subtask + "-";
        this.executor =
                new ThreadPoolExecutor(
                        binding.concurrency(),
                        binding.concurrency(),
                        60,
                        TimeUnit.SECONDS,
                        waiting,
                        r -> {
                            Thread t = new Thread(r, prefix + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.AbortPolicy()) {
                    @Override
                    protected void terminated() {
                        // Only now no thread of this model is inside llama.cpp.
                        engine.release();
                        released.complete(null);
                    }
                };
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        CompletableFuture<ModelCompletion> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(closedFailure());
            return future;
        }
        try {
            executor.execute(new Call(request, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(
                    closed
                            ? closedFailure()
                            : new ModelCallException(
                                    endpoint
                                            + ": "
                                            + executor.getMaximumPoolSize()
                                            + " calls are decoding and "
                                            + executor.getQueue().size()
                                            + " waiting in this subtask; raise concurrency= or"
                                            + " queue= in the gguf: binding, or lower"
                                            + " max-calls-in-flight",
                                    true));
        }
        return future;
    }

    /** Calls decoding or waiting now (for tests and metrics). */
    public int outstanding() {
        return executor.getActiveCount() + executor.getQueue().size();
    }

    /**
     * Completes once this model is closed and its last call has left llama.cpp, so it no longer
     * holds the loaded model.
     */
    public CompletableFuture<Void> released() {
        return released;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable waiting : executor.shutdownNow()) {
            if (waiting instanceof Call call) {
                call.future.completeExceptionally(closedFailure());
            }
        }
    }

    @Override
    public String toString() {
        return "LlamaCppChatModel[" + binding.describe() + "]";
    }

    private ModelCallException closedFailure() {
        return new ModelCallException(endpoint + ": the model was closed", false);
    }

    private ModelCompletion call(ModelRequest request) {
        long start = System.nanoTime();
        String prompt = engine.render(request.messages());
        int maxTokens = maxTokens(request);
        String text =
                engine.complete(
                        prompt,
                        request.temperature(),
                        maxTokens,
                        grammar(request.context()),
                        binding.seed());
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new ModelCompletion(
                text,
                engine.tokens(prompt),
                completionTokens(text, maxTokens),
                0,
                latencyMs,
                endpoint);
    }

    /**
     * The reply's tokens as llama-server counts them: the text's tokens, plus the end-of-generation
     * token when the reply ended before its limit (java-llama.cpp's blocking call returns the text
     * only, so the text is tokenised again).
     */
    private int completionTokens(String text, int maxTokens) {
        int tokens = engine.tokens(text);
        return maxTokens > 0 && tokens >= maxTokens ? tokens : tokens + 1;
    }

    private int maxTokens(ModelRequest request) {
        int cap = binding.maxTokens();
        int asked = request.maxTokens();
        return cap > 0 && (asked <= 0 || asked > cap) ? cap : asked;
    }

    /** The grammar of the call's reply shape, or {@code null} when the reply is free text. */
    private String grammar(CallContext context) {
        if (binding.structured() == StructuredOutput.OFF
                || context == null
                || context.purpose() == null
                || context.purpose().replyFields().isEmpty()) {
            return null;
        }
        String schema =
                binding.structured() == StructuredOutput.JSON_OBJECT
                        ? "{\"type\":\"object\"}"
                        : ReplySchema.of(
                                        context.purpose().replyFields(),
                                        binding.maxChars(),
                                        binding.maxItems())
                                .toString();
        return engine.grammar(schema);
    }

    private ModelCallException failure(Throwable t) {
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        if (message.contains("context")) {
            return new ModelCallException(
                    endpoint
                            + ": the prompt does not fit the slot's context ("
                            + message
                            + "); raise ctx= in the gguf: binding (now "
                            + binding.contextPerSlot()
                            + " tokens per slot), shorten the question, or lower max-tokens=",
                    false,
                    t);
        }
        return new ModelCallException(
                endpoint + ": llama.cpp failed the call: " + message, false, t);
    }

    /** One call: runs on the pool; completes its future exactly once. */
    private final class Call implements Runnable {

        final ModelRequest request;
        final CompletableFuture<ModelCompletion> future;

        Call(ModelRequest request, CompletableFuture<ModelCompletion> future) {
            this.request = request;
            this.future = future;
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(call(request));
            } catch (Throwable t) {
                future.completeExceptionally(failure(t));
                if (t instanceof Error && !(t instanceof StackOverflowError)) {
                    throw (Error) t;
                }
            }
        }
    }
}
