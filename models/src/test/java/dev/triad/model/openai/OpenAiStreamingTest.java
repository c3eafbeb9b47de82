package dev.triad.model.openai;

import static dev.triad.model.openai.OpenAiCompatibleModelTest.await;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.binding;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.failure;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.open;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import dev.triad.model.openai.OpenAiCallException.Kind;
import dev.triad.schemas.Json;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code stream=true} against a scripted endpoint: what the client asks for, how it reads
 * server-sent events (line endings, comments, split data lines, the usage chunk), what it records
 * as the time to first token, and how each broken stream is mapped.
 */
class OpenAiStreamingTest {

    private static final Map<String, String> EVENT_STREAM =
            Map.of("Content-Type", "text/event-stream; charset=utf-8");

    /** A chunk with a content delta of choice 0 (and a finish reason when not null). */
    static String chunk(String content, String finishReason) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                + FakeOpenAiServer.MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":{"
                + (content == null ? "" : "\"content\":" + Json.write(content))
                + "},\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"")
                + "}]}";
    }

    static String usageChunk(int prompt, int completion, int cached) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                + FakeOpenAiServer.MODEL
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + prompt
                + ",\"completion_tokens\":"
                + completion
                + ",\"total_tokens\":"
                + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                + cached
                + "}}}";
    }

    static Answer stream(String body) {
        return new Answer(200, EVENT_STREAM, body, null);
    }

    private static String streamOf(String content) {
        return "data: "
                + chunk(content, null)
                + "\n\ndata: "
                + chunk(null, "stop")
                + "\n\ndata: "
                + usageChunk(3, 2, 0)
                + "\n\ndata: [DONE]\n\n";
    }

    @Test
    void aStreamWithoutAFirstTokenInTimeIsAbandonedAndRetried() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i == 0
                                                ? stream(streamOf("late")).heldUntil(never)
                                                : stream(streamOf("in time")));
                OpenAiCompatibleModel model =
                        open(
                                binding(server).stream(true)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .firstTokenTimeout(Duration.ofMillis(300))
                                        .build())) {
            ModelCompletion completion = await(model.complete(request("q", "a")));

            assertThat(completion.text()).isEqualTo("in time");
            assertThat(model.stats().get(0).failures(OpenAiCallException.Kind.TIMEOUT))
                    .isEqualTo(1);
            assertThat(model.retries()).isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aStreamThatGoesQuietMidWayIsAbandonedAndRetried() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        String body = streamOf("whole");
        int afterFirstChunk = body.indexOf("\n\n") + 2;
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        i == 0
                                                ? stream(body).pausedAfter(afterFirstChunk, never)
                                                : stream(body));
                OpenAiCompatibleModel model =
                        open(
                                binding(server).stream(true)
                                        .callTimeout(Duration.ofSeconds(60))
                                        .idleTimeout(Duration.ofMillis(300))
                                        .build())) {
            ModelCompletion completion = await(model.complete(request("q", "a")));

            assertThat(completion.text()).isEqualTo("whole");
            assertThat(model.retries()).isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void asksForAStreamWithUsageAndJoinsTheDeltas() throws Exception {
        // CRLF line ends, a keep-alive comment, an event: field, and one chunk split over two
        // data lines (joined with a newline, which JSON ignores between tokens).
        String body =
                ": keep-alive\r\n\r\n"
                        + "data: "
                        + chunk("", null)
                                .replace("\"delta\":{", "\"delta\":{\"role\":\"assistant\",")
                        + "\r\n\r\n"
                        + "event: message\r\ndata: "
                        + chunk("{\"answer\": ", null)
                        + "\r\n\r\n"
                        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\r\n"
                        + "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\\"4\\\"}\"},"
                        + "\"finish_reason\":null}]}\r\n\r\n"
                        + "data: "
                        + chunk(null, "stop")
                        + "\r\n\r\n"
                        + "data: "
                        + usageChunk(31, 7, 16)
                        + "\r\n\r\n"
                        + "data: [DONE]\r\n\r\n";
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> stream(body));
                OpenAiCompatibleModel model = open(binding(server).stream(true).build())) {
            ModelCompletion completion = await(model.complete(request("q1", "2 + 2?")));

            assertThat(completion.text()).isEqualTo("{\"answer\": \"4\"}");
            assertThat(completion.promptTokens()).isEqualTo(31);
            assertThat(completion.completionTokens()).isEqualTo(7);
            assertThat(completion.cachedTokens()).isEqualTo(16);

            JsonNode sent = Json.mapper().readTree(server.chatsReceived().get(0).body());
            assertThat(OpenAiCompatibleModelTest.violations(sent)).isEmpty();
            assertThat(sent.path("stream").asBoolean()).isTrue();
            assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();

            EndpointStats stats = model.stats().get(0);
            assertThat(stats.streamed()).isEqualTo(1);
            assertThat(stats.timeToFirstToken().count()).isEqualTo(1);
            assertThat(stats.latency().count()).isEqualTo(1);
            assertThat(stats.timeToFirstToken().maxMillis())
                    .isLessThanOrEqualTo(stats.latency().maxMillis());
        }
    }

    @Test
    void aPlainCallRecordsLatencyButNoTimeToFirstToken() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("4", 3, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).build())) {
            await(model.complete(request("q1", "2 + 2?")));

            EndpointStats stats = model.stats().get(0);
            assertThat(stats.streamed()).isZero();
            assertThat(stats.latency().count()).isEqualTo(1);
            assertThat(stats.timeToFirstToken().count()).isZero();
            JsonNode sent = Json.mapper().readTree(server.chatsReceived().get(0).body());
            assertThat(sent.has("stream_options")).isFalse();
        }
    }

    @Test
    void aServerThatIgnoresStreamTrueIsReadAsOneCompletion() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("4", 3, 1, 0));
                OpenAiCompatibleModel model = open(binding(server).stream(true).build())) {
            ModelCompletion completion = await(model.complete(request("q1", "2 + 2?")));

            assertThat(completion.text()).isEqualTo("4");
            assertThat(completion.promptTokens()).isEqualTo(3);
            assertThat(model.stats().get(0).streamed()).isZero();
        }
    }

    @Test
    void brokenStreamsAreRetriableAndNamedForWhatBroke() throws Exception {
        String good =
                "data: "
                        + chunk("ok", "stop")
                        + "\n\ndata: "
                        + usageChunk(2, 1, 0)
                        + "\n\n"
                        + "data: [DONE]\n\n";
        String[] broken = {
            // a chunk cut in the middle of its JSON
            "data: " + chunk("a", null) + "\n\ndata: {\"choices\": [{\"delta\": {\"content\": \n\n",
            // the stream stops before its last chunk and [DONE]
            "data: " + chunk("a", null) + "\n\ndata: " + chunk("b", null) + "\n\n",
            // no chunk has a choice
            "data: {\"id\":\"c1\",\"choices\":[]}\n\ndata: "
                    + usageChunk(2, 1, 0)
                    + "\n\ndata: [DONE]\n\n",
            // an error sent after the 200
            "data: "
                    + chunk("a", null)
                    + "\n\ndata: {\"error\": {\"message\": \"engine died\", \"code\": 500}}\n\n"
        };
        String[] why = {
            "stream chunk 2 is not valid JSON",
            "the stream ended after 2 chunk(s) with neither a finish_reason nor data: [DONE]",
            "no chunk of the stream had a choice",
            "ended with an error (the server said: engine died)"
        };
        Kind[] kinds = {Kind.BAD_RESPONSE, Kind.BAD_RESPONSE, Kind.BAD_RESPONSE, Kind.SERVER_ERROR};
        for (int b = 0; b < broken.length; b++) {
            String body = broken[b];
            // Tried once: the error says what broke.
            try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> stream(body));
                    OpenAiCompatibleModel model =
                            open(binding(server).stream(true).maxAttempts(1).build())) {
                ModelCallException e = failure(model.complete(request("q", "a")));
                assertThat(e.getMessage()).as("broken stream %d", b).contains(why[b]);
                assertThat(model.stats().get(0).failures(kinds[b])).isEqualTo(1);
            }
            // Tried again: the next, good stream answers.
            try (FakeOpenAiServer server =
                            FakeOpenAiServer.start(i -> stream(i == 0 ? body : good));
                    OpenAiCompatibleModel model =
                            open(binding(server).stream(true).maxAttempts(2).build())) {
                assertThat(await(model.complete(request("q", "a"))).text()).isEqualTo("ok");
                assertThat(server.chatRequests()).isEqualTo(2);
            }
        }
    }

    @Test
    void anErrorStatusToAStreamedCallIsMappedAsUsual() throws Exception {
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(i -> Answer.status(401, "Incorrect API key"));
                OpenAiCompatibleModel model = open(binding(server).stream(true).build())) {
            ModelCallException e = failure(model.complete(request("q", "a")));
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .startsWith("401 from " + server.baseUrl())
                    .contains("Incorrect API key");
            assertThat(server.chatRequests()).isEqualTo(1);
        }
    }
}
