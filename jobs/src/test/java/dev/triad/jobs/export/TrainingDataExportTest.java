package dev.triad.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.cli.TriadCli;
import dev.triad.model.ChatMessage;
import dev.triad.reasoning.Lm2Trace;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.SimulatedLm2Results;
import dev.triad.reasoning.TracedCall;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code triad export} on lm2 results of the simulated oracle at realistic error rates: every
 * format's lines validate against a JSON Schema written from the format's documentation, prompts
 * are the chats the models were sent, DPO pairs are (rejected, accepted-after-feedback) in the
 * rejected one's context, the split is stable, and simulated results are refused unless allowed.
 */
class TrainingDataExportTest {

    private static final int QUESTIONS = 120;

    @TempDir static Path dir;

    private static List<Result> results;
    private static Map<String, Result> lm2ById;
    private static Path resultsFile;

    @BeforeAll
    static void run() throws Exception {
        results = SimulatedLm2Results.of(QUESTIONS, 5);
        lm2ById = new HashMap<>();
        for (Result r : results) {
            if (r.strategy().equals("lm2")) {
                lm2ById.put(r.id(), r);
            }
        }
        resultsFile = SimulatedLm2Results.write(results, dir.resolve("run/results.jsonl"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-sft", "trl-sft", "trl-prm", "trl-dpo", "openai-dpo", "trl-kto"})
    void everyFormatsExamplesValidateAgainstTheSchemaFromItsDocumentation(String format)
            throws Exception {
        Path out = dir.resolve(format + "/train.jsonl");
        Cli cli = export("--format", format, "--output", out.toString(), "--allow-simulated");
        assertThat(cli.code).as(cli.err).isEqualTo(ExitCodes.OK);
        assertThat(cli.out).contains("SIMULATED");

        JsonSchema schema = schema(format);
        List<JsonNode> examples = new ArrayList<>(lines(out));
        examples.addAll(lines(TrainingDataExport.validationPath(out)));
        assertThat(examples).as("examples of %s", format).hasSizeGreaterThan(10);
        for (JsonNode example : examples) {
            Set<ValidationMessage> errors = schema.validate(example);
            assertThat(errors).as("%s line %s", format, example).isEmpty();
            assertThat(example.at("/metadata/simulated").asBoolean()).isTrue();
            assertThat(lm2ById).containsKey(example.at("/metadata/id").asText());
            if (format.equals("trl-prm")) {
                assertThat(example.get("labels").size())
                        .isEqualTo(example.get("completions").size());
            }
        }
        JsonNode card =
                Json.mapper().readTree(out.resolveSibling("train.jsonl.card.json").toFile());
        assertThat(card.get("simulated").asBoolean()).isTrue();
        assertThat(
                        card.at("/counts/trainExamples").asLong()
                                + card.at("/counts/validationExamples").asLong())
                .isEqualTo(examples.size());
        assertThat(card.at("/counts/skipped").toString()).contains("strategy cot");
        assertThat(card.at("/models/decomposer").toString()).contains("sim:zero");
        assertThat(card.at("/promptSets/0").asText()).isEqualTo(PromptLibrary.VERSION);
        assertThat(card.at("/tokens/train").asLong()).isPositive();
        assertThat(Files.readString(out.resolveSibling("train.jsonl.card.md")))
                .contains("**SIMULATED.**");
    }

    @Test
    void sftPromptsAreTheRenderedChatsAndRepliesTheAcceptedSubquestions() throws Exception {
        Path out = dir.resolve("sft/decomposer.jsonl");
        Cli cli =
                export(
                        "--format",
                        "openai-sft",
                        "--output",
                        out.toString(),
                        "--allow-simulated",
                        "--validation",
                        "0");
        assertThat(cli.code).as(cli.err).isEqualTo(ExitCodes.OK);
        List<JsonNode> examples = lines(out);
        assertThat(examples).isNotEmpty();
        for (JsonNode example : examples) {
            Result result = lm2ById.get(example.at("/metadata/id").asText());
            assertThat(result.correct()).as("only correct questions by default").isTrue();
            TracedCall call = call(result, example.get("metadata"));
            JsonNode messages = example.get("messages");
            assertThat(chat(messages, 2))
                    .isEqualTo(PromptLibrary.render("lm2", call.purpose(), call.inputs()));
            JsonNode reply = Json.mapper().readTree(messages.get(2).get("content").asText());
            assertThat(reply.get("subquestion").asText()).isEqualTo(call.traced().subquestion());
            assertThat(call.traced().accepted()).isTrue();
            assertThat(messages.get(2).get("weight").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"solver", "verifier"})
    void sftOfTheSolverAndTheVerifierIsMadeOfTheirOwnCalls(String role) throws Exception {
        Path out = dir.resolve("sft-" + role + "/train.jsonl");
        Cli cli =
                export(
                        "--format",
                        "trl-sft",
                        "--role",
                        role,
                        "--output",
                        out.toString(),
                        "--allow-simulated",
                        "--validation",
                        "0");
        assertThat(cli.code).as(cli.err).isEqualTo(ExitCodes.OK);
        JsonSchema schema = schema("trl-sft");
        List<JsonNode> examples = lines(out);
        assertThat(examples).hasSizeGreaterThan(10);
        for (JsonNode example : examples) {
            assertThat(schema.validate(example)).isEmpty();
            Result result = lm2ById.get(example.at("/metadata/id").asText());
            TracedCall call = call(result, example.get("metadata"));
            assertThat(call.role().key()).isEqualTo(role);
            assertThat(chat(example.get("prompt"), 2))
                    .isEqualTo(PromptLibrary.render("lm2", call.purpose(), call.inputs()));
            JsonNode reply = reply(example.get("completion"));
            if (role.equals("solver")) {
                assertThat(call.traced().verdict().verifierClass())
                        .isEqualTo(VerifierClass.NO_MISTAKE);
                assertThat(reply.get("answer").asText()).isEqualTo(call.traced().answer());
                assertThat(reply.get("reasoning").asText()).isNotBlank();
            } else {
                assertThat(reply.get("class").asText())
                        .isEqualTo(call.traced().verdict().verifierClass().wireName());
            }
        }
    }

    @Test
    void aDpoPairIsTheRejectedSubquestionAgainstTheRewriteAcceptedInTheSameContext()
            throws Exception {
        Path out = dir.resolve("dpo/pairs.jsonl");
        Cli cli =
                export(
                        "--format",
                        "trl-dpo",
                        "--output",
                        out.toString(),
                        "--allow-simulated",
                        "--validation",
                        "0",
                        "--keep",
                        "all");
        assertThat(cli.code).as(cli.err).isEqualTo(ExitCodes.OK);
        List<JsonNode> pairs = lines(out);
        assertThat(pairs).hasSizeGreaterThan(5);
        int afterEarlierFeedback = 0;
        for (JsonNode pair : pairs) {
            Result result = lm2ById.get(pair.at("/metadata/id").asText());
            int stepIndex = pair.at("/metadata/step").asInt();
            int attempt = pair.at("/metadata/attempt").asInt();
            Step rejected = step(result, stepIndex, attempt);
            Step accepted = step(result, stepIndex, pair.at("/metadata/acceptedAttempt").asInt());
            // (rejected, accepted): the verifier rejected one and accepted the later rewrite.
            assertThat(rejected.accepted()).isFalse();
            assertThat(accepted.accepted()).isTrue();
            assertThat(accepted.unverified()).isNull();
            assertThat(accepted.attempts()).isGreaterThan(rejected.attempts());
            assertThat(reply(pair.get("rejected")).get("subquestion").asText())
                    .isEqualTo(rejected.subquestion());
            assertThat(reply(pair.get("chosen")).get("subquestion").asText())
                    .isEqualTo(accepted.subquestion())
                    .isNotEqualTo(rejected.subquestion());
            // The same context: the prompt is the chat the rejected subquestion was written from,
            // and both replies have that call's fields.
            TracedCall call = call(result, pair.get("metadata"));
            assertThat(call.traced()).isEqualTo(rejected);
            assertThat(chat(pair.get("prompt"), 2))
                    .isEqualTo(PromptLibrary.render("lm2", call.purpose(), call.inputs()));
            assertThat(names(reply(pair.get("chosen"))))
                    .isEqualTo(names(reply(pair.get("rejected"))));
            if (attempt > 1) {
                // Written after feedback on the attempt before it, which the prompt carries.
                @SuppressWarnings("unchecked")
                Map<String, Object> feedback = (Map<String, Object>) call.inputs().get("feedback");
                assertThat(feedback.get("subquestion"))
                        .isEqualTo(step(result, stepIndex, attempt - 1).subquestion());
                afterEarlierFeedback++;
            }
            assertThat(pair.at("/metadata/class").asText())
                    .isEqualTo(rejected.verdict().verifierClass().wireName());
        }
        assertThat(afterEarlierFeedback)
                .as("pairs whose rejected attempt was itself a rewrite")
                .isPositive();
    }

    @Test
    void ktoLabelsAndPrmLabelsComeFromTheVerifiersClasses() throws Exception {
        Path kto = dir.resolve("kto/steps.jsonl");
        assertThat(
                        export(
                                        "--format",
                                        "trl-kto",
                                        "--output",
                                        kto.toString(),
                                        "--allow-simulated",
                                        "--validation",
                                        "0",
                                        "--keep",
                                        "all")
                                .code)
                .isZero();
        boolean sawFalse = false;
        for (JsonNode example : lines(kto)) {
            Result result = lm2ById.get(example.at("/metadata/id").asText());
            Step step = call(result, example.get("metadata")).traced();
            boolean good = step.accepted() && step.unverified() == null;
            assertThat(example.get("label").asBoolean()).isEqualTo(good);
            sawFalse |= !good;
            double expected =
                    StepRewards.lm2Defaults().reward(step.verdict().verifierClass(), step.index());
            assertThat(example.at("/metadata/reward").asDouble()).isEqualTo(expected);
        }
        assertThat(sawFalse).isTrue();

        Path prm = dir.resolve("prm/steps.jsonl");
        assertThat(
                        export(
                                        "--format",
                                        "trl-prm",
                                        "--output",
                                        prm.toString(),
                                        "--allow-simulated",
                                        "--validation",
                                        "0",
                                        "--keep",
                                        "all",
                                        "--reward",
                                        "no_mistake=2",
                                        "--reward-discount",
                                        "0.5")
                                .code)
                .isZero();
        int wrongChains = 0;
        for (JsonNode example : lines(prm)) {
            Result result = lm2ById.get(example.at("/metadata/id").asText());
            assertThat(example.get("prompt").asText()).isEqualTo(result.question());
            JsonNode labels = example.get("labels");
            JsonNode classes = example.at("/metadata/classes");
            boolean wholeChain = example.at("/metadata/chain").asText().equals("accepted");
            for (int i = 0; i < labels.size(); i++) {
                boolean last = i == labels.size() - 1;
                if (wholeChain && last && result.correct() != null) {
                    assertThat(labels.get(i).asBoolean()).isEqualTo(result.correct());
                    wrongChains += result.correct() ? 0 : 1;
                } else if (!wholeChain && last) {
                    assertThat(labels.get(i).asBoolean()).isFalse();
                } else if (classes.get(i).asText().equals("no_mistake")) {
                    assertThat(example.at("/metadata/rewards/" + i).asDouble())
                            .isEqualTo(2 * Math.pow(0.5, i));
                }
            }
        }
        assertThat(wrongChains).as("chains whose final answer was wrong").isPositive();
    }

    @Test
    void theSplitByQuestionIdIsStableAcrossExportsAndDisjoint() throws Exception {
        Path all = dir.resolve("split/all.jsonl");
        assertThat(
                        export(
                                        "--format",
                                        "trl-sft",
                                        "--output",
                                        all.toString(),
                                        "--allow-simulated",
                                        "--validation",
                                        "0.3")
                                .code)
                .isZero();
        // Half of the results, in reverse order, in another file: each id keeps its part.
        List<Result> half = new ArrayList<>(results.subList(0, results.size() / 2));
        java.util.Collections.reverse(half);
        Path halfFile = SimulatedLm2Results.write(half, dir.resolve("split/half-results.jsonl"));
        Path some = dir.resolve("split/some.jsonl");
        assertThat(
                        TriadCliRun.run(
                                        "export",
                                        halfFile.toString(),
                                        "--format",
                                        "trl-sft",
                                        "--output",
                                        some.toString(),
                                        "--allow-simulated",
                                        "--validation",
                                        "0.3")
                                .code)
                .isZero();
        Set<String> train = ids(lines(all));
        Set<String> validation = ids(lines(TrainingDataExport.validationPath(all)));
        assertThat(train).isNotEmpty().doesNotContainAnyElementsOf(validation);
        assertThat(validation).isNotEmpty();
        assertThat(train).containsAll(ids(lines(some)));
        assertThat(validation).containsAll(ids(lines(TrainingDataExport.validationPath(some))));
        ValidationSplit split = new ValidationSplit(0.3);
        assertThat(validation).allMatch(split::validation);
        assertThat(train).noneMatch(split::validation);
    }

    @Test
    void withASidecarTheExamplesHoldOnlyTheFormatsFieldsAndTheMetadataLineUpBesideThem()
            throws Exception {
        Path out = dir.resolve("sidecar/pairs.jsonl");
        Cli cli =
                export(
                        "--format",
                        "openai-dpo",
                        "--output",
                        out.toString(),
                        "--allow-simulated",
                        "--keep",
                        "all",
                        "--metadata",
                        "sidecar");
        assertThat(cli.code).as(cli.err).isEqualTo(ExitCodes.OK);
        JsonSchema schema = schema("openai-dpo");
        for (Path file : List.of(out, TrainingDataExport.validationPath(out))) {
            List<JsonNode> examples = lines(file);
            List<JsonNode> metadata = lines(TrainingDataExport.metadataPath(file));
            assertThat(metadata).hasSameSizeAs(examples);
            for (int i = 0; i < examples.size(); i++) {
                JsonNode example = examples.get(i);
                assertThat(example.has("metadata")).isFalse();
                assertThat(schema.validate(example)).isEmpty();
                JsonNode meta = metadata.get(i);
                assertThat(meta.get("simulated").asBoolean()).isTrue();
                Step rejected = call(lm2ById.get(meta.get("id").asText()), meta).traced();
                assertThat(reply(example.get("non_preferred_output")).get("subquestion").asText())
                        .isEqualTo(rejected.subquestion());
            }
        }
        assertThat(lines(out)).isNotEmpty();
        assertThat(Files.readString(DatasetCard.markdownPath(out))).contains("metadata=sidecar");
    }

    @Test
    void simulatedResultsAreRefusedAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("refused/train.jsonl");
        Cli cli = export("--format", "trl-sft", "--output", out.toString());
        assertThat(cli.code).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err)
                .contains(resultsFile.toString() + ":")
                .contains("simulated models")
                .contains("--allow-simulated");
        assertThat(out).doesNotExist();
        assertThat(out.getParent()).isEmptyDirectory();
    }

    @Test
    void resultsOfRealModelsCarryNoSimulatedMarkAndDuplicatesAreDropped() throws Exception {
        // The same traces as if real models had made them (the flag and bindings rewritten).
        List<Result> real = new ArrayList<>();
        for (Result r : results) {
            real.add(
                    Result.builder()
                            .id(r.id())
                            .strategy(r.strategy())
                            .status(r.status())
                            .reason(r.reason())
                            .answer(r.answer())
                            .gold(r.gold())
                            .correct(r.correct())
                            .simulated(false)
                            .models(Map.of("decomposer", "openai:http://127.0.0.1:1#small"))
                            .concepts(r.concepts())
                            .steps(r.steps())
                            .usage(r.usage())
                            .latencyMs(r.latencyMs())
                            .metadata(r.metadata())
                            .finishedAt(r.finishedAt())
                            .cost(r.cost())
                            .question(r.question())
                            .build());
        }
        Path file = SimulatedLm2Results.write(real, dir.resolve("real/results.jsonl"));
        Path out = dir.resolve("real/train.jsonl");
        Cli once =
                TriadCliRun.run(
                        "export",
                        file.toString(),
                        "--format",
                        "trl-kto",
                        "--output",
                        out.toString(),
                        "--validation",
                        "0");
        assertThat(once.code).as(once.err).isZero();
        List<JsonNode> examples = lines(out);
        assertThat(examples).isNotEmpty().allMatch(e -> !e.get("metadata").has("simulated"));
        assertThat(once.out).doesNotContain("SIMULATED");

        Cli twice =
                TriadCliRun.run(
                        "export",
                        file.toString(),
                        file.toString(),
                        "--format",
                        "trl-kto",
                        "--output",
                        out.toString(),
                        "--validation",
                        "0");
        assertThat(twice.code).isZero();
        assertThat(lines(out)).hasSameSizeAs(examples);
        JsonNode card = Json.mapper().readTree(DatasetCard.jsonPath(out).toFile());
        assertThat(card.at("/counts/duplicatesDropped").asLong())
                .isGreaterThanOrEqualTo(examples.size());
        assertThat(card.get("simulated").asBoolean()).isFalse();
    }

    @Test
    void usageErrorsExit2NamingTheOption() throws Exception {
        Path out = dir.resolve("bad/x.jsonl");
        Cli role =
                export(
                        "--format",
                        "trl-dpo",
                        "--role",
                        "solver",
                        "--output",
                        out.toString(),
                        "--allow-simulated");
        assertThat(role.code).isEqualTo(ExitCodes.USAGE);
        assertThat(role.err).contains("trl-dpo").contains("--role decomposer");
        Cli format = export("--format", "alpaca", "--output", out.toString());
        assertThat(format.code).isEqualTo(ExitCodes.USAGE);
        assertThat(format.err).contains("--format alpaca").contains("trl-kto");
        Cli reward =
                export(
                        "--format",
                        "trl-kto",
                        "--output",
                        out.toString(),
                        "--reward",
                        "small_mistake=1");
        assertThat(reward.code).isEqualTo(ExitCodes.USAGE);
        assertThat(reward.err).contains("--reward small_mistake").contains("no_mistake");
        Cli folder = export("--format", "trl-kto", "--output", dir.toString(), "--allow-simulated");
        assertThat(folder.code).isEqualTo(ExitCodes.USAGE);
        assertThat(folder.err).contains("is a folder").contains("train.jsonl");
    }

    // --- helpers

    private static Cli export(String... options) {
        List<String> args = new ArrayList<>(List.of("export", resultsFile.toString()));
        args.addAll(List.of(options));
        return TriadCliRun.run(args.toArray(String[]::new));
    }

    private static TracedCall call(Result result, JsonNode metadata) {
        int step = metadata.get("step").asInt();
        int attempt = metadata.get("attempt").asInt();
        String purpose = metadata.get("purpose").asText();
        return Lm2Trace.calls(result).stream()
                .filter(
                        c ->
                                c.step() == step
                                        && c.attempt() == attempt
                                        && c.purpose().key().equals(purpose))
                .findFirst()
                .orElseThrow();
    }

    private static Step step(Result result, int index, int attempt) {
        return result.steps().stream()
                .filter(s -> s.index() == index && s.attempts() == attempt)
                .findFirst()
                .orElseThrow();
    }

    private static List<ChatMessage> chat(JsonNode messages, int count) {
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chat.add(
                    new ChatMessage(
                            messages.get(i).get("role").asText(),
                            messages.get(i).get("content").asText()));
        }
        return chat;
    }

    private static JsonNode reply(JsonNode assistant) throws IOException {
        assertThat(assistant.get(0).get("role").asText()).isEqualTo("assistant");
        return Json.mapper().readTree(assistant.get(0).get("content").asText());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> ids(List<JsonNode> examples) {
        return examples.stream()
                .map(e -> e.at("/metadata/id").asText())
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.exists(file)) {
            return nodes;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                nodes.add(Json.mapper().readTree(line));
            }
        }
        return nodes;
    }

    private static JsonSchema schema(String format) throws IOException {
        try (InputStream in =
                TrainingDataExportTest.class.getResourceAsStream(
                        "/export-formats/" + format + ".schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    record Cli(int code, String out, String err) {}

    /** Runs the command line in process, capturing what it prints. */
    static final class TriadCliRun {
        static Cli run(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code =
                    TriadCli.execute(
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8),
                            args);
            return new Cli(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }
}
