package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallContext;
import dev.triad.model.CallHeader;
import dev.triad.model.ChatMessage;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.PlanSolvePurpose;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.ReplyParser;
import dev.triad.reasoning.StrategyPurpose;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModel;
import dev.triad.simulator.SimulatorSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behind HTTP the server answers Triad's real prompts (rendered by {@link PromptLibrary}) with the
 * same oracle as the in-process simulated model, so the replies parse into what each purpose asks
 * for, and with a perfect oracle they are the gold steps.
 */
class RoleAwareOracleTest {

    private static final long SEED = 7;
    private static final List<Question> BOOK = new ProblemGenerator(11).stream(20).toList();

    private static SimulatedServer perfect;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        perfect =
                SimulatedServer.start(
                        ServerTestSupport.zero()
                                .oracle(
                                        SimulatorSettings.profile(
                                                SimulatorSettings.PROFILE_PERFECT))
                                .questions(BOOK)
                                .seed(SEED)
                                .build());
        http = ServerTestSupport.client();
    }

    @AfterAll
    static void stop() {
        perfect.close();
    }

    @Test
    void aCallIsAnsweredFromItsHeaderWhateverItsPromptSays() throws Exception {
        Question q = BOOK.get(3);
        Map<String, Object> check = inputs(q);
        check.put("verified", List.of());
        check.put("subquestion", q.goldSteps().get(0).subquestion());
        check.put("answer", q.goldSteps().get(0).answer());
        // A prompt of the user's own: nothing in it names Triad's templates.
        List<ChatMessage> messages =
                List.of(
                        ChatMessage.system("You are a helpful assistant."),
                        ChatMessage.user(dev.triad.schemas.Json.write(check)));
        CallContext call = new CallContext(q, "lm2", Lm2Purpose.VERIFY, 1, 1, 0, check);

        ObjectNode verdict =
                ReplyParser.parseObject(send(perfect, messages, CallHeader.encode(call)));

        assertThat(ReplyParser.requireText(verdict, "class")).isEqualTo("no_mistake");
        // Without the header, only a call that carries nothing but a question can be placed.
        assertThat(send(perfect, messages, null)).contains("SIMULATED reply");
    }

    @Test
    void lm2PromptsGetTheGoldStepsOneByOne() throws Exception {
        Question q = BOOK.get(3);
        List<GoldStep> gold = q.goldSteps();

        ObjectNode first = ask(perfect, "lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs(q));
        assertThat(first.path("concepts")).isNotEmpty();
        String subquestion = ReplyParser.requireText(first, "subquestion");

        List<Map<String, Object>> verified = new ArrayList<>();
        for (int k = 0; k < gold.size(); k++) {
            assertThat(subquestion).isEqualTo(gold.get(k).subquestion());
            Map<String, Object> solve = inputs(q);
            solve.put("concepts", List.of("Multiplication"));
            solve.put("verified", List.copyOf(verified));
            solve.put("subquestion", subquestion);
            String answer =
                    ReplyParser.requireText(
                            ask(perfect, "lm2", Lm2Purpose.ANSWER_SUBQUESTION, solve), "answer");
            assertThat(answer).isEqualTo(gold.get(k).answer());

            Map<String, Object> check = inputs(q);
            check.put("verified", List.copyOf(verified));
            check.put("subquestion", subquestion);
            check.put("answer", answer);
            ObjectNode verdict = ask(perfect, "lm2", Lm2Purpose.VERIFY, check);
            assertThat(ReplyParser.requireText(verdict, "class")).isEqualTo("no_mistake");
            assertThat(ReplyParser.requireText(verdict, "explanation")).isNotBlank();

            verified.add(Map.of("subquestion", subquestion, "answer", answer));
            Map<String, Object> next = inputs(q);
            next.put("concepts", List.of("Multiplication"));
            next.put("verified", List.copyOf(verified));
            ObjectNode decomposed = ask(perfect, "lm2", Lm2Purpose.NEXT_SUBQUESTION, next);
            if (k == gold.size() - 1) {
                assertThat(decomposed.path("done").asBoolean()).isTrue();
            } else {
                subquestion = ReplyParser.requireText(decomposed, "subquestion");
            }
        }
        Map<String, Object> last = inputs(q);
        last.put("concepts", List.of("Multiplication"));
        last.put("verified", verified);
        assertThat(
                        ReplyParser.requireText(
                                ask(perfect, "lm2", Lm2Purpose.FINAL_ANSWER, last), "answer"))
                .isEqualTo(q.gold());
    }

    @Test
    void cotAndPlanSolvePromptsGetGoldReplies() throws Exception {
        Question q = BOOK.get(5);

        ObjectNode cot = ask(perfect, "cot", CotPurpose.WHOLE_QUESTION, inputs(q));
        ObjectNode plan = ask(perfect, "plan-solve", PlanSolvePurpose.PLAN, inputs(q));

        assertThat(ReplyParser.requireText(cot, "answer")).isEqualTo(q.gold());
        assertThat(ReplyParser.requireText(cot, "reasoning")).isNotBlank();
        List<String> subquestions = new ArrayList<>();
        plan.path("subquestions").forEach(s -> subquestions.add(s.asText()));
        assertThat(subquestions)
                .containsExactlyElementsOf(
                        q.goldSteps().stream().map(GoldStep::subquestion).toList());
    }

    @Test
    void questionsOutsideTheBookGetTheOraclesNoGoldBehaviour() throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", "A question the oracle book does not have: what is 6 times 7?");

        ObjectNode reply = ask(perfect, "lm2", Lm2Purpose.CONCEPTS_AND_FIRST, inputs);

        assertThat(ReplyParser.requireText(reply, "subquestion"))
                .isEqualTo("What quantities does the question give, and how are they related?");
    }

    @Test
    void repliesEqualTheInProcessOracleWithTheSameSeed() throws Exception {
        SimulatorSettings rates = SimulatorSettings.profile(SimulatorSettings.PROFILE_DEFAULT);
        SimulatedModel inProcess = new SimulatedModel(rates, SEED);
        try (SimulatedServer realistic =
                SimulatedServer.start(
                        ServerTestSupport.zero()
                                .oracle(rates)
                                .questions(BOOK)
                                .seed(SEED)
                                .build())) {
            for (Question q : BOOK) {
                Map<String, Object> inputs = inputs(q);
                inputs.put(
                        "verified",
                        List.of(
                                Map.of(
                                        "subquestion",
                                        q.goldSteps().get(0).subquestion(),
                                        "answer",
                                        "1")));
                inputs.put("subquestion", q.goldSteps().get(1).subquestion());
                inputs.put("answer", q.goldSteps().get(1).answer());
                inputs.put("feedback", Map.of("class", "computational_mistake"));

                String overHttp = content(realistic, "lm2", Lm2Purpose.VERIFY, inputs);

                CallContext context = new CallContext(q, "lm2", Lm2Purpose.VERIFY, 2, 2, 0, inputs);
                assertThat(overHttp).isEqualTo(inProcess.reply(context));
            }
        }
    }

    @Test
    void theSameCallAskedAgainWithoutAHeaderIsAFreshDrawLikeARetry() throws Exception {
        SimulatorSettings rates =
                SimulatorSettings.builder().noLatency().unparsableRate(0.5).build();
        SimulatedModel inProcess = new SimulatedModel(rates, SEED);
        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerTestSupport.zero()
                                .oracle(rates)
                                .questions(BOOK)
                                .seed(SEED)
                                .build())) {
            Question q = BOOK.get(0);
            List<ChatMessage> messages =
                    PromptLibrary.render("cot", CotPurpose.WHOLE_QUESTION, inputs(q));
            for (int retry = 0; retry < 4; retry++) {
                // A client that sends no header (e.g. ML_PREDICT) is answered as cot's call.
                String overHttp = send(server, messages, null);

                CallContext context =
                        new CallContext(
                                q, "cot", CotPurpose.WHOLE_QUESTION, 0, 1, retry, inputs(q));
                assertThat(overHttp).isEqualTo(inProcess.reply(context));
            }
        }
    }

    @Test
    void aCallAnsweredAgainIsCountedByItsHeaderNotItsText() throws Exception {
        try (SimulatedServer server =
                SimulatedServer.start(
                        ServerTestSupport.zero().questions(BOOK).seed(SEED).build())) {
            Question q = BOOK.get(0);
            List<ChatMessage> messages =
                    PromptLibrary.render("cot", CotPurpose.WHOLE_QUESTION, inputs(q));
            String first =
                    CallHeader.encode(
                            new CallContext(
                                    q, "cot", CotPurpose.WHOLE_QUESTION, 0, 1, 0, inputs(q)));
            String reAsk =
                    CallHeader.encode(
                            new CallContext(
                                    q, "cot", CotPurpose.WHOLE_QUESTION, 0, 1, 1, inputs(q)));
            send(server, messages, first);
            send(server, messages, reAsk); // the same text, another call: not a repeat
            send(server, messages, null); // no header: not counted
            assertThat(server.callsAnswered()).isEqualTo(2);
            assertThat(server.callsAnsweredAgain()).isZero();

            send(server, messages, first); // made again, e.g. after a failure without a journal
            assertThat(server.callsAnswered()).isEqualTo(2);
            assertThat(server.callsAnsweredAgain()).isEqualTo(1);
            assertThat(ServerTestSupport.get(http, server, 0, ReplicaHandler.PATH_METRICS).body())
                    .contains("triad_sim_calls_answered_total{model_name=\"triad-sim\"} 2")
                    .contains("triad_sim_calls_answered_again_total{model_name=\"triad-sim\"} 1");
        }
    }

    @Test
    void aUserTemplateThatStartsWithTheInputsAndAddsInstructionsIsAnsweredAlike() throws Exception {
        // examples/prompts/passage-first: no system message; the user message is the inputs'
        // JSON object, then the role's instructions.
        PromptSet passageFirst =
                PromptSet.load(Path.of("..", "examples", "prompts", "passage-first"));
        Question q = BOOK.get(3);
        GoldStep first = q.goldSteps().get(0);
        Map<String, Object> solve = inputs(q);
        solve.put("concepts", List.of("Multiplication"));
        solve.put("verified", List.of());
        solve.put("subquestion", first.subquestion());
        List<ChatMessage> messages =
                passageFirst.render("lm2", Lm2Purpose.ANSWER_SUBQUESTION, solve);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).content())
                .startsWith("{\"question\":" + dev.triad.schemas.Json.write(q.text()))
                .contains("You are the solver");
        CallContext call = new CallContext(q, "lm2", Lm2Purpose.ANSWER_SUBQUESTION, 1, 1, 0, solve);

        ObjectNode reply =
                ReplyParser.parseObject(send(perfect, messages, CallHeader.encode(call)));

        assertThat(ReplyParser.requireText(reply, "answer")).isEqualTo(first.answer());
    }

    private static Map<String, Object> inputs(Question q) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", q.text());
        return inputs;
    }

    private static ObjectNode ask(
            SimulatedServer server,
            String strategy,
            StrategyPurpose purpose,
            Map<String, Object> inputs)
            throws Exception {
        return ReplyParser.parseObject(content(server, strategy, purpose, inputs));
    }

    /**
     * The reply to {@code purpose}'s call as Triad's client sends it: the rendered prompt, and the
     * call in its header (step from the verified pairs, attempt 2 when it carries feedback).
     */
    private static String content(
            SimulatedServer server,
            String strategy,
            StrategyPurpose purpose,
            Map<String, Object> inputs)
            throws Exception {
        Object verified = inputs.get("verified");
        int step = (verified instanceof List<?> list ? list.size() : 0) + 1;
        int attempt = inputs.containsKey("feedback") ? 2 : 1;
        Question q =
                BOOK.stream()
                        .filter(b -> b.text().equals(inputs.get("question")))
                        .findFirst()
                        .orElse(Question.of("outside", (String) inputs.get("question")));
        CallContext call = new CallContext(q, strategy, purpose, step, attempt, 0, inputs);
        return send(
                server, PromptLibrary.render(strategy, purpose, inputs), CallHeader.encode(call));
    }

    private static String send(SimulatedServer server, List<ChatMessage> messages, String header)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                ServerTestSupport.chatRequest(server, 0, body(messages)).uri())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(messages)));
        if (header != null) {
            request.header(CallHeader.NAME, header);
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = parse(response.body());
        return completion.path("choices").get(0).path("message").path("content").asText();
    }
}
