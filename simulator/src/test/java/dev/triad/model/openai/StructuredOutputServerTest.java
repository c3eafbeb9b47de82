package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.PROSE;
import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.proseFleet;
import static dev.triad.model.openai.FleetSupport.questions;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallContext;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.ReplyParser;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.SimulatedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The simulated server honours {@code response_format}: a structured request gets the bare JSON
 * object even from an oracle that wraps every reply in prose, a strict schema OpenAI would refuse
 * is refused with 400, and the {@code unstructured} fault answers as a server that ignores the
 * field.
 */
class StructuredOutputServerTest {

    @Test
    void aStructuredRequestGetsTheBareJsonAndAnUnstructuredOneTheProse() throws Exception {
        List<Question> questions = questions(1);
        try (SimulatedServer server = SimulatedServer.start(proseFleet(questions).build());
                OpenAiCompatibleModel structured = open(binding(server).build());
                OpenAiCompatibleModel off =
                        open(binding(server).structured(StructuredOutput.OFF).build())) {
            String bare = reply(structured, questions.get(0));
            assertThat(bare).startsWith("{").endsWith("}");
            assertThat(ReplyParser.parseObject(bare).has("concepts")).isTrue();
            assertThat(reply(off, questions.get(0))).startsWith(PROSE);
        }
    }

    @Test
    void theUnstructuredFaultIgnoresTheField() throws Exception {
        List<Question> questions = questions(1);
        try (SimulatedServer server =
                        SimulatedServer.start(
                                proseFleet(questions)
                                        .faults(FaultType.UNSTRUCTURED)
                                        .faultRate(1.0)
                                        .build());
                OpenAiCompatibleModel model = open(binding(server).build())) {
            String text = reply(model, questions.get(0));
            assertThat(text).doesNotStartWith("{");
            assertThat(ReplyParser.parseObject(text).has("concepts"))
                    .as("still the oracle's JSON, after prose")
                    .isTrue();
        }
        assertThat(FaultType.parse("unstructured")).isEqualTo(FaultType.UNSTRUCTURED);
        assertThat(FaultType.all()).doesNotContain(FaultType.UNSTRUCTURED);
    }

    @Test
    void aStrictSchemaOpenAiWouldRefuseIsRefused() throws Exception {
        ObjectNode open = ReplySchema.of(List.of(ReplyField.REASONING, ReplyField.ANSWER));
        open.remove("additionalProperties");
        ObjectNode missing = ReplySchema.of(List.of(ReplyField.REASONING, ReplyField.ANSWER));
        missing.putArray("required").add("answer");
        ObjectNode nested = ReplySchema.of(List.of(ReplyField.ANSWER));
        ((ObjectNode) nested.path("properties")).putObject("extra").put("type", "object");
        ((ArrayNode) nested.get("required")).add("extra");
        try (SimulatedServer server = SimulatedServer.start(zeroFleet(1, questions(1)).build())) {
            HttpResponse<String> refused = post(server, format("answer", open, true));
            assertThat(refused.statusCode()).isEqualTo(400);
            JsonNode error = Json.mapper().readTree(refused.body()).path("error");
            assertThat(error.path("message").asText())
                    .contains(
                            "Invalid schema for response_format 'answer'", "additionalProperties");
            assertThat(error.path("param").asText()).isEqualTo("response_format");

            assertThat(post(server, format("answer", missing, true)).body())
                    .contains("'required'", "Missing 'reasoning'");
            assertThat(post(server, format("answer", nested, true)).body())
                    .contains("'/extra'", "additionalProperties");
            assertThat(post(server, format("bad name!", missing, false)).statusCode())
                    .isEqualTo(400);
            assertThat(post(server, format("answer", missing, false)).statusCode())
                    .as("not strict: any schema")
                    .isEqualTo(200);
            assertThat(
                            post(
                                            server,
                                            ChatWire.responseFormat(
                                                    StructuredOutput.JSON_SCHEMA,
                                                    "lm2_verify",
                                                    Lm2Purpose.VERIFY.replyFields(),
                                                    24,
                                                    2))
                                    .statusCode())
                    .as("Triad's own schema")
                    .isEqualTo(200);
        }
    }

    private static JsonNode format(String name, ObjectNode schema, boolean strict) {
        ObjectNode format = Json.mapper().createObjectNode().put("type", "json_schema");
        format.putObject("json_schema")
                .put("name", name)
                .put("strict", strict)
                .set("schema", schema);
        return format;
    }

    private static HttpResponse<String> post(SimulatedServer server, JsonNode format)
            throws Exception {
        ObjectNode body = Json.mapper().createObjectNode().put("model", "triad-sim");
        body.putArray("messages").addObject().put("role", "user").put("content", "2 + 2?");
        body.set("response_format", format);
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(server.baseUrls().get(0) + "/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String reply(OpenAiCompatibleModel model, Question question) throws Exception {
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
}
