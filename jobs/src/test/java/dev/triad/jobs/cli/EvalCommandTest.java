package dev.triad.jobs.cli;

import static dev.triad.jobs.EvalResources.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad eval} on prepared results files under {@code src/test/resources/eval/}.
 *
 * <p>{@code two-strategies.jsonl}: 12 questions q1..q12 (levels 1 and 2, subjects algebra and
 * geometry), simulated. lm2 is right on q1..q9, wrong on q10 (SOLVED), q11 (UNSOLVED), q12
 * (FAILED); cot is right on q1..q6. lm2's verifier judged 26 attempts and accepted 20; q1, q10 and
 * q11 had a rejected step written again (1, 2 and 2 times). Every lm2 question used decomposer 3
 * calls, solver 3, verifier 2; question latency of q{i} is {@code i * 100} ms.
 */
class EvalCommandTest {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    private JsonNode evalJson(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("eval", "--json"));
        all.addAll(List.of(args));
        assertThat(console.run(all.toArray(String[]::new))).as(console.err()).isZero();
        return Json.mapper().readTree(console.out());
    }

    @Test
    void preparedResultFilesFollowTheContract() throws IOException {
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(Schemas.text(Schemas.RESULT));
        for (String name :
                List.of(
                        "two-strategies.jsonl",
                        "labeling.jsonl",
                        "duplicate-q3.jsonl",
                        "baseline.jsonl",
                        "candidate-worse.jsonl",
                        "candidate-better.jsonl",
                        "candidate-slightly-worse.jsonl",
                        "candidate-labeling.jsonl",
                        "candidate-other-questions.jsonl")) {
            for (String line : Files.readAllLines(resource(name))) {
                assertThat(schema.validate(Json.mapper().readTree(line))).as(name).isEmpty();
            }
        }
    }

    @Test
    void printsAccuracySlicesPairVerifierCostAndLatencyTables() {
        assertThat(console.run("eval", resource("two-strategies.jsonl").toString()))
                .as(console.err())
                .isZero();

        String text = console.out();
        assertThat(text.lines().findFirst()).contains(SimulatedNotice.TEXT);
        assertThat(text)
                .contains("Read 24 results (lm2, cot)")
                .containsPattern("lm2 +12 +10 +1 +1 +12 +9 +75\\.0% +\\[46\\.8%, 91\\.1%\\]")
                .containsPattern("cot +12 +12 +0 +0 +12 +6 +50\\.0% +\\[25\\.4%, 74\\.6%\\]")
                .contains("Accuracy by level", "Accuracy by subject")
                .doesNotContain("Accuracy by problem", "Accuracy by dataset")
                .contains("Paired comparison: lm2 vs cot on 12 questions")
                .containsPattern("lm2 right +6 +3")
                .containsPattern("lm2 wrong +0 +3")
                .contains("difference lm2 - cot: +25.0 pp")
                .contains("on the 3 discordant questions: p = 0.2500")
                .contains("Verifier (lm2)")
                .contains("judged attempts 26, accepted 20 (acceptance rate 76.9%)")
                .contains("regenerations per step 0.24 over 21 steps")
                .contains("0: 18, 1: 1, 2: 2")
                .contains("3 questions, final answer correct 33.3% (1/3)")
                .contains("without: 9 questions, final answer correct 88.9% (8/9)")
                .containsPattern("lm2 +decomposer +36 +3,600 +360")
                .containsPattern("lm2 +question +600 ms +1\\.2 s +1\\.2 s +650 ms +1\\.2 s")
                .containsPattern("lm2 +verifier .* 24 +50 ms");
        assertThat(text.indexOf("Verifier (lm2)")).isGreaterThan(text.indexOf("Paired"));
        assertThat(text).doesNotContain("Verifier (cot)").doesNotContain("est. cost");
    }

    @Test
    void jsonCarriesTheSameFigures() throws IOException {
        JsonNode report = evalJson(resource("two-strategies.jsonl").toString());

        assertThat(report.get("simulated").asBoolean()).isTrue();
        assertThat(report.get("notice").asText()).startsWith("SIMULATED models");
        JsonNode lm2 = report.get("strategies").get("lm2");
        assertThat(lm2.get("questions").asLong()).isEqualTo(12);
        assertThat(lm2.get("unsolved").asLong()).isEqualTo(1);
        assertThat(lm2.get("failed").asLong()).isEqualTo(1);
        JsonNode accuracy = lm2.get("accuracy");
        assertThat(accuracy.get("n").asLong()).isEqualTo(12);
        assertThat(accuracy.get("correct").asLong()).isEqualTo(9);
        assertThat(accuracy.get("value").asDouble()).isEqualTo(0.75);
        assertThat(accuracy.get("low").asDouble()).isCloseTo(0.4677, within(5e-5));
        assertThat(accuracy.get("high").asDouble()).isCloseTo(0.9111, within(5e-5));

        JsonNode slices = lm2.get("slices");
        assertThat(names(slices)).containsExactly("level", "subject");
        assertThat(slices.get("level").get("1").get("correct").asLong()).isEqualTo(6);
        assertThat(slices.get("level").get("2").get("n").asLong()).isEqualTo(6);
        assertThat(slices.get("level").get("2").get("correct").asLong()).isEqualTo(3);
        assertThat(
                        report.get("strategies")
                                .get("cot")
                                .get("slices")
                                .get("level")
                                .get("2")
                                .get("correct")
                                .asLong())
                .isZero();

        JsonNode pair = report.get("pairs").get(0);
        assertThat(pair.get("a").asText()).isEqualTo("lm2");
        assertThat(pair.get("b").asText()).isEqualTo("cot");
        assertThat(pair.get("n").asLong()).isEqualTo(12);
        assertThat(pair.get("bothCorrect").asLong()).isEqualTo(6);
        assertThat(pair.get("onlyA").asLong()).isEqualTo(3);
        assertThat(pair.get("onlyB").asLong()).isZero();
        assertThat(pair.get("neither").asLong()).isEqualTo(3);
        assertThat(pair.get("difference").asDouble()).isEqualTo(0.25);
        assertThat(pair.get("mcnemarP").asDouble()).isCloseTo(0.25, within(1e-12));
        assertThat(pair.get("differenceLow").asDouble()).isBetween(0.0, 0.25);
        assertThat(pair.get("differenceHigh").asDouble()).isBetween(0.25, 0.6);

        JsonNode verifier = lm2.get("verifier");
        assertThat(verifier.get("judged").asLong()).isEqualTo(26);
        assertThat(verifier.get("accepted").asLong()).isEqualTo(20);
        assertThat(verifier.get("acceptanceRate").asDouble()).isCloseTo(20.0 / 26, within(1e-12));
        assertThat(verifier.get("classes").get("no_mistake").asLong()).isEqualTo(19);
        assertThat(verifier.get("classes").get("misunderstood_question").asLong()).isEqualTo(3);
        assertThat(verifier.get("classes").get("procedural_mistake").asLong()).isEqualTo(2);
        assertThat(verifier.get("classes").get("conceptual_mistake").asLong()).isEqualTo(1);
        assertThat(verifier.get("classes").get("computational_mistake").asLong()).isEqualTo(1);
        assertThat(verifier.get("steps").asLong()).isEqualTo(21);
        assertThat(verifier.get("regenerations").asLong()).isEqualTo(5);
        assertThat(verifier.get("stepsByRegenerations").toString())
                .isEqualTo("{\"0\":18,\"1\":1,\"2\":2}");
        assertThat(verifier.get("questionsWithFeedback").asLong()).isEqualTo(3);
        assertThat(verifier.get("accuracyWithFeedback").get("correct").asLong()).isEqualTo(1);
        assertThat(verifier.get("accuracyWithoutFeedback").get("n").asLong()).isEqualTo(9);
        assertThat(verifier.get("accuracyWithoutFeedback").get("correct").asLong()).isEqualTo(8);
        assertThat(report.get("strategies").get("cot").has("verifier")).isFalse();

        JsonNode decomposer = lm2.get("cost").get("roles").get("decomposer");
        assertThat(decomposer.get("calls").asLong()).isEqualTo(36);
        assertThat(decomposer.get("promptTokens").asLong()).isEqualTo(3600);
        assertThat(decomposer.get("perQuestion").get("calls").asDouble()).isEqualTo(3.0);
        assertThat(decomposer.get("perCorrect").get("calls").asDouble()).isEqualTo(4.0);
        assertThat(lm2.get("cost").get("total").get("calls").asLong()).isEqualTo(96);
        assertThat(decomposer.has("estimatedCost")).isFalse();

        JsonNode question = lm2.get("latency").get("question");
        assertThat(question.get("p50").asDouble()).isEqualTo(600);
        assertThat(question.get("p95").asDouble()).isEqualTo(1200);
        assertThat(question.get("p99").asDouble()).isEqualTo(1200);
        assertThat(question.get("mean").asDouble()).isEqualTo(650);
        JsonNode verifierLatency = lm2.get("latency").get("roles").get("verifier");
        assertThat(verifierLatency.get("meanPerCallMs").asDouble()).isEqualTo(50);
        assertThat(verifierLatency.get("perQuestion").get("p50").asDouble()).isEqualTo(100);
    }

    @Test
    void sameInputAndSeedGiveTheSameDocument() throws IOException {
        String first = evalJson(resource("two-strategies.jsonl").toString()).toString();
        console.resetOut();
        String again = evalJson(resource("two-strategies.jsonl").toString()).toString();

        assertThat(again).isEqualTo(first);
    }

    @Test
    void estimatesCostFromThePriceTableAndNamesRolesWithoutAPrice() throws IOException {
        JsonNode report =
                evalJson(
                        resource("two-strategies.jsonl").toString(),
                        "--prices",
                        resource("prices.yaml").toString());

        JsonNode lm2 = report.get("strategies").get("lm2").get("cost");
        // decomposer: 12 x (300 prompt x 1.0 + 30 completion x 2.0) / 1M
        assertThat(lm2.get("roles").get("decomposer").get("estimatedCost").asDouble())
                .isCloseTo(12 * 360 / 1e6, within(1e-12));
        // solver by its binding (10 / 20), not by its role (99): 12 x (600 x 10 + 60 x 20) / 1M
        assertThat(lm2.get("roles").get("solver").get("estimatedCost").asDouble())
                .isCloseTo(12 * 7200 / 1e6, within(1e-12));
        assertThat(lm2.get("roles").get("verifier").has("estimatedCost")).isFalse();
        assertThat(lm2.get("total").has("estimatedCost")).isFalse();
        assertThat(lm2.get("missingPrices").toString()).isEqualTo("[\"verifier (sim:default)\"]");

        JsonNode cot = report.get("strategies").get("cot").get("cost").get("total");
        assertThat(cot.get("estimatedCost").asDouble()).isCloseTo(0.024, within(1e-12));
        assertThat(cot.get("perQuestion").get("estimatedCost").asDouble())
                .isCloseTo(0.002, within(1e-12));
        assertThat(cot.get("perCorrect").get("estimatedCost").asDouble())
                .isCloseTo(0.004, within(1e-12));

        console.resetOut();
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                "--prices",
                                resource("prices.yaml").toString()))
                .isZero();
        assertThat(console.out())
                .contains("est. cost")
                .contains("no price for lm2: verifier (sim:default)");
    }

    @Test
    void withoutPricesTheCostsARunRecordedAreUsedAndPricesGivenToEvalWinOverThem()
            throws IOException {
        // The prepared results as a run given prices would have written them: every role costs
        // 0.001 per question, and the question the sum of its roles.
        Path recorded = dir.resolve("priced.jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(resource("two-strategies.jsonl"))) {
            Result r = Json.read(line, Result.class);
            java.util.Map<String, RoleUsage> usage = new java.util.TreeMap<>();
            r.usage().forEach((role, u) -> usage.put(role, u.withCost(0.001)));
            lines.add(Json.write(r.toBuilder().usage(usage).cost(0.001 * usage.size()).build()));
        }
        Files.write(recorded, lines);

        JsonNode lm2 = evalJson(recorded.toString()).get("strategies").get("lm2").get("cost");
        assertThat(lm2.get("roles").get("verifier").get("estimatedCost").asDouble())
                .isCloseTo(12 * 0.001, within(1e-12));
        assertThat(lm2.get("total").get("estimatedCost").asDouble())
                .isCloseTo(36 * 0.001, within(1e-12));
        assertThat(lm2.has("missingPrices")).isFalse();

        console.resetOut();
        JsonNode repriced =
                evalJson(recorded.toString(), "--prices", resource("prices.yaml").toString())
                        .get("strategies")
                        .get("lm2")
                        .get("cost");
        // The table's prices, as in estimatesCostFromThePriceTableAndNamesRolesWithoutAPrice.
        assertThat(repriced.get("roles").get("decomposer").get("estimatedCost").asDouble())
                .isCloseTo(12 * 360 / 1e6, within(1e-12));
        assertThat(repriced.get("roles").get("verifier").has("estimatedCost")).isFalse();
    }

    @Test
    void resultsOfARealModelNameItsWeightsFileEngineAndPromptSetAndAreNotMarkedSimulated()
            throws IOException {
        String sha = "1ebd08dd0eced93864a13599ee1aeb20c658854eb8b3e0b0ee6ffbefb385c290";
        String binding = "openai:http://127.0.0.1:8080/v1#tiny-arith?structured=off";
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            lines.add(
                    Json.write(
                            Result.builder()
                                    .id("q" + i)
                                    .strategy("cot")
                                    .status(dev.triad.schemas.Status.SOLVED)
                                    .answer(Integer.toString(i * 7))
                                    .gold(Integer.toString(i * 7))
                                    .correct(true)
                                    .simulated(false)
                                    .models(java.util.Map.of("solver", binding))
                                    .steps(List.of())
                                    .usage(
                                            java.util.Map.of(
                                                    "solver", new RoleUsage(1, 20, 2, 0, 10)))
                                    .latencyMs(12)
                                    .metadata(java.util.Map.of())
                                    .finishedAt(1L)
                                    .prompts(
                                            new dev.triad.schemas.PromptSetIdentity(
                                                    "examples/prompts/tiny-arith",
                                                    "v1",
                                                    "ab".repeat(32)))
                                    .modelIdentity(
                                            java.util.Map.of(
                                                    "solver",
                                                    new dev.triad.schemas.ModelIdentity(
                                                            "tiny-arith.gguf",
                                                            sha,
                                                            "llama.cpp-80fb11a")))
                                    .build()));
        }
        Path results = dir.resolve("real.jsonl");
        Files.write(results, lines);

        assertThat(console.run("eval", results.toString())).as(console.err()).isZero();
        assertThat(console.out())
                .doesNotContain("SIMULATED")
                .contains(
                        "model solver: tiny-arith.gguf (sha256 1ebd08dd0ece…) on llama.cpp-80fb11a"
                                + " via "
                                + binding)
                .contains("prompts examples/prompts/tiny-arith (sha256 abababababab…, over v1)");
        console.resetOut();
        JsonNode provenance = evalJson(results.toString()).get("provenance");
        assertThat(provenance.get("models").get(0).get("identity").get("sha256").asText())
                .isEqualTo(sha);
        assertThat(provenance.get("prompts").get(0).get("set").asText())
                .isEqualTo("examples/prompts/tiny-arith");
    }

    @Test
    void labelingRunWithoutGoldHasNoAccuracyAndNoError() throws IOException {
        assertThat(console.run("eval", resource("labeling.jsonl").toString()))
                .as(console.err())
                .isZero();

        String text = console.out();
        assertThat(text)
                .doesNotContain("SIMULATED")
                .doesNotContain("Accuracy")
                .doesNotContain("Paired comparison")
                .contains("No gold answers (a labeling run)")
                .contains("Verifier (lm2)")
                .contains("Cost")
                .contains("Latency");
        assertThat(console.err()).isEmpty();

        console.resetOut();
        JsonNode report = evalJson(resource("labeling.jsonl").toString());
        JsonNode lm2 = report.get("strategies").get("lm2");
        assertThat(report.get("simulated").asBoolean()).isFalse();
        assertThat(report.has("notice")).isFalse();
        assertThat(report.has("pairs")).isFalse();
        assertThat(lm2.has("accuracy")).isFalse();
        assertThat(lm2.has("slices")).isFalse();
        assertThat(lm2.get("withGold").asLong()).isZero();
        assertThat(lm2.get("questions").asLong()).isEqualTo(3);
        assertThat(lm2.get("cost").has("total")).isTrue();
        assertThat(lm2.get("cost").get("total").has("perCorrect")).isFalse();
    }

    @Test
    void explicitSliceAndPair() throws IOException {
        JsonNode report =
                evalJson(
                        resource("two-strategies.jsonl").toString(),
                        "--slice",
                        "problem",
                        "--pair",
                        "cot,lm2");

        assertThat(names(report.get("strategies").get("lm2").get("slices")))
                .containsExactly("problem");
        JsonNode pair = report.get("pairs").get(0);
        assertThat(pair.get("a").asText()).isEqualTo("cot");
        assertThat(pair.get("difference").asDouble()).isEqualTo(-0.25);
    }

    @Test
    void readsARunsOutputFolder() throws IOException {
        Files.copy(resource("two-strategies.jsonl"), dir.resolve("results.jsonl"));
        Files.writeString(dir.resolve("dead-letters.jsonl"), "{\"raw\":\"x\"}\n");

        JsonNode report = evalJson(dir.toString());

        assertThat(report.get("results").asLong()).isEqualTo(24);
        assertThat(report.get("inputs").toString())
                .contains("results.jsonl")
                .doesNotContain("dead");
    }

    @Test
    void unknownSliceOrPairIsUnusable() {
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                "--slice",
                                "topic"))
                .isEqualTo(2);
        assertThat(console.err())
                .contains("--slice topic: no result has a metadata field 'topic'")
                .contains("dataset, level, problem, subject");

        console.resetErr();
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                "--pair",
                                "lm2,tot"))
                .isEqualTo(2);
        assertThat(console.err()).contains("--pair lm2,tot: no results for strategy 'tot'");

        console.resetErr();
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                "--pair",
                                "lm2"))
                .isEqualTo(2);
        assertThat(console.err()).contains("expected two different strategies");
    }

    @Test
    void malformedLineIsNamedByFileAndLine() {
        assertThat(console.run("eval", resource("malformed.jsonl").toString())).isEqualTo(2);

        assertThat(console.err()).contains("malformed.jsonl:3: not a result record");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void lineThatIsNotAResultIsNamedByFileAndLine() {
        assertThat(console.run("eval", resource("dead-letter.jsonl").toString())).isEqualTo(2);

        assertThat(console.err())
                .contains("dead-letter.jsonl:1: not a result record (missing 'id')");
    }

    @Test
    void duplicateIdAndStrategyAcrossInputsNamesTheIdAndBothFiles() {
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                resource("duplicate-q3.jsonl").toString()))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("duplicate result for id 'q3', strategy lm2")
                .contains("two-strategies.jsonl:5")
                .contains("duplicate-q3.jsonl:1");
    }

    @Test
    void missingFileOrPriceProblemsAreUnusable() throws IOException {
        assertThat(console.run("eval", dir.resolve("nope.jsonl").toString())).isEqualTo(2);
        assertThat(console.err()).contains("nope.jsonl: no such file or folder");

        console.resetErr();
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, "solver: {prompt: 1, completoin: 2}\n");
        assertThat(
                        console.run(
                                "eval",
                                resource("two-strategies.jsonl").toString(),
                                "--prices",
                                prices.toString()))
                .isEqualTo(2);
        assertThat(console.err()).contains("entry 'solver': unknown field 'completoin'");
    }

    @Test
    void helpDocumentsTheCommand() {
        assertThat(console.run("eval", "--help")).isZero();
        assertThat(console.out())
                .contains(
                        "Wilson", "McNemar", "bootstrap", "--slice", "--pair", "--prices", "--json")
                .contains("Exit codes:")
                .doesNotContain("%n"); // the description is formatted (a bare % would stop that)
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
