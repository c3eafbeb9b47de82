package dev.triad.jobs.engines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.local.LocalLlamaServer;
import dev.triad.jobs.local.LocalScript;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelErrors;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import dev.triad.model.openai.EndpointStats;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.model.openai.OpenAiCompatibleModel;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.PromptSet;
import dev.triad.schemas.Json;
import dev.triad.schemas.ModelIdentity;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triad against a real inference engine: llama.cpp's {@code llama-server} with the shared test
 * models ({@code ../shared/models/}, see their SOURCE.txt), reached through the {@code openai:}
 * client. {@code random-tiny} has random weights: it writes garbage, so those tests check plumbing
 * (structured outputs, context limits, streaming), never answers; {@code tiny-arith} knows the
 * times table, and its accuracy through Triad is checked against the engine's own.
 */
class LlamaServerITCase {

    private static final int QUESTIONS = 50;

    /** tiny-arith.gguf's SHA-256, as ../shared/models/SOURCE.txt gives it. */
    private static final String TINY_ARITH_SHA256 =
            "1ebd08dd0eced93864a13599ee1aeb20c658854eb8b3e0b0ee6ffbefb385c290";

    /** Small bounds keep a random model's replies short and closed (see ReplySchema). */
    private static final String SMALL = "max-tokens=96&max-chars=12&max-items=2&attempts=2";

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void structuredOutputsLetARandomModelCompleteLm2ButWithoutThemEveryQuestionFails()
            throws Exception {
        Path input = dir.resolve("q.jsonl");
        assertThat(
                        console.run(
                                "generate",
                                "--count",
                                Integer.toString(QUESTIONS),
                                "--seed",
                                "13",
                                "--output",
                                input.toString()))
                .isZero();
        try (LocalLlamaServer server =
                LocalLlamaServer.builder(LocalLlamaServer.sharedModel("random-tiny.gguf"))
                        .contextTokens(8192)
                        .slots(4)
                        .start()) {
            String url = server.openAiBaseUrl() + "#random-tiny?" + SMALL;

            long start = System.nanoTime();
            List<Result> structured = run(input, dir.resolve("structured"), url);
            long structuredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            start = System.nanoTime();
            List<Result> off =
                    run(
                            input,
                            dir.resolve("off"),
                            server.openAiBaseUrl() + "#random-tiny?max-tokens=24&structured=off");
            long offMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            long unparsable = structured.stream().filter(r -> unparsable(r)).count();
            long completed = structured.stream().filter(r -> r.status() != Status.FAILED).count();
            long offUnparsable = off.stream().filter(r -> unparsable(r)).count();
            System.out.printf(
                    "random-tiny x lm2, %d questions: structured=json_schema %d completed, %d"
                            + " unparsable, %d ms; structured=off %d unparsable, %d ms%n",
                    QUESTIONS, completed, unparsable, structuredMs, offUnparsable, offMs);

            assertThat(structured)
                    .hasSize(QUESTIONS)
                    .allSatisfy(r -> assertThat(r.status()).isNotNull());
            assertThat(unparsable)
                    .as(
                            "questions FAILED for unparsable replies with structured outputs: %s",
                            reasons(structured))
                    .isLessThanOrEqualTo(QUESTIONS / 20);
            assertThat(completed).isGreaterThanOrEqualTo(QUESTIONS * 95 / 100);

            assertThat(off).hasSize(QUESTIONS);
            assertThat(off)
                    .allSatisfy(
                            r -> {
                                assertThat(r.status()).isEqualTo(Status.FAILED);
                                assertThat(r.reason()).contains("was not the JSON asked for");
                                assertThat(r.steps()).isNotEmpty();
                                assertThat(r.steps().get(r.steps().size() - 1).raw()).isNotBlank();
                            });
        }
    }

    @Test
    void aPromptLongerThanTheContextFailsWithTheEnginesMessageAndIsNotRetried() throws Exception {
        try (LocalLlamaServer server =
                LocalLlamaServer.builder(LocalLlamaServer.sharedModel("random-tiny.gguf"))
                        .contextTokens(256)
                        .slots(1)
                        .start()) {
            OpenAiCompatibleBinding binding =
                    OpenAiCompatibleBinding.parse(
                            server.openAiBaseUrl() + "#random-tiny?max-tokens=16&attempts=3");
            try (OpenAiCompatibleModel model = (OpenAiCompatibleModel) binding.open(0)) {
                ExecutionException failed =
                        org.assertj.core.api.Assertions.catchThrowableOfType(
                                () -> model.complete(request("word ".repeat(2000))).get(),
                                ExecutionException.class);
                Throwable cause = ModelErrors.unwrap(failed);
                assertThat(cause).isInstanceOf(ModelCallException.class);
                assertThat(((ModelCallException) cause).retriable()).isFalse();
                assertThat(cause.getMessage())
                        .contains("400", "exceeds the available context size", "llama-server -c");
                assertThat(model.retries()).isZero();
                assertThat(model.stats().get(0).sent()).isEqualTo(1);
            }

            Path input = dir.resolve("long.jsonl");
            Files.writeString(
                    input,
                    Json.mapper()
                                    .writeValueAsString(
                                            Map.of(
                                                    "id",
                                                    "long-1",
                                                    "text",
                                                    "How many words? " + "word ".repeat(600)))
                            + "\n");
            List<Result> results =
                    run(
                            input,
                            dir.resolve("long"),
                            server.openAiBaseUrl() + "#random-tiny?" + SMALL);
            assertThat(results).hasSize(1);
            Result result = results.get(0);
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.reason())
                    .contains(
                            "exceeds the available context size", "llama-server -c", "not retried");
            assertThat(result.usage().values().stream().mapToLong(u -> u.calls()).sum())
                    .isEqualTo(1);
        }
    }

    @Test
    void aStreamedCompletionReportsUsageAndTimeToFirstToken() throws Exception {
        try (LocalLlamaServer server =
                LocalLlamaServer.builder(LocalLlamaServer.sharedModel("tiny-arith.gguf"))
                        .contextTokens(4096)
                        .slots(1)
                        .start()) {
            OpenAiCompatibleBinding binding =
                    OpenAiCompatibleBinding.parse(
                            server.openAiBaseUrl() + "#tiny-arith?stream=true&structured=off");
            try (OpenAiCompatibleModel model = (OpenAiCompatibleModel) binding.open(0)) {
                ModelCompletion completion =
                        model.complete(request("What is 12 times 7?")).get(60, TimeUnit.SECONDS);
                assertThat(completion.text()).isEqualTo("84");
                assertThat(completion.promptTokens()).isPositive();
                assertThat(completion.completionTokens()).isPositive();
                EndpointStats stats = model.stats().get(0);
                assertThat(stats.streamed()).isEqualTo(1);
                assertThat(stats.timeToFirstToken().count()).isEqualTo(1);
                assertThat(stats.timeToFirstToken().maxMillis())
                        .isPositive()
                        .isLessThanOrEqualTo(completion.latencyMs());
                assertThat(stats.completionTokens()).isEqualTo(completion.completionTokens());
            }
        }
    }

    /**
     * The first accuracy in Triad that comes from a model: tiny-arith (a real, if tiny, model) on
     * the 169 questions "What is A times B?" (A, B in 0..12), cot with the example prompt set whose
     * user message is {@code {{question}}}. Triad's accuracy must equal the engine's own, measured
     * here directly with the very messages Triad renders, at temperature 0: the client must not
     * change what the model answers. Prompt caching is off and there is one slot, so the engine
     * answers a chat the same whatever the order of the calls.
     */
    @Test
    void tinyArithAccuracyThroughTriadEqualsTheEnginesOwnOnTheSameMessages() throws Exception {
        Path promptsDir = LocalScript.repositoryRoot().resolve("examples/prompts/tiny-arith");
        PromptSet prompts = PromptSet.load(promptsDir);
        Path input = dir.resolve("times.jsonl");
        Map<String, String> gold = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (int a = 0; a <= 12; a++) {
            for (int b = 0; b <= 12; b++) {
                String id = a + "x" + b;
                gold.put(id, Integer.toString(a * b));
                lines.append(
                                Json.write(
                                        Map.of(
                                                "id",
                                                id,
                                                "text",
                                                "What is " + a + " times " + b + "?",
                                                "gold",
                                                Integer.toString(a * b))))
                        .append('\n');
            }
        }
        Files.writeString(input, lines);
        Path weights = LocalLlamaServer.sharedModel("tiny-arith.gguf");
        String engine = LocalLlamaServer.version(LocalLlamaServer.sharedBinary());

        try (LocalLlamaServer server =
                LocalLlamaServer.builder(LocalLlamaServer.sharedModel("tiny-arith.gguf"))
                        .contextTokens(4096)
                        .slots(1)
                        .arguments("--no-cache-prompt")
                        .start()) {
            // The engine's own answers: Triad's messages, sent by a bare HTTP client.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, String> direct = new LinkedHashMap<>();
            long start = System.nanoTime();
            for (String id : gold.keySet()) {
                String[] ab = id.split("x");
                List<ChatMessage> chat =
                        prompts.render(
                                "cot",
                                CotPurpose.WHOLE_QUESTION,
                                Map.of("question", "What is " + ab[0] + " times " + ab[1] + "?"));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("model", "tiny-arith");
                body.put(
                        "messages",
                        chat.stream()
                                .map(m -> Map.of("role", m.role(), "content", m.content()))
                                .toList());
                body.put("temperature", 0);
                body.put("max_tokens", 8);
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        server.openAiBaseUrl()
                                                                + "/chat/completions"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                direct.put(
                        id,
                        Json.mapper()
                                .readTree(response.body())
                                .at("/choices/0/message/content")
                                .asText()
                                .strip());
            }
            long directMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long engineCorrect =
                    gold.keySet().stream()
                            .filter(id -> gold.get(id).equals(direct.get(id)))
                            .count();
            start = System.nanoTime();

            Path output = dir.resolve("tiny-arith");
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
                            "all=openai:"
                                    + server.openAiBaseUrl()
                                    + "#tiny-arith?structured=off&max-tokens=8&model-file="
                                    + weights
                                    + "&engine="
                                    + engine);
            assertThat(code).as(console.err()).isZero();
            long triadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            List<Result> results =
                    Files.readAllLines(output.resolve("results.jsonl")).stream()
                            .map(line -> Json.read(line, Result.class))
                            .toList();
            long triadCorrect =
                    results.stream().filter(r -> Boolean.TRUE.equals(r.correct())).count();
            System.out.printf(
                    "tiny-arith x cot, 169 times-table questions: engine %d/169 (%d ms, one"
                            + " call at a time), Triad %d/169 (%d ms, the whole run)%n",
                    engineCorrect, directMs, triadCorrect, triadMs);

            assertThat(engineCorrect)
                    .as(
                            "the engine's own accuracy (SOURCE.txt measured 166/169 with another prompt)")
                    .isGreaterThanOrEqualTo(150);
            assertThat(results).hasSize(169);
            assertThat(triadCorrect).isEqualTo(engineCorrect);
            assertThat(results)
                    .as("Triad's answer to each question is the engine's")
                    .allSatisfy(
                            r -> {
                                assertThat(r.status()).isEqualTo(Status.SOLVED);
                                assertThat(r.answer()).isEqualTo(direct.get(r.id()));
                            });
            assertThat(results)
                    .allSatisfy(
                            r -> {
                                assertThat(r.simulated()).isFalse();
                                assertThat(r.simulator()).isNull();
                                assertThat(r.prompts()).isEqualTo(prompts.identity());
                                assertThat(r.modelIdentity())
                                        .containsExactly(
                                                Map.entry(
                                                        "solver",
                                                        new ModelIdentity(
                                                                "tiny-arith.gguf",
                                                                TINY_ARITH_SHA256,
                                                                engine)));
                            });

            assertThat(console.out())
                    .as("the run's summary")
                    .doesNotContain("SIMULATED")
                    .contains(
                            "model solver: tiny-arith.gguf (sha256 "
                                    + TINY_ARITH_SHA256.substring(0, 12))
                    .contains("prompts " + promptsDir);
            console.resetOut();
            assertThat(console.run("eval", output.resolve("results.jsonl").toString())).isZero();
            assertThat(console.out())
                    .doesNotContain("SIMULATED")
                    .contains("tiny-arith.gguf", TINY_ARITH_SHA256.substring(0, 12), engine)
                    .contains(promptsDir.toString());
        }
    }

    private static ModelRequest request(String user) {
        return new ModelRequest(
                Role.SOLVER,
                List.of(ChatMessage.user(user)),
                0.0,
                16,
                new CallContext(
                        Question.of("q-1", user),
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

    private List<Result> run(Path input, Path output, String spec) throws Exception {
        int code =
                console.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=openai:" + spec,
                        "--strategies",
                        "lm2",
                        "--max-steps",
                        "1",
                        "--max-regenerations",
                        "0",
                        "--question-timeout",
                        "15min");
        assertThat(code).as(console.err()).isZero();
        return Files.readAllLines(output.resolve("results.jsonl")).stream()
                .map(line -> Json.read(line, Result.class))
                .toList();
    }

    private static boolean unparsable(Result r) {
        return r.status() == Status.FAILED
                && r.reason() != null
                && r.reason().contains("was not the JSON asked for");
    }

    private static List<String> reasons(List<Result> results) {
        return results.stream()
                .filter(r -> r.status() == Status.FAILED)
                .map(Result::reason)
                .toList();
    }
}
