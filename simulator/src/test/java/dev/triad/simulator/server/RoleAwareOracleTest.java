package dev.triad.simulator.server;

import static dev.triad.simulator.server.ServerTestSupport.body;
import static dev.triad.simulator.server.ServerTestSupport.chat;
import static dev.triad.simulator.server.ServerTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallContext;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.Role;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.ReplyParser;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModel;
import dev.triad.simulator.SimulatorSettings;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
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
    void everyTemplateOfThePromptLibraryIsRecognised() {
        assertThat(RoleOracle.templateTexts()).hasSize(9);
        assertThat(
                        RoleOracle.recognise(
                                PromptLibrary.template("lm2", Role.VERIFIER, CallPurpose.VERIFY)))
                .isEqualTo(new RoleOracle.Call("lm2", Role.VERIFIER, CallPurpose.VERIFY));
        assertThat(RoleOracle.recognise("You are a helpful assistant.")).isNull();
    }

    @Test
    void lm2PromptsGetTheGoldStepsOneByOne() throws Exception {
        Question q = BOOK.get(3);
        List<GoldStep> gold = q.goldSteps();

        ObjectNode first = ask(perfect, "lm2", Role.DECOMPOSER, CallPurpose.CONCEPTS, inputs(q));
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
                            ask(perfect, "lm2", Role.SOLVER, CallPurpose.ANSWER, solve), "answer");
            assertThat(answer).isEqualTo(gold.get(k).answer());

            Map<String, Object> check = inputs(q);
            check.put("verified", List.copyOf(verified));
            check.put("subquestion", subquestion);
            check.put("answer", answer);
            ObjectNode verdict = ask(perfect, "lm2", Role.VERIFIER, CallPurpose.VERIFY, check);
            assertThat(ReplyParser.requireText(verdict, "class")).isEqualTo("no_mistake");
            assertThat(ReplyParser.requireText(verdict, "explanation")).isNotBlank();

            verified.add(Map.of("subquestion", subquestion, "answer", answer));
            Map<String, Object> next = inputs(q);
            next.put("concepts", List.of("Multiplication"));
            next.put("verified", List.copyOf(verified));
            ObjectNode decomposed =
                    ask(perfect, "lm2", Role.DECOMPOSER, CallPurpose.SUBQUESTION, next);
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
                                ask(perfect, "lm2", Role.SOLVER, CallPurpose.FINAL, last),
                                "answer"))
                .isEqualTo(q.gold());
    }

    @Test
    void cotAndPlanSolvePromptsGetGoldReplies() throws Exception {
        Question q = BOOK.get(5);

        ObjectNode cot = ask(perfect, "cot", Role.SOLVER, CallPurpose.COT, inputs(q));
        ObjectNode plan = ask(perfect, "plan-solve", Role.DECOMPOSER, CallPurpose.PLAN, inputs(q));

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

        ObjectNode reply = ask(perfect, "lm2", Role.DECOMPOSER, CallPurpose.CONCEPTS, inputs);

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

                String overHttp =
                        content(realistic, "lm2", Role.VERIFIER, CallPurpose.VERIFY, inputs);

                CallContext context =
                        new CallContext(q, "lm2", CallPurpose.VERIFY, 2, 2, 0, inputs);
                assertThat(overHttp).isEqualTo(inProcess.reply(context));
            }
        }
    }

    @Test
    void theSameCallAskedAgainIsAFreshDrawLikeARetry() throws Exception {
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
            for (int retry = 0; retry < 4; retry++) {
                String overHttp = content(server, "cot", Role.SOLVER, CallPurpose.COT, inputs(q));

                CallContext context =
                        new CallContext(q, "cot", CallPurpose.COT, 1, 1, retry, inputs(q));
                assertThat(overHttp).isEqualTo(inProcess.reply(context));
            }
        }
    }

    private static Map<String, Object> inputs(Question q) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", q.text());
        return inputs;
    }

    private static ObjectNode ask(
            SimulatedServer server,
            String strategy,
            Role role,
            String purpose,
            Map<String, Object> inputs)
            throws Exception {
        return ReplyParser.parseObject(content(server, strategy, role, purpose, inputs));
    }

    private static String content(
            SimulatedServer server,
            String strategy,
            Role role,
            String purpose,
            Map<String, Object> inputs)
            throws Exception {
        List<ChatMessage> messages = PromptLibrary.render(strategy, role, purpose, inputs);
        HttpResponse<String> response = chat(http, server, body(messages));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = parse(response.body());
        return completion.path("choices").get(0).path("message").path("content").asText();
    }
}
