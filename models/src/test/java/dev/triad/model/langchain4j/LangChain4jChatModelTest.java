package dev.triad.model.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCallException.ServerSign;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The executor, the request/response mapping and the error mapping, against in-JVM fakes. */
class LangChain4jChatModelTest {

    private static final String SECRET = "sk-live-9876543210fedcba";
    private static final ModelRequest REQUEST =
            new ModelRequest(
                    Role.SOLVER,
                    List.of(
                            ChatMessage.system("be brief"),
                            ChatMessage.user("2+2?"),
                            new ChatMessage("assistant", "4")),
                    0.3,
                    77,
                    null);

    /** A ChatModel whose doChat is the given function. */
    private static ChatModel fake(Function<ChatRequest, ChatResponse> answer) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return answer.apply(request);
            }
        };
    }

    private static LangChain4jChatModel model(ChatModel delegate, int concurrency, int queue) {
        return new LangChain4jChatModel(
                "langchain4j:fake?model=m",
                "langchain4j:fake@http://h/v1",
                delegate,
                concurrency,
                queue,
                Duration.ofSeconds(7),
                SECRET,
                ApiKeySource.env("FAKE_KEY"),
                0,
                StructuredOutput.JSON_SCHEMA);
    }

    private static ChatResponse reply(String text, int in, int out) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .tokenUsage(new TokenUsage(in, out))
                .build();
    }

    private static ModelCallException failure(CompletableFuture<ModelCompletion> f)
            throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ModelCallException.class);
            return (ModelCallException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void mapsTheRequestAndTheUsage() throws Exception {
        AtomicReference<ChatRequest> seen = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        try (LangChain4jChatModel model =
                model(
                        fake(
                                r -> {
                                    seen.set(r);
                                    thread.set(Thread.currentThread().getName());
                                    return reply("four", 12, 3);
                                }),
                        2,
                        4)) {
            ModelCompletion c = model.complete(REQUEST).get(10, TimeUnit.SECONDS);

            assertThat(c.text()).isEqualTo("four");
            assertThat(c.promptTokens()).isEqualTo(12);
            assertThat(c.completionTokens()).isEqualTo(3);
            assertThat(c.endpoint()).isEqualTo("langchain4j:fake@http://h/v1");
            assertThat(c.latencyMs()).isNotNegative();
        }
        assertThat(seen.get().messages())
                .containsExactly(
                        SystemMessage.from("be brief"),
                        UserMessage.from("2+2?"),
                        AiMessage.from("4"));
        assertThat(seen.get().parameters().temperature()).isEqualTo(0.3);
        assertThat(seen.get().parameters().maxOutputTokens()).isEqualTo(77);
        assertThat(seen.get().parameters().responseFormat())
                .as("a call without a purpose asks for no reply shape")
                .isNull();
        assertThat(thread.get()).startsWith("triad-langchain4j-0-");
    }

    @Test
    void completeReturnsBeforeTheBlockingCallEndsAndRendersOffTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> renderedOn = new AtomicReference<>();
        ModelRequest lazy =
                ModelRequest.rendering(
                        Role.SOLVER,
                        () -> {
                            renderedOn.set(Thread.currentThread());
                            return List.of(ChatMessage.user("hi"));
                        },
                        0.0,
                        16,
                        null);
        try (LangChain4jChatModel model =
                model(
                        fake(
                                r -> {
                                    await(release);
                                    return reply("hello", 1, 1);
                                }),
                        1,
                        1)) {
            CompletableFuture<ModelCompletion> f = model.complete(lazy);

            assertThat(f).isNotDone();
            release.countDown();
            assertThat(f.get(10, TimeUnit.SECONDS).text()).isEqualTo("hello");
        }
        assertThat(renderedOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aFullQueueFailsAtOnceRetriablyAndCloseFailsWaitingCalls() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LangChain4jChatModel model =
                model(
                        fake(
                                r -> {
                                    started.countDown();
                                    await(release);
                                    return reply("x", 1, 1);
                                }),
                        1,
                        1);
        CompletableFuture<ModelCompletion> running = model.complete(REQUEST);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<ModelCompletion> waiting = model.complete(REQUEST);
        CompletableFuture<ModelCompletion> refused = model.complete(REQUEST);

        assertThat(refused).isCompletedExceptionally();
        ModelCallException full = failure(refused);
        assertThat(full.retriable()).isTrue();
        assertThat(full.getMessage()).contains("queue is full").contains("concurrency=");
        assertThat(model.outstanding()).isEqualTo(2);

        model.close();
        assertThat(failure(waiting).retriable()).isFalse();
        assertThat(failure(waiting).getMessage()).contains("was closed");
        assertThat(failure(running).getMessage()).contains("was closed");
        assertThat(failure(model.complete(REQUEST)).getMessage()).contains("was closed");
        release.countDown();
    }

    private static ModelCallException mapped(RuntimeException thrown) throws Exception {
        try (LangChain4jChatModel model =
                model(
                        fake(
                                r -> {
                                    throw thrown;
                                }),
                        1,
                        0)) {
            ModelCallException e = failure(model.complete(REQUEST));
            assertThat(e.getMessage()).doesNotContain(SECRET).contains("langchain4j:fake@");
            assertThat(e.getCause()).isNull();
            return e;
        }
    }

    private static HttpException http(int status) {
        return new HttpException(status, "{\"error\":{\"message\":\"bad key " + SECRET + "\"}}");
    }

    @Test
    void nonRetriableFamilies() throws Exception {
        ModelCallException auth = mapped(new AuthenticationException(http(401)));
        assertThat(auth.retriable()).isFalse();
        assertThat(auth.getMessage())
                .contains("401")
                .contains("API key was refused")
                .contains("key-env=FAKE_KEY")
                .contains("bad key ***");

        assertThat(mapped(new ModelNotFoundException(http(404))).getMessage())
                .contains("no such model")
                .contains("model=");
        assertThat(mapped(new ModelNotFoundException(http(404))).retriable()).isFalse();
        assertThat(mapped(new InvalidRequestException(http(400))).retriable()).isFalse();
        assertThat(mapped(new InvalidRequestException(http(422))).getMessage())
                .contains("refused as invalid");
        assertThat(mapped(new UnresolvedModelServerException("nope")).retriable()).isFalse();
        assertThat(mapped(new IllegalArgumentException("bad")).retriable()).isFalse();
    }

    @Test
    void retriableFamilies() throws Exception {
        ModelCallException limited = mapped(new RateLimitException(http(429)));
        assertThat(limited.retriable()).isTrue();
        assertThat(limited.getMessage()).contains("429").contains("rate limited");

        ModelCallException unavailable = mapped(new InternalServerException(http(503)));
        assertThat(unavailable.retriable()).isTrue();
        assertThat(unavailable.getMessage()).contains("503").contains("unavailable");

        assertThat(mapped(new InternalServerException("no choices")).retriable()).isTrue();
        ModelCallException timeout = mapped(new TimeoutException("read timed out"));
        assertThat(timeout.retriable()).isTrue();
        assertThat(timeout.getMessage()).contains("7000 ms");
        assertThat(mapped(new RuntimeException(new ConnectException("refused"))).getMessage())
                .contains("cannot connect");
        assertThat(mapped(new RuntimeException(new IOException("reset " + SECRET))).retriable())
                .isTrue();
        assertThat(mapped(new NullPointerException()).retriable()).isTrue();
    }

    /** What outage handling ({@code OutageHoldingChatModel}) reads from each family. */
    @Test
    void eachFamilySaysWhetherTheServerIsThere() throws Exception {
        assertThat(mapped(new RuntimeException(new ConnectException("refused"))).serverSign())
                .isEqualTo(ServerSign.REFUSED);
        assertThat(mapped(new InternalServerException(http(503))).serverSign())
                .isEqualTo(ServerSign.FAILING);
        assertThat(mapped(new RuntimeException(new IOException("reset"))).serverSign())
                .isEqualTo(ServerSign.FAILING);
        assertThat(mapped(new InvalidRequestException(http(400))).serverSign())
                .isEqualTo(ServerSign.ANSWERED);
        assertThat(mapped(new RateLimitException(http(429))).serverSign())
                .isEqualTo(ServerSign.ANSWERED);
        assertThat(mapped(new AuthenticationException(http(401))).serverSign())
                .isEqualTo(ServerSign.ANSWERED);
        assertThat(mapped(new TimeoutException("read timed out")).serverSign())
                .isEqualTo(ServerSign.SILENT);
    }

    @Test
    void aReplyWithoutTextIsRetriable() throws Exception {
        AiMessage toolCallOnly =
                AiMessage.from(ToolExecutionRequest.builder().name("f").arguments("{}").build());
        try (LangChain4jChatModel model =
                model(fake(r -> ChatResponse.builder().aiMessage(toolCallOnly).build()), 1, 0)) {
            ModelCallException e = failure(model.complete(REQUEST));
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("no text");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }
}
