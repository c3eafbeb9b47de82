package dev.triad.jobs.demos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.jobs.SchemaValidator;
import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.TriadJob;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.SimulatedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrieved demonstrations end to end on a MiniCluster at parallelism 2: GSM8K test questions (the
 * socratic split, so the simulated oracle has gold steps) run lm2 with a pool of GSM8K train
 * questions read through {@code examples/mappings/gsm8k-train.yaml}, embedded by the bundled model,
 * {@code --shots 3}. Two of the evaluated questions are planted in the pool: they must be skipped.
 * Every chat a model is sent is recorded; every decomposer chat holds 3 worked examples, none of
 * them the question; results record them; and {@code triad export} renders every decomposer prompt
 * again exactly as it was sent.
 */
class DemonstrationsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int QUESTIONS = 12;
    private static final int POOL = 300;
    private static final int SHOTS = 3;

    /** (question id, purpose, step, attempt) → the chat sent. */
    private static final Map<String, List<ChatMessage>> SENT = new ConcurrentHashMap<>();

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    @Test
    void everyDecomposerPromptShowsThreeOtherQuestionsAndExportRendersThemExactly()
            throws Exception {
        Path shared = shared();
        Path input = dir.resolve("test_socratic.jsonl");
        List<String> evaluated;
        try (Stream<String> lines = Files.lines(shared.resolve("gsm8k/test_socratic.jsonl"))) {
            evaluated = lines.limit(QUESTIONS).toList();
        }
        Files.write(input, evaluated);
        // The pool: GSM8K train, and the first two evaluated questions (from test.jsonl, the same
        // questions with plain worked solutions), which retrieval must pass over.
        Path pool = dir.resolve("train.jsonl");
        List<String> poolLines = new ArrayList<>();
        try (Stream<String> lines = Files.lines(shared.resolve("gsm8k/train.jsonl"))) {
            poolLines.addAll(lines.limit(POOL).toList());
        }
        try (Stream<String> lines = Files.lines(shared.resolve("gsm8k/test.jsonl"))) {
            poolLines.addAll(lines.limit(2).toList());
        }
        Files.write(pool, poolLines);
        FieldMapping poolMapping = FieldMapping.load(DemonstrationPoolTest.GSM8K_TRAIN_MAPPING);
        DemonstrationPool read = DemonstrationPool.read(pool, poolMapping);
        DemonstrationSettings demonstrations =
                new DemonstrationSettings(
                        pool.toString(),
                        "train.jsonl",
                        poolMapping,
                        read.sha256(),
                        SHOTS,
                        DemonstrationSettings.DEFAULT_CUT,
                        DemonstrationSettings.DEFAULT_EXACT_UP_TO,
                        EmbeddingSettings.builder().batchSize(16).build());

        Path out = dir.resolve("out");
        OutputLayout layout = OutputLayout.in(out);
        layout.prepare();
        Reasoning.Builder reasoning = Reasoning.builder().strategies(List.of("lm2"));
        for (Role role : Role.values()) {
            reasoning.model(role, new Recording());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        TriadJob.builder()
                .source(JsonlFiles.source(input))
                .parser(new QuestionParser(FieldMapping.load("gsm8k-socratic"), 20_000))
                .reasoning(reasoning.build())
                .results(layout.resultsSink())
                .deadLetters(layout.deadLettersSink())
                .demonstrations(demonstrations)
                .build()
                .execute(env, "demonstrations test");
        layout.merge();
        List<Result> results =
                Files.readAllLines(layout.resultsFile()).stream()
                        .map(l -> Json.read(l, Result.class))
                        .toList();
        assertThat(results).hasSize(QUESTIONS);

        // Results record what was shown: 3 examples of this pool, none the question itself.
        SchemaValidator schema = SchemaValidator.result();
        for (Result result : results) {
            assertThat(schema.violations(Json.write(result))).as(result.id()).isEmpty();
            assertThat(result.demonstrations()).as(result.id()).isNotNull();
            assertThat(result.demonstrations().sha256()).isEqualTo(read.sha256());
            assertThat(result.demonstrations().pool()).isEqualTo("train.jsonl");
            assertThat(result.demonstrations().examples()).hasSize(SHOTS);
            for (Demonstration shown : result.demonstrations().examples()) {
                assertThat(DemonstrationPool.normalise(shown.question()))
                        .isNotEqualTo(DemonstrationPool.normalise(result.question()));
                assertThat(shown.id()).startsWith("train.jsonl:");
                assertThat(shown.score()).isLessThan(DemonstrationSettings.DEFAULT_CUT);
            }
        }
        // The planted copies were passed over (the pool's last two lines).
        for (String id : List.of("test_socratic.jsonl:1", "test_socratic.jsonl:2")) {
            Result planted = results.stream().filter(r -> r.id().equals(id)).findFirst().get();
            assertThat(planted.demonstrations().skipped()).as(id).isPositive();
            assertThat(planted.demonstrations().ids())
                    .doesNotContain("train.jsonl:" + (POOL + 1), "train.jsonl:" + (POOL + 2));
        }

        // Every decomposer chat showed the 3 examples, in the built-in rendering.
        int decomposerChats = 0;
        for (Map.Entry<String, List<ChatMessage>> sent : SENT.entrySet()) {
            String purpose = sent.getKey().split("\\|")[1];
            List<ChatMessage> chat = sent.getValue();
            JsonNode user = Json.mapper().readTree(chat.get(chat.size() - 1).content());
            if (purpose.equals("concepts") || purpose.equals("subquestion")) {
                decomposerChats++;
                assertThat(user.get("demonstrations")).as(sent.getKey()).hasSize(SHOTS);
                assertThat(chat.get(0).content()).endsWith(PromptLibrary.demonstrationsNote());
                String question = user.get("question").asText();
                for (JsonNode example : user.get("demonstrations")) {
                    assertThat(example.get("question").asText()).isNotEqualTo(question);
                    assertThat(example.get("steps")).isNotEmpty();
                }
            } else {
                assertThat(user.has("demonstrations")).as(sent.getKey()).isFalse();
                assertThat(chat.get(0).content())
                        .doesNotContain(PromptLibrary.demonstrationsNote());
            }
        }
        assertThat(decomposerChats).isGreaterThan(QUESTIONS * 2);

        // eval names the pool beside the figures.
        assertThat(console.run("eval", out.toString())).as(console.err()).isIn(0, 1);
        assertThat(console.out())
                .contains("demonstrations train.jsonl (sha256 " + read.sha256().substring(0, 12))
                .contains("worked examples in " + QUESTIONS + " results");

        // triad export renders each decomposer call again exactly as it was sent.
        Path kto = dir.resolve("kto.jsonl");
        assertThat(
                        console.run(
                                "export",
                                out.toString(),
                                "--format",
                                "trl-kto",
                                "--keep",
                                "all",
                                "--validation",
                                "0",
                                "--no-dedupe",
                                "--allow-simulated",
                                "--output",
                                kto.toString()))
                .as(console.err())
                .isZero();
        List<String> examples = Files.readAllLines(kto);
        assertThat(examples).hasSizeGreaterThan(QUESTIONS);
        for (String line : examples) {
            JsonNode example = Json.mapper().readTree(line);
            JsonNode metadata = example.get("metadata");
            String key =
                    key(
                            metadata.get("id").asText(),
                            metadata.get("purpose").asText(),
                            metadata.get("step").asInt(),
                            metadata.get("attempt").asInt());
            assertThat(SENT).as(key).containsKey(key);
            List<ChatMessage> sent = SENT.get(key);
            JsonNode prompt = example.get("prompt");
            assertThat(prompt).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                assertThat(prompt.get(i).get("role").asText()).isEqualTo(sent.get(i).role());
                assertThat(prompt.get(i).get("content").asText())
                        .as("message %d of %s", i, key)
                        .isEqualTo(sent.get(i).content());
            }
        }
    }

    private static Path shared() {
        String configured = System.getProperty("triad.shared.dir");
        Path shared =
                configured != null && Files.isDirectory(Path.of(configured))
                        ? Path.of(configured)
                        : Path.of("../../shared");
        return shared.resolve("datasets").toAbsolutePath().normalize();
    }

    private static String key(String question, String purpose, int step, int attempt) {
        return question + "|" + purpose + "|" + step + "|" + attempt;
    }

    /** The simulated oracle at realistic rates, recording every chat it is sent. */
    record Recording() implements ModelBinding {
        @Override
        public AsyncChatModel open(int subtaskIndex) {
            AsyncChatModel model = SimulatedModel.forProfile("zero", 3);
            return new AsyncChatModel() {
                @Override
                public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
                    var call = request.context();
                    SENT.put(
                            key(call.questionId(), call.purposeKey(), call.step(), call.attempt()),
                            request.messages());
                    return model.complete(request);
                }
            };
        }

        @Override
        public String describe() {
            return "sim:zero (recorded)";
        }

        @Override
        public boolean simulated() {
            return true;
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("profile", "zero");
        }
    }
}
