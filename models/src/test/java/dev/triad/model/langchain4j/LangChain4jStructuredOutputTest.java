package dev.triad.model.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.model.Role;
import dev.triad.model.openai.StructuredOutput;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Structured outputs through each langchain4j provider's real client: the reply schema ({@link
 * ReplySchema}) as langchain4j's typed schema, where each provider puts it on the wire (recorded by
 * a loopback server), the structured reply read back, the {@code structured=} option, and the
 * advice a refused request gets.
 */
class LangChain4jStructuredOutputTest {

    private static final String SECRET = "sk-test-structured-0123456789";

    /** lm2's verifier: an explanation, then one of the nine classes. */
    private static final CallPurpose VERIFY =
            CallPurpose.of(
                    "verify",
                    Role.VERIFIER,
                    List.of(CallInput.QUESTION, CallInput.SUBQUESTION, CallInput.ANSWER),
                    List.of(ReplyField.EXPLANATION, ReplyField.CLASS));

    /** lm2's decomposer, next step: a subquestion, or done (then the subquestion is null). */
    private static final CallPurpose NEXT =
            CallPurpose.of(
                    "next",
                    Role.DECOMPOSER,
                    List.of(CallInput.QUESTION, CallInput.VERIFIED),
                    List.of(ReplyField.SUBQUESTION, ReplyField.DONE));

    private static final String VERDICT =
            "{\"explanation\":\"2 + 2 is 4\",\"class\":\""
                    + VerifierClass.values()[0].wireName()
                    + "\"}";

    private static ModelRequest request(CallPurpose purpose) {
        Question q = Question.of("q-1", "What is 2 + 2?");
        return new ModelRequest(
                purpose.role(),
                List.of(ChatMessage.system("Reply in JSON."), ChatMessage.user(q.text())),
                0.0,
                128,
                new CallContext(q, "lm2", purpose, 1, 1, 0, Map.of()));
    }

    private static String spec(String provider, RecordingProviderServer server, String extra) {
        return "langchain4j:"
                + provider
                + "?base-url="
                + server.baseUrl(provider)
                + "&model=m&key-env=KEY&timeout=10s"
                + extra;
    }

    private static LangChain4jChatModel open(
            String provider, RecordingProviderServer server, String extra) {
        return LangChain4jBinding.parse(spec(provider, server, extra))
                .open(0, Map.of("KEY", SECRET)::get);
    }

    /** The completion of one {@code purpose} call to {@code provider} under {@code extra}. */
    private static ModelCompletion call(
            String provider, RecordingProviderServer server, String extra, CallPurpose purpose)
            throws Exception {
        try (LangChain4jChatModel model = open(provider, server, extra)) {
            return model.complete(request(purpose)).get(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> classes() {
        List<String> out = new ArrayList<>();
        for (VerifierClass c : VerifierClass.values()) {
            out.add(c.wireName());
        }
        return out;
    }

    @Test
    void theReplySchemaBecomesLangChain4jsTypedSchema() {
        ResponseFormat verify =
                LangChain4jReplySchema.responseFormat(
                        StructuredOutput.JSON_SCHEMA, request(VERIFY).context());
        assertThat(verify.type()).isEqualTo(ResponseFormatType.JSON);
        assertThat(verify.jsonSchema().name()).isEqualTo("lm2_verify");
        JsonObjectSchema root = (JsonObjectSchema) verify.jsonSchema().rootElement();
        assertThat(root.properties()).containsOnlyKeys("explanation", "class");
        assertThat(root.required()).containsExactly("explanation", "class");
        assertThat(root.additionalProperties()).isFalse();
        assertThat(root.properties().get("explanation")).isInstanceOf(JsonStringSchema.class);
        assertThat(((JsonEnumSchema) root.properties().get("class")).enumValues())
                .containsExactlyElementsOf(classes());

        JsonObjectSchema next =
                (JsonObjectSchema)
                        LangChain4jReplySchema.responseFormat(
                                        StructuredOutput.JSON_SCHEMA, request(NEXT).context())
                                .jsonSchema()
                                .rootElement();
        assertThat(((JsonAnyOfSchema) next.properties().get("subquestion")).anyOf())
                .as("{\"done\": true} carries no subquestion")
                .hasExactlyElementsOfTypes(JsonStringSchema.class, JsonNullSchema.class);
        assertThat(next.properties().get("done")).isInstanceOf(JsonBooleanSchema.class);

        JsonObjectSchema first =
                (JsonObjectSchema)
                        LangChain4jReplySchema.element(
                                ReplySchema.of(
                                        List.of(ReplyField.CONCEPTS, ReplyField.SUBQUESTION)));
        JsonArraySchema concepts = (JsonArraySchema) first.properties().get("concepts");
        assertThat(concepts.items()).isInstanceOf(JsonStringSchema.class);

        assertThat(
                        LangChain4jReplySchema.responseFormat(
                                StructuredOutput.JSON_OBJECT, request(VERIFY).context()))
                .isEqualTo(ResponseFormat.JSON);
        assertThat(
                        LangChain4jReplySchema.responseFormat(
                                StructuredOutput.OFF, request(VERIFY).context()))
                .isNull();
        assertThat(LangChain4jReplySchema.responseFormat(StructuredOutput.JSON_SCHEMA, null))
                .as("a call without a purpose asks for no shape")
                .isNull();
    }

    @Test
    void openAiGetsTheSameStrictJsonSchemaAsTheOpenAiClientSends() throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            ModelCompletion c = call("openai", server, "", VERIFY);

            JsonNode format = server.onlyBody().path("response_format");
            assertThat(format.path("type").asText()).isEqualTo("json_schema");
            assertThat(format.path("json_schema").path("name").asText()).isEqualTo("lm2_verify");
            assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
            assertThat(format.path("json_schema").path("schema"))
                    .as("byte for byte the schema the openai: binding sends")
                    .isEqualTo(ReplySchema.of(VERIFY.replyFields()));
            assertReadBack(c);
        }
    }

    @Test
    void openAiNullableFieldsGoAsAnyOfWithNull() throws Exception {
        try (RecordingProviderServer server =
                RecordingProviderServer.replying("{\"subquestion\":null,\"done\":true}")) {
            ModelCompletion c = call("openai", server, "", NEXT);

            JsonNode schema =
                    server.onlyBody().path("response_format").path("json_schema").path("schema");
            assertThat(texts(schema.path("required"))).containsExactly("subquestion", "done");
            assertThat(schema.path("properties").path("subquestion").path("anyOf").toString())
                    .isEqualTo("[{\"type\":\"string\"},{\"type\":\"null\"}]");
            assertThat(Json.mapper().readTree(c.text()).path("done").asBoolean()).isTrue();
        }
    }

    @Test
    void ollamaGetsTheSchemaAsFormat() throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            ModelCompletion c = call("ollama", server, "", VERIFY);

            JsonNode format = server.onlyBody().path("format");
            assertThat(format.path("type").asText()).isEqualTo("object");
            assertThat(texts(format.path("required"))).containsExactly("explanation", "class");
            assertThat(format.path("properties").path("explanation").path("type").asText())
                    .isEqualTo("string");
            assertThat(texts(format.path("properties").path("class").path("enum")))
                    .containsExactlyElementsOf(classes());
            assertReadBack(c);
        }
    }

    @Test
    void geminiGetsTheSchemaAsResponseSchema() throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            ModelCompletion c = call("gemini", server, "", VERIFY);

            JsonNode config = server.onlyBody().path("generationConfig");
            assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
            JsonNode schema = config.path("responseSchema");
            assertThat(schema.path("type").asText()).isEqualToIgnoringCase("object");
            assertThat(texts(schema.path("required"))).containsExactly("explanation", "class");
            assertThat(texts(schema.path("properties").path("class").path("enum")))
                    .containsExactlyElementsOf(classes());
            assertReadBack(c);
        }
    }

    @Test
    void anthropicGetsTheSchemaAsOutputConfigFormat() throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            ModelCompletion c = call("anthropic", server, "", VERIFY);

            JsonNode format = server.onlyBody().path("output_config").path("format");
            assertThat(format.path("type").asText()).isEqualTo("json_schema");
            JsonNode schema = format.path("schema");
            assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
            assertThat(texts(schema.path("required"))).containsExactly("explanation", "class");
            assertThat(texts(schema.path("properties").path("class").path("enum")))
                    .containsExactlyElementsOf(classes());
            assertReadBack(c);
        }
    }

    /** The structured reply comes back as the completion's text, the object asked for. */
    private static void assertReadBack(ModelCompletion c) throws Exception {
        JsonNode reply = Json.mapper().readTree(c.text());
        assertThat(reply.path("class").asText()).isEqualTo(VerifierClass.values()[0].wireName());
        assertThat(reply.path("explanation").asText()).isEqualTo("2 + 2 is 4");
        assertThat(c.promptTokens()).isEqualTo(11);
        assertThat(c.completionTokens()).isEqualTo(7);
    }

    @Test
    void jsonObjectAsksForJsonWithoutASchema() throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            call("openai", server, "&structured=json_object", VERIFY);
            call("ollama", server, "&structured=json_object", VERIFY);
            call("gemini", server, "&structured=json_object", VERIFY);

            assertThat(server.received.get(0).json().path("response_format").toString())
                    .isEqualTo("{\"type\":\"json_object\"}");
            assertThat(server.received.get(1).json().path("format").asText()).isEqualTo("json");
            JsonNode gemini = server.received.get(2).json().path("generationConfig");
            assertThat(gemini.path("responseMimeType").asText()).isEqualTo("application/json");
            assertThat(gemini.has("responseSchema")).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "ollama", "gemini", "anthropic"})
    void offSendsNoShape(String provider) throws Exception {
        try (RecordingProviderServer server = RecordingProviderServer.replying(VERDICT)) {
            ModelCompletion c = call(provider, server, "&structured=off", VERIFY);

            JsonNode body = server.onlyBody();
            assertThat(body.has("response_format")).isFalse();
            assertThat(body.has("format")).isFalse();
            assertThat(body.path("generationConfig").has("responseSchema")).isFalse();
            assertThat(body.path("generationConfig").path("responseMimeType").asText(""))
                    .isNotEqualTo("application/json");
            assertThat(body.has("output_config")).isFalse();
            assertThat(c.text()).isEqualTo(VERDICT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "ollama", "gemini", "anthropic"})
    void aRefusedSchemaNamesTheOptionAndIsNotRetried(String provider) throws Exception {
        try (RecordingProviderServer server =
                        RecordingProviderServer.refusing(
                                400, "Invalid schema for response format: 'anyOf' not supported");
                LangChain4jChatModel model = open(provider, server, "")) {
            ModelCallException e = failure(model);

            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .contains("langchain4j:" + provider + "@")
                    .contains("400")
                    .contains("'anyOf' not supported")
                    .contains("structured=json_schema")
                    .contains("set structured=json_object")
                    .contains("structured=off")
                    .doesNotContain(SECRET);
            assertThat(server.received).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "&structured=off"})
    void anInvalidRequestThatDoesNotNameTheShapeGetsTheGeneralAdvice(String extra)
            throws Exception {
        try (RecordingProviderServer server =
                        RecordingProviderServer.refusing(
                                400, "This model's maximum context length is 4096 tokens");
                LangChain4jChatModel model = open("openai", server, extra)) {
            assertThat(failure(model).getMessage())
                    .contains("refused as invalid")
                    .contains("shorten the question")
                    .doesNotContain("structured=");
        }
    }

    @Test
    void offNeverBlamesTheShape() throws Exception {
        try (RecordingProviderServer server =
                        RecordingProviderServer.refusing(
                                400, "Invalid schema for response format");
                LangChain4jChatModel model = open("ollama", server, "&structured=off")) {
            assertThat(failure(model).getMessage()).doesNotContain("structured=");
        }
    }

    private static ModelCallException failure(LangChain4jChatModel model) throws Exception {
        try {
            model.complete(request(VERIFY)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ModelCallException.class);
            return (ModelCallException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void theOptionParsesRoundTripsAndIsRefusedWhereTheProviderHasNoSuchMode() {
        LangChain4jBinding b = LangChain4jBinding.parse("ollama?model=qwen3:8b");
        assertThat(b.structured()).isEqualTo(StructuredOutput.JSON_SCHEMA);
        assertThat(b.describe()).isEqualTo("langchain4j:ollama?model=qwen3:8b");

        LangChain4jBinding off = LangChain4jBinding.parse("ollama?model=qwen3:8b&structured=off");
        assertThat(off.structured()).isEqualTo(StructuredOutput.OFF);
        assertThat(off.describe()).isEqualTo("langchain4j:ollama?model=qwen3:8b&structured=off");
        assertThat(LangChain4jBinding.parse(off.describe())).isEqualTo(off).isNotEqualTo(b);

        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&structured=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("structured")
                .hasMessageContaining("json_schema");
        assertThatThrownBy(
                        () ->
                                LangChain4jBinding.parse(
                                        "anthropic?model=claude-sonnet-4-5&structured=json_object"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "structured=json_object is not available for" + " langchain4j:anthropic")
                .hasMessageContaining("structured=json_schema (the default) or structured=off");
        assertThat(
                        LangChain4jBinding.parse("anthropic?model=claude-sonnet-4-5&structured=off")
                                .structured())
                .isEqualTo(StructuredOutput.OFF);
    }
}
