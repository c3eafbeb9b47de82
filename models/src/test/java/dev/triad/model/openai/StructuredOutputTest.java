package dev.triad.model.openai;

import static dev.triad.model.openai.OpenAiCompatibleModelTest.binding;
import static dev.triad.model.openai.OpenAiCompatibleModelTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.ModelErrors;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import dev.triad.schemas.Json;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Structured outputs: the reply schema each call's purpose makes ({@link ReplySchema}), how it goes
 * on the wire as {@code response_format} ({@code structured=}), the {@code max-tokens} cap, and the
 * advice a refused request gets.
 */
class StructuredOutputTest {

    @Test
    void theReplySchemaIsOneOpenAisStrictModeAccepts() {
        for (List<ReplyField> fields :
                List.of(
                        List.of(ReplyField.CONCEPTS, ReplyField.SUBQUESTION),
                        List.of(ReplyField.SUBQUESTION, ReplyField.DONE),
                        List.of(ReplyField.REASONING, ReplyField.ANSWER),
                        List.of(ReplyField.EXPLANATION, ReplyField.CLASS),
                        List.of(ReplyField.SUBQUESTIONS))) {
            ObjectNode schema = ReplySchema.of(fields);
            assertThat(schema.path("type").asText()).isEqualTo("object");
            assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            List<String> properties = new ArrayList<>();
            schema.path("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(required)
                    .containsExactlyElementsOf(fields.stream().map(ReplyField::key).toList());
            assertThat(properties).containsExactlyElementsOf(required);
            assertThat(schema.toString()).doesNotContain("maxLength", "maxItems");
        }
    }

    @Test
    void fieldsAreTypedAsTheStrategiesReadThem() {
        ObjectNode verify = ReplySchema.of(List.of(ReplyField.EXPLANATION, ReplyField.CLASS));
        JsonNode classes = verify.path("properties").path("class").path("enum");
        assertThat(classes).hasSize(VerifierClass.values().length);
        assertThat(classes.toString()).contains("\"no_mistake\"", "\"conceptual_mistake\"");

        ObjectNode next = ReplySchema.of(List.of(ReplyField.SUBQUESTION, ReplyField.DONE));
        assertThat(next.path("properties").path("subquestion").path("type").toString())
                .as("{\"done\": true} has no subquestion: null in strict mode")
                .isEqualTo("[\"string\",\"null\"]");
        assertThat(next.path("properties").path("done").path("type").asText()).isEqualTo("boolean");

        ObjectNode first = ReplySchema.of(List.of(ReplyField.CONCEPTS, ReplyField.SUBQUESTION));
        assertThat(first.path("properties").path("concepts").path("type").asText())
                .isEqualTo("array");
        assertThat(first.path("properties").path("subquestion").path("type").asText())
                .isEqualTo("string");
    }

    @Test
    void boundsGoOnEveryStringAndList() {
        ObjectNode schema =
                ReplySchema.of(List.of(ReplyField.CONCEPTS, ReplyField.SUBQUESTION), 24, 3);
        JsonNode concepts = schema.path("properties").path("concepts");
        assertThat(concepts.path("maxItems").asInt()).isEqualTo(3);
        assertThat(concepts.path("items").path("maxLength").asInt()).isEqualTo(24);
        assertThat(concepts.path("items").path("minLength").asInt()).isEqualTo(1);
        assertThat(schema.path("properties").path("subquestion").path("maxLength").asInt())
                .isEqualTo(24);
        assertThat(ReplySchema.name("lm2", "verify")).isEqualTo("lm2_verify");
        assertThat(ReplySchema.name("my strategy", "a.b")).isEqualTo("my_strategy_a_b");
    }

    @Test
    void theDefaultSendsTheReplySchemaAsStrictJsonSchema() throws Exception {
        JsonNode body = sentBody(null);
        JsonNode format = body.path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("cot_cot");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema"))
                .isEqualTo(ReplySchema.of(List.of(ReplyField.ANSWER)));
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
    }

    @Test
    void jsonObjectAndOffAndTheTokenCapAreSentAsAsked() throws Exception {
        assertThat(sentBody("structured=json_object").path("response_format").toString())
                .isEqualTo("{\"type\":\"json_object\"}");
        JsonNode off = sentBody("structured=off&max-tokens=64");
        assertThat(off.has("response_format")).isFalse();
        assertThat(off.path("max_tokens").asInt()).isEqualTo(64);
        JsonNode bounded = sentBody("max-chars=20&max-items=2&max-tokens=1000");
        assertThat(
                        bounded.path("response_format")
                                .path("json_schema")
                                .path("schema")
                                .path("properties")
                                .path("answer")
                                .path("maxLength")
                                .asInt())
                .isEqualTo(20);
        assertThat(bounded.path("max_tokens").asInt()).as("below the cap").isEqualTo(256);
    }

    @Test
    void optionsRoundTripAndBadOnesNameTheRule() {
        OpenAiCompatibleBinding b =
                OpenAiCompatibleBinding.parse(
                        "http://a/v1?structured=json_schema&max-chars=20&max-items=2&max-tokens=64");
        assertThat(b.structured()).isEqualTo(StructuredOutput.JSON_SCHEMA);
        assertThat(b.describe())
                .isEqualTo("openai:http://a/v1?max-chars=20&max-items=2&max-tokens=64");
        assertThat(OpenAiCompatibleBinding.parse(b.describe().substring(7))).isEqualTo(b);
        assertThat(OpenAiCompatibleBinding.parse("http://a/v1").structured())
                .isEqualTo(StructuredOutput.JSON_SCHEMA);
        assertThat(OpenAiCompatibleBinding.parse("http://a/v1?structured=off").describe())
                .isEqualTo("openai:http://a/v1?structured=off");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?structured=yes"))
                .hasMessageContaining("structured")
                .hasMessageContaining("json_schema");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?max-tokens=-1"))
                .hasMessageContaining("max-tokens");
        assertThatThrownBy(
                        () ->
                                OpenAiCompatibleBinding.parse(
                                        "http://a/v1?structured=off&max-chars=20"))
                .hasMessageContaining("structured=json_schema");
    }

    @Test
    void aRefusedResponseFormatNamesTheOptionAndIsNotRetried() throws Exception {
        try (FakeOpenAiServer server =
                        FakeOpenAiServer.start(
                                i ->
                                        Answer.status(
                                                400,
                                                "response_format json_schema is not supported"));
                OpenAiCompatibleModel model =
                        binding(server).maxAttempts(3).build().open(0, k -> null)) {
            assertThatThrownBy(() -> model.complete(request("q", "x")).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(
                            e ->
                                    assertThat(ModelErrors.unwrap(e).getMessage())
                                            .contains(
                                                    "not supported",
                                                    "structured=json_object",
                                                    "structured=off"));
            assertThat(server.chatsReceived()).hasSize(1);
        }
    }

    @Test
    void aContextOverflowSaysWhatToChange() {
        assertThat(
                        OpenAiErrors.invalidAdvice(
                                "request (6019 tokens) exceeds the available context size (4096"
                                        + " tokens), try increasing it"))
                .contains("llama-server -c", "--max-model-len", "max-tokens=N");
        assertThat(
                        OpenAiErrors.invalidAdvice(
                                "This model's maximum context length is 4096 tokens. However, you"
                                        + " requested 5000 tokens"))
                .contains("larger context");
        assertThat(OpenAiErrors.invalidAdvice("temperature must be positive"))
                .doesNotContain("structured=");
    }

    /** The body the client sends for one call under {@code params}. */
    private static JsonNode sentBody(String params) throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(i -> Answer.ok("{}", 1, 1, 0))) {
            OpenAiCompatibleBinding.Builder b = binding(server);
            if (params != null) {
                OpenAiCompatibleBinding parsed =
                        OpenAiCompatibleBinding.parse(server.baseUrl() + "?" + params);
                b.structured(parsed.structured())
                        .maxChars(parsed.maxChars())
                        .maxItems(parsed.maxItems())
                        .maxTokens(parsed.maxTokens());
            }
            try (OpenAiCompatibleModel model = b.build().open(0, k -> null)) {
                ModelRequest request = request("q", "2 + 2?");
                model.complete(request).get(10, TimeUnit.SECONDS);
            }
            return Json.mapper().readTree(server.chatsReceived().get(0).body());
        }
    }
}
