package dev.triad.jobs.engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.jobs.local.LocalLlamaServer;
import dev.triad.jobs.local.LocalScript;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.model.Role;
import dev.triad.model.gguf.GgufBinding;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.PromptSet;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gguf:} binding: llama.cpp inside this JVM (java-llama.cpp) with the shared test models
 * ({@code ../shared/models/}, see their SOURCE.txt), checked against llama.cpp's own {@code
 * llama-server} on the same model and messages, and in a whole {@code triad run}.
 */
class GgufModelITCase {

    /** The eval prompt of SOURCE.txt: "What is A times B? Answer with a number.", A, B in 0..12. */
    private static final int TABLE = 13;

    private static final int SCHEMA_CALLS = 8;

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void inProcessTinyArithIsAsAccurateOnTheTimesTableAsLlamaServer() throws Exception {
        List<String> questions = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        for (int a = 0; a < TABLE; a++) {
            for (int b = 0; b < TABLE; b++) {
                questions.add("What is " + a + " times " + b + "? Answer with a number.");
                gold.add(Integer.toString(a * b));
            }
        }
        GgufBinding inProcess =
                GgufBinding.parse(
                        LocalLlamaServer.sharedModel("tiny-arith.gguf") + "?threads=2&slots=1");
        List<ModelCompletion> ours = answers(inProcess, questions);
        List<ModelCompletion> server;
        try (LocalLlamaServer llamaServer =
                LocalLlamaServer.builder(LocalLlamaServer.sharedModel("tiny-arith.gguf"))
                        .contextTokens(4096)
                        .slots(1)
                        .start()) {
            server =
                    answers(
                            OpenAiCompatibleBinding.parse(
                                    llamaServer.openAiBaseUrl() + "#tiny-arith?structured=off"),
                            questions);
        }

        int oursCorrect = correct(ours, gold);
        int serverCorrect = correct(server, gold);
        int same = 0;
        for (int i = 0; i < ours.size(); i++) {
            same += ours.get(i).text().equals(server.get(i).text()) ? 1 : 0;
        }
        System.out.printf(
                "tiny-arith, 169 times-table questions at temperature 0: gguf: %d correct,"
                        + " llama-server %d correct, %d identical answers; completion tokens %d"
                        + " and %d, prompt tokens %d and %d%n",
                oursCorrect,
                serverCorrect,
                same,
                sum(ours, ModelCompletion::completionTokens),
                sum(server, ModelCompletion::completionTokens),
                sum(ours, ModelCompletion::promptTokens),
                sum(server, ModelCompletion::promptTokens));
        assertThat(oursCorrect).isEqualTo(serverCorrect);
        // Usage is counted as llama-server counts it.
        assertThat(sum(ours, ModelCompletion::completionTokens))
                .isEqualTo(sum(server, ModelCompletion::completionTokens));
        assertThat(sum(ours, ModelCompletion::promptTokens))
                .isEqualTo(sum(server, ModelCompletion::promptTokens));
        // SOURCE.txt's figure for this model and prompt through llama-server.
        assertThat(serverCorrect).isEqualTo(166);
    }

    @Test
    void everyReplyOfARandomModelFollowsTheCallsSchema() throws Exception {
        // Strings need a bound: an untrained model otherwise never closes one (SOURCE.txt).
        GgufBinding binding =
                GgufBinding.parse(
                        LocalLlamaServer.sharedModel("random-tiny.gguf")
                                + "?threads=2&slots=2&ctx=1024&max-chars=20&max-items=2"
                                + "&max-tokens=160");
        List<ReplyField> fields =
                List.of(ReplyField.CONCEPTS, ReplyField.EXPLANATION, ReplyField.CLASS);
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(ReplySchema.of(fields, 20, 2));
        CallPurpose purpose =
                CallPurpose.of("verify", Role.VERIFIER, List.of(CallInput.QUESTION), fields);
        List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
        try (AsyncChatModel model = binding.open(0, 1)) {
            for (int i = 0; i < SCHEMA_CALLS; i++) {
                String text = "Is 12 times 7 equal to " + (80 + i) + "?";
                calls.add(
                        model.complete(
                                new ModelRequest(
                                        Role.VERIFIER,
                                        List.of(ChatMessage.user(text)),
                                        1.0,
                                        512,
                                        new CallContext(
                                                Question.of("q-" + i, text),
                                                "lm2",
                                                purpose,
                                                1,
                                                1,
                                                0,
                                                Map.of()))));
            }
            for (CompletableFuture<ModelCompletion> call : calls) {
                String reply = call.get(5, TimeUnit.MINUTES).text();
                JsonNode json = Json.mapper().readTree(reply);
                assertThat(schema.validate(json)).as(reply).isEmpty();
            }
        }
    }

    @Test
    void aRunWithEveryRoleInProcessEndsEveryQuestionAndNamesTheModel() throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(
                        console.run(
                                "generate",
                                "--count",
                                "4",
                                "--seed",
                                "5",
                                "--output",
                                input.toString()))
                .as(console.err())
                .isZero();
        Path model = LocalLlamaServer.sharedModel("tiny-arith.gguf");
        String spec = "gguf:" + model + "?threads=2&ctx=2048&max-chars=16&max-tokens=160";
        Path output = dir.resolve("out");
        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=" + spec,
                        "--strategies",
                        "cot,lm2",
                        "--max-steps",
                        "1",
                        "--max-regenerations",
                        "0",
                        "--parallelism",
                        "2");
        assertThat(code).as(console.err()).isZero();
        List<Result> results =
                Files.readAllLines(output.resolve("results.jsonl")).stream()
                        .map(line -> Json.read(line, Result.class))
                        .toList();
        System.out.println(
                "tiny-arith in every role, cot and lm2 over 4 generated questions: "
                        + results.stream()
                                .map(r -> r.strategy() + " " + r.status() + " " + r.reason())
                                .sorted()
                                .toList());
        assertThat(results).hasSize(8);
        String described = GgufBinding.parse(spec).describe();
        assertThat(results)
                .allSatisfy(
                        r -> {
                            assertThat(r.status()).isNotNull();
                            assertThat(r.simulated()).isFalse();
                            assertThat(r.models()).containsEntry("solver", described);
                            assertThat(r.modelIdentity())
                                    .containsEntry("solver", GgufBinding.parse(spec).identity());
                        });
        assertThat(GgufBinding.parse(spec).identity().file()).isEqualTo("tiny-arith.gguf");
        assertThat(console.out()).doesNotContain(SimulatedNotice.TEXT);
    }

    /**
     * Section 3's accuracy check, in process: {@code cot} over the 169 times-table questions with
     * the example prompt set whose user message is {@code {{question}}}; Triad's accuracy (and each
     * answer) equals the model's own on the very messages the prompt set renders, asked directly
     * through the same binding at temperature 0.
     */
    @Test
    void aCotRunInProcessWithAPromptSetAnswersAsTheModelItselfDoes() throws Exception {
        Path promptsDir = LocalScript.repositoryRoot().resolve("examples/prompts/tiny-arith");
        PromptSet prompts = PromptSet.load(promptsDir);
        Path model = LocalLlamaServer.sharedModel("tiny-arith.gguf");
        String spec = "gguf:" + model + "?threads=2&slots=1&structured=off&max-tokens=8";
        Path input = dir.resolve("times.jsonl");
        Map<String, String> gold = new LinkedHashMap<>();
        Map<String, String> direct = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        try (AsyncChatModel bare = GgufBinding.parse(spec).open(0, 1)) {
            for (int a = 0; a < TABLE; a++) {
                for (int b = 0; b < TABLE; b++) {
                    String id = a + "x" + b;
                    String text = "What is " + a + " times " + b + "?";
                    gold.put(id, Integer.toString(a * b));
                    lines.append(Json.write(Map.of("id", id, "text", text, "gold", gold.get(id))))
                            .append('\n');
                    List<ChatMessage> chat =
                            prompts.render(
                                    "cot", CotPurpose.WHOLE_QUESTION, Map.of("question", text));
                    direct.put(
                            id,
                            bare.complete(new ModelRequest(Role.SOLVER, chat, 0.0, 8, null))
                                    .get(60, TimeUnit.SECONDS)
                                    .text()
                                    .strip());
                }
            }
        }
        Files.writeString(input, lines);
        long modelCorrect =
                gold.keySet().stream().filter(id -> gold.get(id).equals(direct.get(id))).count();

        Path output = dir.resolve("times");
        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--strategies",
                        "cot",
                        "--prompts",
                        promptsDir.toString(),
                        "--model",
                        "all=" + spec);
        assertThat(code).as(console.err()).isZero();
        List<Result> results =
                Files.readAllLines(output.resolve("results.jsonl")).stream()
                        .map(line -> Json.read(line, Result.class))
                        .toList();
        long triadCorrect = results.stream().filter(r -> Boolean.TRUE.equals(r.correct())).count();
        System.out.printf(
                "tiny-arith in process (gguf:), cot with examples/prompts/tiny-arith, 169"
                        + " times-table questions: the model %d/169, Triad %d/169%n",
                modelCorrect, triadCorrect);

        assertThat(modelCorrect).isGreaterThanOrEqualTo(150);
        assertThat(results).hasSize(169);
        assertThat(triadCorrect).isEqualTo(modelCorrect);
        assertThat(results)
                .allSatisfy(
                        r -> {
                            assertThat(r.answer()).isEqualTo(direct.get(r.id()));
                            assertThat(r.simulated()).isFalse();
                            assertThat(r.prompts()).isEqualTo(prompts.identity());
                            assertThat(r.modelIdentity().get("solver").file())
                                    .isEqualTo("tiny-arith.gguf");
                        });
    }

    private static List<ModelCompletion> answers(ModelBinding binding, List<String> questions)
            throws Exception {
        List<ModelCompletion> answers = new ArrayList<>();
        try (AsyncChatModel model = binding.open(0, 1)) {
            for (String q : questions) {
                ModelRequest request =
                        new ModelRequest(Role.SOLVER, List.of(ChatMessage.user(q)), 0.0, 8, null);
                answers.add(model.complete(request).get(60, TimeUnit.SECONDS));
            }
        }
        return answers;
    }

    private static int correct(List<ModelCompletion> answers, List<String> gold) {
        int n = 0;
        for (int i = 0; i < answers.size(); i++) {
            n += answers.get(i).text().strip().equals(gold.get(i)) ? 1 : 0;
        }
        return n;
    }

    private static long sum(List<ModelCompletion> completions, ToIntFunction<ModelCompletion> f) {
        return completions.stream().mapToLong(f::applyAsInt).sum();
    }
}
