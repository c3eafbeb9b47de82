package dev.triad.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON Schema files and the Java records describe the same JSON: records written by {@link
 * Json} validate, records that break the contract do not, and records survive a round trip.
 */
class SchemaContractTest {

    private static final JsonSchemaFactory FACTORY =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    // ---- the files -------------------------------------------------------------------------

    @Test
    void everySchemaIsADraft202012DocumentOnTheClasspath() throws Exception {
        assertThat(Schemas.names()).containsExactly("question", "result", "dead-letter");
        for (String name : Schemas.names()) {
            assertThat(Schemas.url(name).toString()).endsWith("schemas/" + name + ".schema.json");
            JsonNode schema = Json.mapper().readTree(Schemas.text(name));
            assertThat(schema.path("$schema").asText())
                    .isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(FACTORY.getSchema(Schemas.text(name))).isNotNull();
        }
    }

    @Test
    void unknownSchemaNameSaysWhichNamesExist() {
        assertThatThrownBy(() -> Schemas.text("results"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'results'")
                .hasMessageContaining("question, result, dead-letter");
    }

    @Test
    void enumsInTheSchemaAreExactlyTheJavaEnums() throws Exception {
        JsonNode result = Json.mapper().readTree(Schemas.text(Schemas.RESULT));
        assertThat(strings(result.at("/properties/status/enum")))
                .containsExactlyElementsOf(
                        Arrays.stream(Status.values()).map(Status::name).toList());
        assertThat(strings(result.at("/$defs/verdict/properties/class/enum")))
                .containsExactlyElementsOf(
                        Arrays.stream(VerifierClass.values())
                                .map(VerifierClass::wireName)
                                .toList());
    }

    // ---- Result ----------------------------------------------------------------------------

    @Test
    void solvedResultWithStepsAndVerdictsIsValid() {
        String json = Json.write(solved());

        assertThat(validate(Schemas.RESULT, json)).isEmpty();
        assertThat(json)
                .contains("\"status\":\"SOLVED\"")
                .contains("\"verdict\":{\"class\":\"conceptual_mistake\"")
                .contains("\"promptTokens\":410")
                .doesNotContain("\"reason\"")
                .doesNotContain("\"raw\"")
                .doesNotContain("null");
    }

    @Test
    void failedResultWithRawReplyAndNoGoldIsValid() {
        String json = Json.write(failed());

        assertThat(validate(Schemas.RESULT, json)).isEmpty();
        assertThat(json)
                .contains("\"status\":\"FAILED\"")
                .contains("\"raw\":\"I think the answer")
                .doesNotContain("\"gold\"")
                .doesNotContain("\"correct\"")
                .doesNotContain("\"answer\"")
                .doesNotContain("null");
    }

    @Test
    void everyVerifierClassIsValidAndAVerdictWithoutExplanationOmitsIt() {
        for (VerifierClass c : VerifierClass.values()) {
            Result r =
                    withSteps(List.of(new Step(1, 1, "q", "a", new Verdict(c, null), true, null)));
            assertThat(validate(Schemas.RESULT, Json.write(r))).as(c.wireName()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "strategy", "status", "simulated", "steps", "usage"})
    void resultWithoutARequiredFieldIsInvalid(String field) {
        ObjectNode json = tree(solved());
        json.remove(field);

        assertThat(messages(validate(Schemas.RESULT, json))).anyMatch(m -> m.contains(field));
    }

    @Test
    void resultWithAnUnknownStatusIsInvalid() {
        ObjectNode json = tree(solved());
        json.put("status", "DONE");

        assertThat(messages(validate(Schemas.RESULT, json))).anyMatch(m -> m.contains("status"));
    }

    @Test
    void resultsThatBreakOtherRulesAreInvalid() {
        assertInvalid(Schemas.RESULT, solved(), j -> j.put("simulated", "yes"), "simulated");
        assertInvalid(Schemas.RESULT, solved(), j -> j.put("strategy", ""), "strategy");
        assertInvalid(Schemas.RESULT, solved(), j -> j.put("latencyMs", -1), "latencyMs");
        assertInvalid(Schemas.RESULT, solved(), j -> j.put("verifierClass", "x"), "verifierClass");
        assertInvalid(Schemas.RESULT, failed(), j -> j.remove("reason"), "reason");
        assertInvalid(Schemas.RESULT, solved(), j -> j.remove("gold"), "gold");
        assertInvalid(
                Schemas.RESULT,
                solved(),
                j -> ((ObjectNode) j.at("/steps/0/verdict")).put("class", "typo_mistake"),
                "class");
        assertInvalid(
                Schemas.RESULT,
                solved(),
                j -> ((ObjectNode) j.at("/steps/0")).put("index", 0),
                "index");
        assertInvalid(
                Schemas.RESULT,
                solved(),
                j -> ((ObjectNode) j.at("/usage/solver")).remove("cachedTokens"),
                "cachedTokens");
        assertInvalid(
                Schemas.RESULT,
                solved(),
                j -> ((ObjectNode) j.at("/metadata")).put("level", 2),
                "level");
    }

    @Test
    void resultsSurviveARoundTrip() {
        for (Result r : List.of(solved(), failed(), priced())) {
            assertThat(Json.read(Json.write(r), Result.class)).isEqualTo(r);
        }
    }

    @Test
    void aPricedResultWithReplicasIsValidAndNamesEachReplica() {
        String json = Json.write(priced());

        assertThat(validate(Schemas.RESULT, json)).isEmpty();
        assertThat(json)
                .contains("\"replicas\":{\"http://gpu-1:8000/v1\":2,\"http://gpu-2:8000/v1\":1}")
                .contains("\"cost\":0.00125}")
                .contains("\"cost\":0.0025");
    }

    @Test
    void usageWithoutReplicasOrCostLeavesBothFieldsOut() {
        String json = Json.write(solved());

        assertThat(json).doesNotContain("replicas").doesNotContain("cost");
        assertThat(solved().usage().get("solver").replicas()).isEmpty();
        assertThat(solved().usage().get("solver").cost()).isNull();
    }

    @Test
    void aResultWrittenBeforeReplicasAndCostReadsBackWithTheirDefaults() {
        // A line as Triad wrote it before usage carried replicas and cost.
        String old =
                "{\"id\":\"q1\",\"strategy\":\"cot\",\"status\":\"SOLVED\","
                        + "\"answer\":\"6\",\"simulated\":false,\"steps\":[],"
                        + "\"usage\":{\"solver\":{\"calls\":1,\"promptTokens\":10,"
                        + "\"completionTokens\":5,\"cachedTokens\":0,\"latencyMs\":7}},"
                        + "\"latencyMs\":9}";

        assertThat(validate(Schemas.RESULT, old)).isEmpty();
        Result read = Json.read(old, Result.class);
        assertThat(read.cost()).isNull();
        assertThat(read.usage().get("solver")).isEqualTo(new RoleUsage(1, 10, 5, 0, 7));
        assertThat(read.usage().get("solver").replicas()).isEmpty();
        assertThat(read.usage().get("solver").cost()).isNull();
    }

    @Test
    void aResultOfARealModelNamesItsPromptSetAndItsWeightsFileAndAnOldOneNeither() {
        String json = Json.write(priced());

        assertThat(validate(Schemas.RESULT, json)).isEmpty();
        assertThat(json)
                .contains("\"prompts\":{\"set\":\"examples/prompts/tiny-arith\",\"base\":\"v1\"")
                .contains("\"modelIdentity\":{\"solver\":{\"file\":\"tiny-arith.gguf\"");
        assertThat(Json.write(solved())).doesNotContain("prompts").doesNotContain("modelIdentity");
        assertThat(Json.read(Json.write(solved()), Result.class).prompts()).isNull();
        assertInvalid(
                Schemas.RESULT,
                priced(),
                j -> ((ObjectNode) j.get("prompts")).remove("base"),
                "base");
        assertInvalid(
                Schemas.RESULT,
                priced(),
                j -> ((ObjectNode) j.get("modelIdentity").get("solver")).put("sha256", "abc"),
                "sha256");
    }

    @Test
    void aResultWithTheQuestionTextReasoningAndAStepKeptUnverifiedIsValidAndRoundTrips() {
        Result r = solved();
        Result full =
                r.toBuilder()
                        .steps(
                                List.of(
                                        new Step(
                                                1,
                                                4,
                                                "How many eggs are left?",
                                                "13",
                                                new Verdict(VerifierClass.CONCEPTUAL_MISTAKE, "no"),
                                                true,
                                                null,
                                                "16 - 3 = 13",
                                                true)))
                        .question("Janet's ducks lay 16 eggs per day.")
                        .build();
        String json = Json.write(full);

        assertThat(validate(Schemas.RESULT, json)).isEmpty();
        assertThat(json)
                .contains("\"question\":\"Janet's ducks lay 16 eggs per day.\"")
                .contains("\"reasoning\":\"16 - 3 = 13\"")
                .contains("\"unverified\":true");
        assertThat(Json.read(json, Result.class)).isEqualTo(full);
        // Absent in results written before these fields: they read back as null.
        assertThat(Json.read(Json.write(r), Result.class).question()).isNull();
        assertThat(r.steps()).allMatch(s -> s.reasoning() == null && s.unverified() == null);
        assertInvalid(
                Schemas.RESULT,
                full,
                j -> ((ObjectNode) j.at("/steps/0")).put("unverified", false),
                "unverified");
    }

    @Test
    void replicasAndCostThatBreakTheContractAreInvalid() {
        assertInvalid(
                Schemas.RESULT,
                priced(),
                j -> ((ObjectNode) j.at("/usage/solver/replicas")).put("http://gpu-3", 0),
                "gpu-3");
        assertInvalid(
                Schemas.RESULT,
                priced(),
                j -> ((ObjectNode) j.at("/usage/solver")).put("cost", -1.0),
                "cost");
        assertInvalid(Schemas.RESULT, priced(), j -> j.put("cost", "0.1 USD"), "cost");
    }

    @Test
    void addingUsagesSumsTheReplicasAndTheCostsWhenBothArePriced() {
        RoleUsage a =
                new RoleUsage(2, 100, 10, 40, 30)
                        .withReplicas(Map.of("http://a", 2L))
                        .withCost(0.5);
        RoleUsage b =
                new RoleUsage(3, 200, 20, 0, 60)
                        .withReplicas(Map.of("http://a", 1L, "http://b", 2L))
                        .withCost(0.25);

        RoleUsage sum = a.add(b);

        assertThat(sum)
                .isEqualTo(
                        new RoleUsage(5, 300, 30, 40, 90)
                                .withReplicas(Map.of("http://a", 3L, "http://b", 2L))
                                .withCost(0.75));
        assertThat(a.add(new RoleUsage(1, 1, 1, 0, 1)).cost()).isNull();
        assertThat(a.plus(1, 1, 0, 1).replicas()).isEqualTo(a.replicas());
    }

    // ---- Question --------------------------------------------------------------------------

    @Test
    void questionsAreValidAndSurviveARoundTrip() {
        Question full =
                new Question(
                        "gen-7",
                        "Tom has 3 apples and buys 4 more. How many apples does he have?",
                        "7",
                        List.of(new GoldStep("How many apples does Tom buy?", "4")),
                        Map.of("generator", "arithmetic", "seed", "42"));
        Question bare = Question.of("test.jsonl:1", "What is 2 + 2?");

        for (Question q : List.of(full, bare)) {
            String json = Json.write(q);
            assertThat(validate(Schemas.QUESTION, json)).as(json).isEmpty();
            assertThat(Json.read(json, Question.class)).isEqualTo(q);
        }
        assertThat(Json.write(bare)).doesNotContain("gold");
    }

    @Test
    void questionsThatBreakTheContractAreInvalid() {
        Question q = new Question("q1", "text", "1", List.of(new GoldStep("s", "1")), Map.of());
        assertInvalid(Schemas.QUESTION, q, j -> j.remove("text"), "text");
        assertInvalid(Schemas.QUESTION, q, j -> j.remove("id"), "id");
        assertInvalid(Schemas.QUESTION, q, j -> j.put("text", ""), "text");
        assertInvalid(Schemas.QUESTION, q, j -> j.put("gold", 1), "gold");
        assertInvalid(
                Schemas.QUESTION,
                q,
                j -> ((ObjectNode) j.at("/goldSteps/0")).remove("answer"),
                "answer");
    }

    // ---- DeadLetter ------------------------------------------------------------------------

    @Test
    void deadLettersAreValidAndSurviveARoundTrip() {
        for (String stage : List.of("parse", "map", "validate", "dedupe", "near-duplicate")) {
            DeadLetter d =
                    new DeadLetter(
                            "{\"question\": ",
                            "test.jsonl line 3 is not valid JSON",
                            stage,
                            "test.jsonl:3");
            String json = Json.write(d);
            assertThat(validate(Schemas.DEAD_LETTER, json)).as(stage).isEmpty();
            assertThat(Json.read(json, DeadLetter.class)).isEqualTo(d);
        }
    }

    @Test
    void deadLettersThatBreakTheContractAreInvalid() {
        DeadLetter d = new DeadLetter("x", "not JSON", "parse", "in.jsonl:1");
        assertInvalid(Schemas.DEAD_LETTER, d, j -> j.put("stage", "decode"), "stage");
        assertInvalid(Schemas.DEAD_LETTER, d, j -> j.remove("source"), "source");
        assertInvalid(Schemas.DEAD_LETTER, d, j -> j.putNull("raw"), "raw");
    }

    // ---- records ---------------------------------------------------------------------------

    private static Result solved() {
        Map<String, Object> simulator = new LinkedHashMap<>();
        simulator.put("profile", "oracle");
        simulator.put("seed", 7);
        simulator.put("errorRate", 0.2);
        return Result.builder()
                .id("test.jsonl:1")
                .strategy("lm2")
                .status(Status.SOLVED)
                .answer("18")
                .gold("18")
                .correct(true)
                .simulated(true)
                .simulator(simulator)
                .models(
                        Map.of(
                                "decomposer",
                                "sim:oracle",
                                "solver",
                                "sim:oracle",
                                "verifier",
                                "sim:oracle"))
                .concepts(List.of("subtraction", "multiplication"))
                .steps(
                        List.of(
                                new Step(
                                        1,
                                        1,
                                        "How many eggs are left?",
                                        "13",
                                        new Verdict(
                                                VerifierClass.CONCEPTUAL_MISTAKE,
                                                "Forgot the four used for muffins."),
                                        false,
                                        null),
                                new Step(
                                        1,
                                        2,
                                        "How many eggs does Janet sell?",
                                        "9",
                                        new Verdict(VerifierClass.NO_MISTAKE, "16 - 3 - 4 = 9."),
                                        true,
                                        null),
                                new Step(
                                        2,
                                        1,
                                        "How much does she make?",
                                        "18",
                                        new Verdict(VerifierClass.NO_MISTAKE, "9 * 2 = 18."),
                                        true,
                                        null)))
                .usage(
                        Map.of(
                                "decomposer", new RoleUsage(3, 900, 120, 400, 300),
                                "solver", new RoleUsage(3, 410, 90, 200, 520),
                                "verifier", new RoleUsage(3, 700, 60, 350, 210)))
                .latencyMs(1234)
                .metadata(Map.of("subject", "Prealgebra", "level", "2"))
                .finishedAt(1_764_000_000_000L)
                .build();
    }

    private static Result priced() {
        RoleUsage solver =
                new RoleUsage(3, 1000, 100, 500, 420)
                        .withReplicas(
                                Map.of("http://gpu-2:8000/v1", 1L, "http://gpu-1:8000/v1", 2L))
                        .withCost(0.00125);
        RoleUsage decomposer =
                new RoleUsage(2, 500, 50, 0, 100)
                        .withReplicas(Map.of("sim:default", 2L))
                        .withCost(0.00125);
        return Result.builder()
                .id("test.jsonl:3")
                .strategy("cot")
                .status(Status.SOLVED)
                .answer("6")
                .simulated(false)
                .models(Map.of("solver", "openai:http://gpu-1:8000/v1,http://gpu-2:8000/v1"))
                .steps(List.of())
                .usage(Map.of("solver", solver, "decomposer", decomposer))
                .latencyMs(500)
                .finishedAt(1_764_000_000_000L)
                .cost(0.0025)
                .prompts(
                        new PromptSetIdentity(
                                "examples/prompts/tiny-arith",
                                "v1",
                                "5f0c6a3e2b1d4c7f8e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"))
                .modelIdentity(
                        Map.of(
                                "solver",
                                new ModelIdentity(
                                        "tiny-arith.gguf",
                                        "1ebd08dd0eced93864a13599ee1aeb20c658854eb8b3e0b0ee6ffbefb385c290",
                                        "llama.cpp")))
                .build();
    }

    private static Result failed() {
        return Result.builder()
                .id("test.jsonl:2")
                .strategy("cot")
                .status(Status.FAILED)
                .reason("solver reply could not be parsed after 2 attempts")
                .simulated(false)
                .models(Map.of("solver", "openai:http://localhost:8000#qwen"))
                .steps(
                        List.of(
                                new Step(
                                        1,
                                        1,
                                        null,
                                        null,
                                        null,
                                        false,
                                        "I think the answer is... <truncated>")))
                .usage(Map.of("solver", new RoleUsage(2, 300, 50, 0, 900)))
                .latencyMs(950)
                .build();
    }

    private static Result withSteps(List<Step> steps) {
        return Result.builder()
                .id("q")
                .strategy("lm2")
                .status(Status.SOLVED)
                .answer("1")
                .simulated(false)
                .steps(steps)
                .usage(Map.of())
                .latencyMs(1)
                .build();
    }

    // ---- validation ------------------------------------------------------------------------

    private static Set<ValidationMessage> validate(String schema, String json) {
        try {
            return validate(schema, Json.mapper().readTree(json));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static Set<ValidationMessage> validate(String schema, JsonNode json) {
        JsonSchema compiled = FACTORY.getSchema(Schemas.text(schema));
        return compiled.validate(json);
    }

    private static void assertInvalid(
            String schema, Object record, Consumer<ObjectNode> breakIt, String mentioned) {
        ObjectNode json = tree(record);
        breakIt.accept(json);
        assertThat(validate(schema, tree(record))).as("unbroken " + schema).isEmpty();
        assertThat(messages(validate(schema, json)))
                .as("%s broken: %s", schema, json)
                .isNotEmpty()
                .anyMatch(m -> m.contains(mentioned));
    }

    private static ObjectNode tree(Object record) {
        return (ObjectNode) Json.mapper().valueToTree(record);
    }

    private static List<String> messages(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
