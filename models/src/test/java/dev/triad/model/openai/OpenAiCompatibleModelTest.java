package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import dev.triad.model.openai.FakeOpenAiServer.Received;
import dev.triad.model.openai.OpenAiCallException.Kind;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a scripted endpoint on a loopback port: what goes on the wire (body, headers,
 * protocol), how answers and failures come back, {@code Retry-After}, timeouts, the attempt bound
 * and the concurrency limit.
 */
class OpenAiCompatibleModelTest {

    private static final JsonSchema REQUEST_SCHEMA = schema("chat-completion-request.schema.json");

    @TempDir Path dir;

    static ModelRequest request(String questionId, String user) {
        return new ModelRequest(
                Role.SOLVER,
                List.of(ChatMessage.system("You answer briefly."), ChatMessage.user(user)),
                0.0,
                256,
                new CallContext(
                        Question.of(questionId, "What is 2 + 2?"),
                        "cot",
                        CallPurpose.of(
                                "cot",
                                Role.SOLVER,
                                List.of(CallInput.QUESTION),
                                List.of(ReplyField.ANSWER)),
                        0,
                        1,
                        0,
                        Map.of()));
    }

    static OpenAiCompatibleBinding.Builder binding(FakeOpenAiServer server) {
        return OpenAiCompatibleBinding.builder()
                .baseUrls(server.baseUrl())
                .model(FakeOpenAiServer.MODEL)
                .apiKey(ApiKeySource.none())
                .backoff(Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(100));
    }

    static OpenAiCompatibleModel open(OpenAiCompatibleBinding binding) {
        return binding.open(0, name -> null);
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(15, TimeUnit.SECONDS);
    }

    static ModelCallException failure(CompletableFuture<?> future) {
        Throwable t = catchThrowable(() -> future.get(15, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(ModelCallException.class);
        return (ModelCallException) t.getCause();
    }

    @Test
    void sendsAnOpenAiChatCompletionOverHttp11AndMapsTheUsage() throws Exception {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "sk-wire-test-123456\n");
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.ok("{\"answer\": \"4\"}", 31, 7, 16));
                OpenAiCompatibleModel model =
                        open(
                                binding(server)
                                        .apiKey(ApiKeySource.file(keyFile.toString()))
                                        .build())) {
            ModelCompletion completion = await(model.complete(request("q1", "2 + 2?")));

            assertThat(completion.text()).isEqualTo("{\"answer\": \"4\"}");
            assertThat(completion.promptTokens()).isEqualTo(31);
            assertThat(completion.completionTokens()).isEqualTo(7);
            assertThat(completion.cachedTokens()).isEqualTo(16);
            assertThat(completion.endpoint()).isEqualTo(server.baseUrl());
            assertThat(completion.latencyMs()).isGreaterThanOrEqualTo(0);

            Received sent = server.chatsReceived().get(0);
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/v1/chat/completions");
            assertThat(sent.protocol()).isEqualTo("HTTP/1.1");
            assertThat(sent.header("Upgrade")).as("no h2c upgrade").isNull();
            assertThat(sent.header("Content-Type")).isEqualTo("application/json");
            assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-wire-test-123456");

            JsonNode body = Json.mapper().readTree(sent.body());
            assertThat(violations(body)).isEmpty();
            assertThat(body.path("model").asText()).isEqualTo(FakeOpenAiServer.MODEL);
            assertThat(body.path("messages")).hasSize(2);
            assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("2 + 2?");
            assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
            assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
            assertThat(body.path("stream").asBoolean(true)).isFalse();
        }
    }

    @Test
    void everyRequestBodyMatchesTheChatCompletionsSchema() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("ok", 1, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).build())) {
            List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
            calls.add(model.complete(request("q", "plain")));
            calls.add(
                    model.complete(request("q", "quotes \" and \\ and \n newlines, ünïcödé, 😀")));
            calls.add(model.complete(request("q", "")));
            calls.add(
                    model.complete(
                            new ModelRequest(
                                    Role.VERIFIER,
                                    List.of(ChatMessage.user("no system message")),
                                    0.7,
                                    0,
                                    null)));
            for (CompletableFuture<ModelCompletion> call : calls) {
                await(call);
            }
            assertThat(server.chatsReceived()).hasSize(4);
            for (Received r : server.chatsReceived()) {
                JsonNode body = Json.mapper().readTree(r.body());
                assertThat(violations(body)).as(r.bodyText()).isEmpty();
            }
            assertThat(
                            server.chatsReceived().stream()
                                    .map(
                                            r ->
                                                    parse(r.body())
                                                            .path("messages")
                                                            .path(1)
                                                            .path("content")
                                                            .asText())
                                    .collect(Collectors.toSet()))
                    .contains("quotes \" and \\ and \n newlines, ünïcödé, 😀");
        }
    }

    @Test
    void withoutAModelNameTheFirstListedModelIsUsed() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("ok", 1, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).model(null).build())) {
            await(model.complete(request("q", "a")));
            await(model.complete(request("q", "b")));

            assertThat(server.received.stream().map(Received::path))
                    .containsExactly("/v1/models", "/v1/chat/completions", "/v1/chat/completions");
            for (Received r : server.chatsReceived()) {
                assertThat(parse(r.body()).path("model").asText())
                        .isEqualTo(FakeOpenAiServer.MODEL);
            }
        }
    }

    @Test
    void completeReturnsBeforeTheServerAnswers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.ok("late", 1, 1, 0).heldUntil(release));
                OpenAiCompatibleModel model = open(binding(server).build())) {
            CompletableFuture<ModelCompletion> call = model.complete(request("q", "a"));
            FakeOpenAiServer.await("the request arrived", () -> server.chatRequests() == 1);
            assertThat(call).isNotDone();
            release.countDown();
            assertThat(await(call).text()).isEqualTo("late");
        }
    }

    @Test
    void retriesRetriableStatusesAndSucceeds() throws Exception {
        int[] statuses = {500, 503, 502, 429};
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i < statuses.length
                                                ? Answer.status(statuses[i], "try again")
                                                : Answer.ok("finally", 1, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(5).build())) {
            assertThat(await(model.complete(request("q", "a"))).text()).isEqualTo("finally");
            assertThat(server.chatRequests()).isEqualTo(5);
            EndpointStats stats = model.stats().get(0);
            assertThat(stats.failures(Kind.SERVER_ERROR)).isEqualTo(3);
            assertThat(stats.failures(Kind.RATE_LIMITED)).isEqualTo(1);
            assertThat(stats.succeeded()).isEqualTo(1);
        }
    }

    @Test
    void attemptsNeverExceedTheMaximumAndTheLastErrorIsFinal() throws Exception {
        // 429s: a server that sheds load is alive (5xx on every replica is an outage, which
        // waits instead: FleetOutageTest).
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.status(429, "always busy"));
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(3).build())) {
            List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(model.complete(request("q" + i, "a" + i)));
            }
            for (CompletableFuture<ModelCompletion> call : calls) {
                ModelCallException e = failure(call);
                assertThat(e.retriable()).as("exhausted calls are not retried again").isFalse();
                assertThat(((OpenAiCallException) e).kind()).isEqualTo(Kind.EXHAUSTED);
                assertThat(e.getMessage())
                        .startsWith(
                                "gave up after 3 attempts (max-attempts); the last: 429 from "
                                        + server.baseUrl()
                                        + ": rate limited");
            }
            assertThat(server.chatRequests()).isEqualTo(4 * 3);
        }
    }

    @Test
    void nonRetriableStatusesAreTriedOnceWithAMessageSayingWhatToDo() throws Exception {
        Map<Integer, String> expected =
                Map.of(
                        400,
                                ": the request was refused as invalid (the server said: bad); not retried",
                        401,
                                ": the server wants an API key and none was sent; this binding sends no key",
                        403, ": the API key may not use model 'fake-model'",
                        404, ": no such route or model 'fake-model'");
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            int status = e.getKey();
            try (FakeOpenAiServer server =
                            FakeOpenAiServer.start(i -> Answer.status(status, "bad"));
                    OpenAiCompatibleModel model = open(binding(server).build())) {
                ModelCallException failure = failure(model.complete(request("q", "a")));
                assertThat(failure.retriable()).isFalse();
                assertThat(((OpenAiCallException) failure).status()).isEqualTo(status);
                assertThat(failure.getMessage())
                        .startsWith(status + " from " + server.baseUrl())
                        .contains(e.getValue());
                assertThat(server.chatRequests()).as("status %s", status).isEqualTo(1);
            }
        }
    }

    @Test
    void aRefusedKeyNamesTheVariableToCheck() throws Exception {
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.status(401, "Incorrect API key"));
                OpenAiCompatibleModel model =
                        binding(server)
                                .apiKey(ApiKeySource.defaultEnv())
                                .build()
                                .open(
                                        0,
                                        name ->
                                                name.equals("OPENAI_API_KEY")
                                                        ? "sk-x-1234"
                                                        : null)) {
            ModelCallException failure = failure(model.complete(request("q", "a")));
            assertThat(failure.getMessage())
                    .isEqualTo(
                            "401 from "
                                    + server.baseUrl()
                                    + ": the API key was refused; check the environment variable"
                                    + " OPENAI_API_KEY (the server said: Incorrect API key)");
        }
    }

    @Test
    void retryAfterHoldsBackEveryRequestToThatReplica() throws Exception {
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i == 0
                                                ? Answer.status(429, "slow down")
                                                        .withHeader("Retry-After", "1")
                                                : Answer.ok("ok", 1, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).build())) {
            CompletableFuture<ModelCompletion> first = model.complete(request("q0", "a"));
            FakeOpenAiServer.await(
                    "the client saw the 429",
                    () -> model.stats().get(0).failures(Kind.RATE_LIMITED) == 1);
            List<CompletableFuture<ModelCompletion>> later = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                later.add(model.complete(request("q" + i, "b" + i)));
            }
            await(first);
            for (CompletableFuture<ModelCompletion> call : later) {
                await(call);
            }
            long notBefore = server.answeredNanos.get(0) + TimeUnit.SECONDS.toNanos(1);
            List<Received> chats = server.chatsReceived();
            assertThat(chats).hasSize(6);
            for (Received r : chats.subList(1, chats.size())) {
                assertThat(r.arrivedNanos())
                        .as(
                                "request %s arrived %s ms after the 429 was sent",
                                r.index(),
                                (r.arrivedNanos() - server.answeredNanos.get(0)) / 1_000_000)
                        .isGreaterThanOrEqualTo(notBefore);
            }
        }
    }

    @Test
    void retryAfterInMillisecondsAndAsADateAreRead() {
        java.net.http.HttpHeaders ms =
                java.net.http.HttpHeaders.of(
                        Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("9")),
                        (a, b) -> true);
        assertThat(OpenAiErrors.retryAfterNanos(ms)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
        String inTwoMinutes =
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
        long date =
                OpenAiErrors.retryAfterNanos(
                        java.net.http.HttpHeaders.of(
                                Map.of("Retry-After", List.of(inTwoMinutes)), (a, b) -> true));
        assertThat(date).isBetween(TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(121));
        assertThat(
                        OpenAiErrors.retryAfterNanos(
                                java.net.http.HttpHeaders.of(
                                        Map.of("Retry-After", List.of("99999")), (a, b) -> true)))
                .isEqualTo(OpenAiErrors.MAX_RETRY_AFTER.toNanos());
    }

    @Test
    void onlyASoleReplicasRetryAfterHoldsBackTheWholeModel() {
        java.net.http.HttpHeaders headers =
                java.net.http.HttpHeaders.of(Map.of("Retry-After", List.of("2")), (a, b) -> true);
        OpenAiCallException sole =
                OpenAiErrors.forStatus(
                        "http://a/v1",
                        "m",
                        429,
                        headers,
                        new byte[0],
                        ApiKey.NONE,
                        ApiKeySource.none(),
                        true);
        OpenAiCallException oneOfMany =
                OpenAiErrors.forStatus(
                        "http://a/v1",
                        "m",
                        429,
                        headers,
                        new byte[0],
                        ApiKey.NONE,
                        ApiKeySource.none(),
                        false);

        assertThat(sole.retriable()).isTrue();
        assertThat(sole.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(oneOfMany.retryAfterNanos()).as("the replica still waits").isPositive();
        assertThat(oneOfMany.retryAfter())
                .as("the client routes the retry around the waiting replica")
                .isZero();
    }

    @Test
    void aCallThatHangsTimesOutIsRetriedAndItsConnectionClosed() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i == 0
                                                ? Answer.ok("too late", 1, 1, 0).heldUntil(never)
                                                : Answer.ok("in time", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(binding(server).callTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            assertThat(await(model.complete(request("q", "a"))).text()).isEqualTo("in time");
            assertThat(System.nanoTime() - start)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(model.stats().get(0).failures(Kind.TIMEOUT)).isEqualTo(1);
            assertThat(server.chatRequests()).isEqualTo(2);
        } finally {
            never.countDown();
        }
    }

    @Test
    void theConcurrencyLimitCapsRequestsInFlightWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.ok("ok", 1, 1, 0).heldUntil(release));
                OpenAiCompatibleModel model =
                        open(
                                binding(server)
                                        .concurrencyLimit(
                                                OpenAiCompatibleBinding.ConcurrencyLimit.FIXED)
                                        .initialConcurrency(2)
                                        .maxConcurrency(2)
                                        .build())) {
            List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(model.complete(request("q" + i, "a" + i)));
            }
            FakeOpenAiServer.await("two requests arrived", () -> server.chatRequests() == 2);
            EndpointStats stats = model.stats().get(0);
            assertThat(stats.inFlight()).isEqualTo(2);
            assertThat(stats.queued()).isEqualTo(8);
            release.countDown();
            for (CompletableFuture<ModelCompletion> call : calls) {
                await(call);
            }
            assertThat(server.maxConcurrentChats()).isEqualTo(2);
            assertThat(server.chatRequests()).isEqualTo(10);
        }
    }

    @Test
    void malformedTruncatedAndEmptyBodiesAreRetriable() throws Exception {
        String[] bodies = {
            "{\"choices\": [{\"message\": {\"content\": \"cut",
            "{\"choices\": []}",
            "<html>oops</html>"
        };
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i < bodies.length
                                                ? new Answer(200, Map.of(), bodies[i], null)
                                                : Answer.ok("good", 1, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).maxAttempts(4).build())) {
            assertThat(await(model.complete(request("q", "a"))).text()).isEqualTo("good");
            assertThat(model.stats().get(0).failures(Kind.BAD_RESPONSE)).isEqualTo(3);
        }
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherReplicaAndNamesTheEndpoint() throws Exception {
        String dead;
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("x", 1, 1, 0))) {
            dead = server.baseUrl();
        }
        try (FakeOpenAiServer live = FakeOpenAiServer.start(i -> Answer.ok("alive", 1, 1, 0));
                OpenAiCompatibleModel model =
                        open(
                                OpenAiCompatibleBinding.builder()
                                        .baseUrls(dead, live.baseUrl())
                                        .model("m")
                                        .apiKey(ApiKeySource.none())
                                        .routing(Routing.ROUND_ROBIN)
                                        .maxAttempts(2)
                                        .backoff(Duration.ofMillis(5), 2, 0, Duration.ofMillis(10))
                                        .build())) {
            for (int i = 0; i < 4; i++) {
                assertThat(await(model.complete(request("q" + i, "a")))).isNotNull();
            }
            EndpointStats refused = model.stats().get(0);
            assertThat(refused.failures(Kind.CONNECT)).isPositive();
            assertThat(refused.endpoint()).isEqualTo(dead);
            assertThat(model.fleetStatus().down()).as("one replica answers").isFalse();
        }
    }

    @Test
    void closeFailsWhatIsQueuedAndInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeOpenAiServer server =
                FakeOpenAiServer.start(i -> Answer.ok("ok", 1, 1, 0).heldUntil(release))) {
            OpenAiCompatibleModel model =
                    open(
                            binding(server)
                                    .concurrencyLimit(
                                            OpenAiCompatibleBinding.ConcurrencyLimit.FIXED)
                                    .initialConcurrency(1)
                                    .maxConcurrency(1)
                                    .build());
            CompletableFuture<ModelCompletion> inFlight = model.complete(request("a", "a"));
            CompletableFuture<ModelCompletion> queued = model.complete(request("b", "b"));
            FakeOpenAiServer.await("one request arrived", () -> server.chatRequests() == 1);
            model.close();
            assertThat(((OpenAiCallException) failure(inFlight)).kind()).isEqualTo(Kind.CLOSED);
            assertThat(((OpenAiCallException) failure(queued)).kind()).isEqualTo(Kind.CLOSED);
            assertThat(((OpenAiCallException) failure(model.complete(request("c", "c")))).kind())
                    .isEqualTo(Kind.CLOSED);
            release.countDown();
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Set<String> violations(JsonNode body) {
        return REQUEST_SCHEMA.validate(body).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.toSet());
    }

    private static JsonSchema schema(String name) {
        try (InputStream in =
                OpenAiCompatibleModelTest.class.getResourceAsStream("/openai/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
