package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.PROSE;
import static dev.triad.model.openai.FleetSupport.assertAllSolved;
import static dev.triad.model.openai.FleetSupport.proseFleet;
import static dev.triad.model.openai.FleetSupport.questions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.CallContext;
import dev.triad.model.ModelRequest;
import dev.triad.model.langchain4j.LangChain4jBinding;
import dev.triad.model.langchain4j.LangChain4jChatModel;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.ReplyParser;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Structured outputs through each langchain4j provider's real client against the simulated server,
 * which honours each format's field (OpenAI {@code response_format}, Ollama {@code format}, Gemini
 * {@code responseMimeType}/{@code responseSchema}, Anthropic {@code output_config.format}): under
 * the default {@code structured=json_schema} an oracle that wraps every reply in prose answers the
 * bare JSON object the strategies parse, and whole lm2 questions are solved; with {@code
 * structured=off} the prose comes back.
 */
class LangChain4jStructuredServerTest {

    private static final Map<String, String> ENV = Map.of("SIM_KEY", "sk-sim-structured-42");

    private static LangChain4jChatModel open(
            String provider, SimulatedServer server, String extra) {
        String v1 = server.baseUrls().get(0).toString();
        String root = v1.substring(0, v1.length() - "/v1".length());
        String baseUrl =
                switch (provider) {
                    case "ollama" -> root;
                    case "gemini" -> root + "/v1beta";
                    default -> v1;
                };
        return LangChain4jBinding.parse(
                        "langchain4j:"
                                + provider
                                + "?base-url="
                                + baseUrl
                                + "&model="
                                + ServerSettings.DEFAULT_MODEL_NAME
                                + "&key-env=SIM_KEY&timeout=20s"
                                + extra)
                .open(0, ENV::get);
    }

    /** The decomposer's first reply to {@code question}: concepts and a first subquestion. */
    private static String firstReply(LangChain4jChatModel model, Question question)
            throws Exception {
        Map<String, Object> inputs = Map.of("question", question.text());
        ModelRequest request =
                new ModelRequest(
                        Lm2Purpose.CONCEPTS_AND_FIRST.role(),
                        PromptLibrary.render("lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs),
                        0.0,
                        512,
                        new CallContext(
                                question, "lm2", Lm2Purpose.CONCEPTS_AND_FIRST, 1, 1, 0, inputs));
        return model.complete(request).get(20, TimeUnit.SECONDS).text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "ollama", "gemini", "anthropic"})
    void aStructuredCallGetsTheBareJsonAndAnUnstructuredOneTheProse(String provider)
            throws Exception {
        List<Question> questions = questions(1);
        try (SimulatedServer server = SimulatedServer.start(proseFleet(questions).build());
                LangChain4jChatModel structured = open(provider, server, "");
                LangChain4jChatModel off = open(provider, server, "&structured=off")) {
            String bare = firstReply(structured, questions.get(0));
            assertThat(bare).startsWith("{").endsWith("}");
            assertThat(ReplyParser.parseObject(bare).has("concepts")).isTrue();
            assertThat(firstReply(off, questions.get(0))).startsWith(PROSE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "gemini", "anthropic"})
    void lm2QuestionsAreSolvedUnderEachProvidersSchema(String provider) throws Exception {
        List<Question> questions = questions(3);
        try (SimulatedServer server = SimulatedServer.start(proseFleet(questions).build());
                LangChain4jChatModel model = open(provider, server, "")) {
            assertAllSolved(
                    FleetSupport.outcomes(new QuestionRunner(model, "lm2").runAll(questions)));
            assertThat(server.stats(0).requests("400"))
                    .as("every schema the provider sent was one the server takes")
                    .isZero();
        }
    }

    @Test
    void aShapeTheRealApiWouldRefuseIsRefused() throws Exception {
        try (SimulatedServer server = SimulatedServer.start(proseFleet(questions(1)).build())) {
            String v1 = server.baseUrls().get(0).toString();
            String root = v1.substring(0, v1.length() - "/v1".length());
            String model = ServerSettings.DEFAULT_MODEL_NAME;

            HttpResponse<String> ollama =
                    post(
                            root + "/api/chat",
                            "{\"model\":\""
                                    + model
                                    + "\",\"stream\":false,\"format\":\"yaml\","
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(ollama.statusCode()).isEqualTo(400);
            assertThat(ollama.body()).contains("invalid format");

            HttpResponse<String> gemini =
                    post(
                            root + "/v1beta/models/" + model + ":generateContent",
                            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                                    + "\"generationConfig\":{\"responseSchema\":"
                                    + "{\"type\":\"OBJECT\"}}}");
            assertThat(gemini.statusCode()).isEqualTo(400);
            assertThat(gemini.body()).contains("response_mime_type");

            HttpResponse<String> anthropic =
                    post(
                            v1 + "/messages",
                            "{\"model\":\""
                                    + model
                                    + "\",\"max_tokens\":16,\"output_config\":{\"format\":"
                                    + "{\"type\":\"json_object\"}},"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(anthropic.statusCode()).isEqualTo(400);
            assertThat(anthropic.body()).contains("output_config.format.type");
        }
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .header("x-api-key", "sk-sim")
                                .header("anthropic-version", "2023-06-01")
                                .header("x-goog-api-key", "sk-sim")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
