package dev.triad.model.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallHeader;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * An {@link AsyncChatModel} over a blocking langchain4j {@link ChatModel}: each call runs {@code
 * chat()} on a small thread pool owned by this model, so {@link #complete} returns at once.
 *
 * <p>Guarantees: at most {@code concurrency} calls in flight and {@code queue} waiting; a call that
 * finds both full fails at once with a retriable {@link ModelCallException} rather than blocking
 * the task thread. The prompt is rendered ({@link ModelRequest#messages()}) on the pool's thread.
 * Each call's reply shape goes with it as langchain4j's {@code ResponseFormat} unless {@link
 * StructuredOutput#OFF} (see {@link LangChain4jReplySchema}). Failures are mapped by {@link
 * LangChain4jErrors}; messages never hold the API key.
 *
 * <p>Threading: {@link #complete} and {@link #close} may be called from any thread; futures
 * complete on the pool's threads. {@link #close} fails every waiting call and interrupts running
 * ones.
 */
@PublicEvolving
public final class LangChain4jChatModel implements AsyncChatModel {

    private static final String THREAD_PREFIX = "triad-langchain4j-";

    private final String description;
    private final String endpoint;
    private final ChatModel delegate;
    private final ThreadPoolExecutor executor;
    private final LangChain4jErrors errors;
    private final StructuredOutput structured;
    private volatile boolean closed;

    LangChain4jChatModel(
            String description,
            String endpoint,
            ChatModel delegate,
            int concurrency,
            int queue,
            Duration timeout,
            String key,
            ApiKeySource keySource,
            int subtask,
            StructuredOutput structured) {
        this.description = description;
        this.endpoint = endpoint;
        this.delegate = delegate;
        this.structured = structured;
        this.errors = new LangChain4jErrors(endpoint, key, keySource, timeout, structured);
        BlockingQueue<Runnable> waiting =
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger threads = new AtomicInteger();
        String prefix = THREAD_PREFIX + subtask + "-";
        this.executor =
                new ThreadPoolExecutor(
                        concurrency,
                        concurrency,
                        60,
                        TimeUnit.SECONDS,
                        waiting,
                        r -> {
                            Thread t = new Thread(r, prefix + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.AbortPolicy());
        // Idle threads go away, so a role that is rarely called holds no threads.
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Wraps a langchain4j chat model made in code (any provider), with no API key to redact and no
     * reply schema sent ({@link StructuredOutput#OFF}: the model's own default response format
     * applies).
     *
     * @param name names the model in messages and results, e.g. {@code langchain4j:ollama}
     * @param model the blocking model; its own retries should be off
     * @param concurrency calls in flight
     * @param queue calls waiting
     */
    public static LangChain4jChatModel wrapping(
            String name, ChatModel model, int concurrency, int queue) {
        return wrapping(name, model, concurrency, queue, StructuredOutput.OFF);
    }

    /**
     * Wraps a langchain4j chat model made in code (any provider), with no API key to redact.
     *
     * @param name names the model in messages and results, e.g. {@code langchain4j:ollama}
     * @param model the blocking model; its own retries should be off
     * @param concurrency calls in flight
     * @param queue calls waiting
     * @param structured how each call's reply shape is sent; the provider must support it
     */
    public static LangChain4jChatModel wrapping(
            String name, ChatModel model, int concurrency, int queue, StructuredOutput structured) {
        return new LangChain4jChatModel(
                name,
                name,
                model,
                concurrency,
                queue,
                LangChain4jBinding.DEFAULT_TIMEOUT,
                null,
                ApiKeySource.none(),
                0,
                structured);
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        CompletableFuture<ModelCompletion> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(errors.closed());
            return future;
        }
        try {
            executor.execute(new Call(request, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(
                    closed
                            ? errors.closed()
                            : errors.queueFull(
                                    executor.getMaximumPoolSize(), executor.getQueue().size()));
        }
        return future;
    }

    /** The endpoint as messages name it, e.g. {@code langchain4j:ollama@http://gpu-1:11434}. */
    public String endpoint() {
        return endpoint;
    }

    /** Calls in flight or waiting now (for tests and metrics). */
    public int outstanding() {
        return executor.getActiveCount() + executor.getQueue().size();
    }

    @Override
    public void close() {
        closed = true;
        for (Runnable waiting : executor.shutdownNow()) {
            if (waiting instanceof Call call) {
                call.future.completeExceptionally(errors.closed());
            }
        }
    }

    @Override
    public String toString() {
        return "LangChain4jChatModel[" + description + "]";
    }

    private ModelCompletion call(ModelRequest request) {
        long start = System.nanoTime();
        ChatRequest.Builder chat = ChatRequest.builder().messages(toLangChain4j(request));
        chat.temperature(request.temperature());
        if (request.maxTokens() > 0) {
            chat.maxOutputTokens(request.maxTokens());
        }
        ResponseFormat format =
                LangChain4jReplySchema.responseFormat(structured, request.context());
        if (format != null) {
            chat.responseFormat(format);
        }
        ChatRequest built = chat.build();
        ChatResponse response =
                HttpClients.during(
                        request.context() == null ? null : CallHeader.encode(request.context()),
                        () -> delegate.chat(built));
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        AiMessage message = response == null ? null : response.aiMessage();
        String text = message == null ? null : message.text();
        if (text == null) {
            throw errors.noText();
        }
        TokenUsage usage = response.tokenUsage();
        return new ModelCompletion(
                text,
                promptTokens(usage),
                usage == null ? 0 : orZero(usage.outputTokenCount()),
                cachedTokens(usage),
                latencyMs,
                endpoint);
    }

    /**
     * All prompt tokens. Anthropic counts the ones read from or written to its prompt cache apart
     * from {@code input_tokens}; OpenAI, Ollama and Gemini count them in.
     */
    private static int promptTokens(TokenUsage usage) {
        if (usage == null) {
            return 0;
        }
        int input = orZero(usage.inputTokenCount());
        if (usage instanceof AnthropicTokenUsage anthropic) {
            input +=
                    orZero(anthropic.cacheReadInputTokens())
                            + orZero(anthropic.cacheCreationInputTokens());
        }
        return input;
    }

    private static int cachedTokens(TokenUsage usage) {
        if (usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null) {
            return orZero(openAi.inputTokensDetails().cachedTokens());
        }
        if (usage instanceof AnthropicTokenUsage anthropic) {
            return orZero(anthropic.cacheReadInputTokens());
        }
        if (usage instanceof GoogleAiGeminiTokenUsage gemini) {
            return orZero(gemini.cachedContentTokenCount());
        }
        return 0;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static List<dev.langchain4j.data.message.ChatMessage> toLangChain4j(
            ModelRequest request) {
        List<dev.langchain4j.data.message.ChatMessage> out = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            String role = m.role() == null ? "" : m.role().toLowerCase(Locale.ROOT);
            switch (role) {
                case "system":
                    out.add(SystemMessage.from(m.content()));
                    break;
                case "user":
                    out.add(UserMessage.from(m.content()));
                    break;
                case "assistant":
                    out.add(AiMessage.from(m.content()));
                    break;
                default:
                    throw new IllegalArgumentException(
                            "chat role '"
                                    + m.role()
                                    + "' has no langchain4j message type; use system, user or"
                                    + " assistant");
            }
        }
        return out;
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
                ModelCallException mapped = closed ? errors.closed() : errors.map(t);
                future.completeExceptionally(mapped);
                if (t instanceof Error && !(t instanceof StackOverflowError)) {
                    throw (Error) t;
                }
            }
        }
    }
}
