package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.PlanSolvePurpose;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedModelTest {

    private static final long SEED = 99;
    private static final long TIMEOUT_S = 10;
    private static final ProblemGenerator PROBLEMS = new ProblemGenerator(17);

    @Test
    void perfectOracleSolvesGeneratedQuestionsStepByStep() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("perfect", SEED);
        for (int i = 0; i < 200; i++) {
            Question q = PROBLEMS.problem(i);
            Lm2Run run = lm2(model, q);

            assertThat(run.verdicts).allMatch("no_mistake"::equals);
            assertThat(run.subquestions)
                    .containsExactlyElementsOf(
                            q.goldSteps().stream().map(GoldStep::subquestion).toList());
            assertThat(run.answers)
                    .containsExactlyElementsOf(
                            q.goldSteps().stream().map(GoldStep::answer).toList());
            assertThat(run.finalAnswer).isEqualTo(q.gold());
            assertThat(run.concepts)
                    .contains("Multiplication: equal groups times the size of each group");
        }
    }

    @Test
    void perfectOracleAnswersCotAndPlan() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("perfect", SEED);
        for (int i = 0; i < 100; i++) {
            Question q = PROBLEMS.problem(i);
            JsonNode cot =
                    call(
                            model,
                            Role.SOLVER,
                            q,
                            CotPurpose.WHOLE_QUESTION,
                            0,
                            1,
                            Map.of("question", q.text()));
            JsonNode plan = call(model, Role.DECOMPOSER, q, PlanSolvePurpose.PLAN, 0, 1, Map.of());

            assertThat(cot.get("answer").asText()).isEqualTo(q.gold());
            assertThat(cot.get("reasoning").asText()).contains(q.goldSteps().get(0).subquestion());
            List<String> planned = new ArrayList<>();
            plan.get("subquestions").forEach(n -> planned.add(n.asText()));
            assertThat(planned)
                    .containsExactlyElementsOf(
                            q.goldSteps().stream().map(GoldStep::subquestion).toList());
        }
    }

    @Test
    void verifierRejectsConceptualMistakes() throws Exception {
        SimulatedModel model =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().solverConceptualRate(1).build(),
                        SEED);
        for (int i = 0; i < 100; i++) {
            Question q = PROBLEMS.problem(i);
            GoldStep first = q.goldSteps().get(0);
            String answer = answerOf(model, q, first.subquestion(), List.of());
            assertThat(answer).isNotEqualTo(first.answer());
            assertThat(verdictOf(model, q, first.subquestion(), answer, List.of()))
                    .isEqualTo("conceptual_mistake");
        }
    }

    @Test
    void verifierClassesComputationalMistakesAndOffTrackSubquestions() throws Exception {
        SimulatedModel slips =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().solverComputationalRate(1).build(),
                        SEED);
        SimulatedModel offTrack =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().decomposerOffTrackRate(1).build(),
                        SEED);
        for (int i = 0; i < 100; i++) {
            Question q = PROBLEMS.problem(i);
            GoldStep first = q.goldSteps().get(0);
            String slip = answerOf(slips, q, first.subquestion(), List.of());
            assertThat(Math.abs(Long.parseLong(slip) - Long.parseLong(first.answer())))
                    .isBetween(1L, Oracle.COMPUTATIONAL_MAX_DELTA);
            assertThat(verdictOf(slips, q, first.subquestion(), slip, List.of()))
                    .isEqualTo("computational_mistake");

            JsonNode concepts =
                    call(
                            offTrack,
                            Role.DECOMPOSER,
                            q,
                            Lm2Purpose.CONCEPTS_AND_FIRST,
                            1,
                            1,
                            Map.of());
            String wrongStep = concepts.get("subquestion").asText();
            assertThat(wrongStep).isNotEqualTo(first.subquestion());
            String answer = answerOf(offTrack, q, wrongStep, List.of());
            assertThat(verdictOf(offTrack, q, wrongStep, answer, List.of()))
                    .isEqualTo("misunderstood_question");
        }
    }

    @Test
    void verifierMissesAndFalseAlarmsFollowTheirRates() throws Exception {
        SimulatedModel alarmist =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().verifierFalseAlarmRate(1).build(),
                        SEED);
        SimulatedModel blind =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder()
                                .solverConceptualRate(1)
                                .verifierMissRate(1)
                                .build(),
                        SEED);
        Question q = PROBLEMS.problem(1);
        GoldStep first = q.goldSteps().get(0);

        assertThat(verdictOf(alarmist, q, first.subquestion(), first.answer(), List.of()))
                .isEqualTo("procedural_mistake");
        String wrong = answerOf(blind, q, first.subquestion(), List.of());
        assertThat(verdictOf(blind, q, first.subquestion(), wrong, List.of()))
                .isEqualTo("no_mistake");
        // The accepted wrong step spoils the final answer.
        List<Map<String, Object>> verified = new ArrayList<>();
        for (GoldStep step : q.goldSteps()) {
            verified.add(Map.of("subquestion", step.subquestion(), "answer", step.answer()));
        }
        verified.set(0, Map.of("subquestion", first.subquestion(), "answer", wrong));
        JsonNode last =
                call(
                        blind,
                        Role.SOLVER,
                        q,
                        Lm2Purpose.FINAL_ANSWER,
                        0,
                        1,
                        Map.of("verified", verified));
        assertThat(last.get("answer").asText()).isNotEqualTo(q.gold());
    }

    @Test
    void repliesAreDeterministicWhateverTheOrder() throws Exception {
        SimulatedModel a = SimulatedModel.forProfile("zero", SEED);
        SimulatedModel b = SimulatedModel.forProfile("zero", SEED);
        SimulatedModel other = SimulatedModel.forProfile("zero", SEED + 1);
        List<ModelRequest> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Question q = PROBLEMS.problem(i);
            GoldStep first = q.goldSteps().get(0);
            Map<String, Object> inputs =
                    Map.of(
                            "subquestion",
                            first.subquestion(),
                            "answer",
                            first.answer(),
                            "verified",
                            List.of());
            for (CallPurpose purpose :
                    List.of(
                            Lm2Purpose.CONCEPTS_AND_FIRST,
                            Lm2Purpose.ANSWER_SUBQUESTION,
                            Lm2Purpose.VERIFY,
                            CotPurpose.WHOLE_QUESTION,
                            PlanSolvePurpose.PLAN)) {
                requests.add(request(Role.SOLVER, q, purpose, 1, 1, 0, inputs));
            }
        }
        List<String> forward = new ArrayList<>();
        for (ModelRequest r : requests) {
            forward.add(a.complete(r).get(TIMEOUT_S, TimeUnit.SECONDS).text());
        }
        List<String> backward = new ArrayList<>();
        for (int i = requests.size() - 1; i >= 0; i--) {
            backward.add(0, b.complete(requests.get(i)).get(TIMEOUT_S, TimeUnit.SECONDS).text());
        }
        List<String> parallel = requests.parallelStream().map(r -> a.reply(r.context())).toList();
        long differentWithOtherSeed = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (!other.reply(requests.get(i).context()).equals(forward.get(i))) {
                differentWithOtherSeed++;
            }
        }

        assertThat(backward).isEqualTo(forward);
        assertThat(parallel).isEqualTo(forward);
        assertThat(differentWithOtherSeed).isPositive();
    }

    @Test
    void unparsableRepliesHoldNoJson() throws Exception {
        SimulatedModel model =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().unparsableRate(1).build(), SEED);
        Question q = PROBLEMS.problem(3);
        for (CallPurpose purpose :
                List.of(
                        Lm2Purpose.CONCEPTS_AND_FIRST,
                        Lm2Purpose.NEXT_SUBQUESTION,
                        Lm2Purpose.ANSWER_SUBQUESTION,
                        Lm2Purpose.VERIFY,
                        Lm2Purpose.FINAL_ANSWER,
                        CotPurpose.WHOLE_QUESTION,
                        PlanSolvePurpose.PLAN)) {
            String text = model.reply(context(q, purpose, 1, 1, 0, Map.of()));
            assertThat(text).isNotBlank().doesNotContain("{").doesNotContain("}");
        }
        // A re-ask draws again, so a realistic rate lets the retry through.
        SimulatedModel sometimes =
                new SimulatedModel(
                        SimulatorSettings.perfect().toBuilder().unparsableRate(0.5).build(), SEED);
        boolean parsedOnSomeRetry = false;
        for (int retry = 0; retry < 20 && !parsedOnSomeRetry; retry++) {
            parsedOnSomeRetry =
                    sometimes
                            .reply(context(q, CotPurpose.WHOLE_QUESTION, 0, 1, retry, Map.of()))
                            .contains("{");
        }
        assertThat(parsedOnSomeRetry).isTrue();
    }

    @Test
    void defaultRepliesAreJsonSometimesFencedOrAfterProse() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("zero", SEED);
        int fenced = 0;
        int prose = 0;
        int unparsable = 0;
        for (int i = 0; i < 3_000; i++) {
            Question q = PROBLEMS.problem(i);
            String text = model.reply(context(q, CotPurpose.WHOLE_QUESTION, 0, 1, 0, Map.of()));
            if (!text.contains("{")) {
                unparsable++;
                continue;
            }
            if (text.startsWith("```json")) {
                fenced++;
            } else if (!text.startsWith("{")) {
                prose++;
            }
            assertThat(json(text).has("answer")).isTrue();
        }
        assertThat(fenced).isBetween(100, 220); // 5% of 3,000
        assertThat(prose).isBetween(50, 140); // 3%
        assertThat(unparsable).isBetween(10, 60); // 1%
    }

    @Test
    void cotFailsMoreOftenOnLongerProblems() throws Exception {
        SimulatedModel model =
                new SimulatedModel(
                        SimulatorSettings.zero().toBuilder().unparsableRate(0).build(), SEED);
        int[] solved = new int[ProblemGenerator.MAX_STEPS + 1];
        int[] total = new int[ProblemGenerator.MAX_STEPS + 1];
        for (int i = 0; i < 6_000; i++) {
            Question q = PROBLEMS.problem(i);
            int steps = q.goldSteps().size();
            total[steps]++;
            String answer =
                    json(model.reply(context(q, CotPurpose.WHOLE_QUESTION, 0, 1, 0, Map.of())))
                            .get("answer")
                            .asText();
            if (answer.equals(q.gold())) {
                solved[steps]++;
            }
        }
        double two = solved[2] / (double) total[2];
        double six = solved[6] / (double) total[6];
        // Per step 1 - 0.06 - 0.05 = 0.89: 0.79 for two steps, 0.50 for six.
        assertThat(two).isBetween(0.73, 0.85);
        assertThat(six).isBetween(0.42, 0.58);
    }

    @Test
    void questionsWithoutGoldStepsGetATwoStepDecomposition() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("perfect", SEED);
        Question withGold =
                new Question(
                        "svamp-1",
                        "Jack has 3 apples and buys 4 more. How many now?",
                        "7",
                        null,
                        Map.of());
        Question withoutGold = Question.of("label-1", "What is the meaning of this dataset?");

        Lm2Run gold = lm2(model, withGold);
        Lm2Run label = lm2(model, withoutGold);

        assertThat(gold.subquestions).hasSize(2);
        assertThat(gold.finalAnswer).isEqualTo("7");
        assertThat(gold.concepts).contains("Addition: combining quantities into a total");
        assertThat(label.subquestions).hasSize(2);
        assertThat(label.finalAnswer)
                .isEqualTo(lm2(model, withoutGold).finalAnswer)
                .matches("\\d+");
    }

    @Test
    void acceptsVerifiedStepsInOtherShapes() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("perfect", SEED);
        Question q = PROBLEMS.problem(8);
        List<GoldStep> asRecords = q.goldSteps();
        JsonNode asNodes = Json.mapper().valueToTree(asRecords);
        List<JsonNode> nodes = new ArrayList<>();
        asNodes.forEach(nodes::add);

        for (List<?> verified : List.of(asRecords, nodes)) {
            JsonNode done =
                    call(
                            model,
                            Role.DECOMPOSER,
                            q,
                            Lm2Purpose.NEXT_SUBQUESTION,
                            9,
                            1,
                            Map.of("verified", verified));
            JsonNode last =
                    call(
                            model,
                            Role.SOLVER,
                            q,
                            Lm2Purpose.FINAL_ANSWER,
                            0,
                            1,
                            Map.of("verified", verified));
            assertThat(done.get("done").asBoolean()).isTrue();
            assertThat(last.get("answer").asText()).isEqualTo(q.gold());
        }
    }

    @Test
    void latencyCompletesLaterOnOneSharedThread() throws Exception {
        SimulatedModel model = SimulatedModel.forProfile("default", SEED);
        Question q = PROBLEMS.problem(0);
        long start = System.nanoTime();
        CompletableFuture<ModelCompletion> future =
                model.complete(
                        request(Role.SOLVER, q, CotPurpose.WHOLE_QUESTION, 0, 1, 0, Map.of()));
        assertThat(future).isNotDone();
        ModelCompletion completion = future.get(TIMEOUT_S, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(completion.endpoint()).isEqualTo("sim:default");
        assertThat(completion.cachedTokens()).isZero();
        assertThat(completion.latencyMs())
                .isGreaterThanOrEqualTo(
                        (long) (0.8 * (60 + 6 * completion.completionTokens())) - 1);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(completion.latencyMs() - 1);

        List<CompletableFuture<ModelCompletion>> futures = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Question p = PROBLEMS.problem(i);
            Role role = Role.values()[i % 3];
            futures.add(
                    model.complete(
                            request(role, p, Lm2Purpose.CONCEPTS_AND_FIRST, 1, 1, 0, Map.of())));
        }
        long simulatorThreads =
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals(SimulatedModel.LATENCY_THREAD_NAME))
                        .count();
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .get(TIMEOUT_S * 3, TimeUnit.SECONDS);

        assertThat(simulatorThreads).isEqualTo(1);
        assertThat(futures).allMatch(f -> f.join().latencyMs() > 0);
    }

    @Test
    void noLatencyGivesCompletedFutures() {
        SimulatedModel model = SimulatedModel.forProfile("zero", SEED);
        CompletableFuture<ModelCompletion> future =
                model.complete(
                        request(
                                Role.VERIFIER,
                                PROBLEMS.problem(0),
                                Lm2Purpose.CONCEPTS_AND_FIRST,
                                1,
                                1,
                                0,
                                Map.of()));
        assertThat(future).isDone();
        assertThat(future.join().latencyMs()).isZero();
        assertThat(future.join().endpoint()).isEqualTo("sim:zero");
    }

    @Test
    void countsTokensWithJtokkitOrApproximately() {
        Question q = PROBLEMS.problem(5);
        ModelRequest request =
                request(Role.SOLVER, q, CotPurpose.WHOLE_QUESTION, 0, 1, 0, Map.of());
        Encoding cl100k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        int exactPrompt =
                request.messages().stream().mapToInt(m -> cl100k.countTokens(m.content())).sum();

        ModelCompletion exact = SimulatedModel.forProfile("zero", SEED).complete(request).join();
        ModelCompletion approximate =
                new SimulatedModel(
                                SimulatorSettings.zero().toBuilder().countTokens(false).build(),
                                SEED)
                        .complete(request)
                        .join();

        assertThat(exact.promptTokens()).isEqualTo(exactPrompt);
        assertThat(exact.completionTokens()).isEqualTo(cl100k.countTokens(exact.text()));
        int chars = request.messages().stream().mapToInt(m -> (m.content().length() + 3) / 4).sum();
        assertThat(approximate.promptTokens()).isEqualTo(chars);
        assertThat(approximate.completionTokens()).isEqualTo((approximate.text().length() + 3) / 4);
    }

    @Test
    void badRequestsFailTheFutureWithoutRetry() {
        SimulatedModel model = SimulatedModel.forProfile("perfect", SEED);
        CompletableFuture<ModelCompletion> unknown =
                model.complete(
                        request(
                                Role.SOLVER,
                                PROBLEMS.problem(0),
                                CallPurpose.of(
                                        "poem",
                                        Role.SOLVER,
                                        List.of(CallInput.QUESTION),
                                        List.of()),
                                1,
                                1,
                                0,
                                Map.of()));
        CompletableFuture<ModelCompletion> noContext =
                model.complete(
                        new ModelRequest(
                                Role.SOLVER, List.of(ChatMessage.user("hi")), 0, 10, null));

        assertThatThrownBy(() -> unknown.get(TIMEOUT_S, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ModelCallException.class)
                .hasMessageContaining("unknown call purpose 'poem'")
                // The simulator answers by reply fields, so it names what it can write.
                .hasMessageContaining("a class, subquestions, concepts, a subquestion or an answer")
                .matches(e -> !((ModelCallException) e).retriable());
        assertThatThrownBy(() -> noContext.get(TIMEOUT_S, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(ModelCallException.class)
                .hasMessageContaining("without a CallContext");
        CompletableFuture<ModelCompletion> noQuestion =
                model.complete(
                        new ModelRequest(
                                Role.SOLVER,
                                List.of(ChatMessage.user("hi")),
                                0,
                                10,
                                new CallContext(
                                        null,
                                        "lm2",
                                        CotPurpose.WHOLE_QUESTION,
                                        0,
                                        1,
                                        0,
                                        Map.of())));
        assertThatThrownBy(() -> noQuestion.get(TIMEOUT_S, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(ModelCallException.class)
                .hasMessageContaining("without a question");
    }

    // ------------------------------------------------------------------ helpers

    /** What one hand-driven lm2 run saw. */
    private static final class Lm2Run {
        final List<String> concepts = new ArrayList<>();
        final List<String> subquestions = new ArrayList<>();
        final List<String> answers = new ArrayList<>();
        final List<String> verdicts = new ArrayList<>();
        String finalAnswer;
    }

    /** Drives lm2 by hand, accepting every step: concepts, then answer, verify, next ... final. */
    private static Lm2Run lm2(SimulatedModel model, Question q) throws Exception {
        Lm2Run run = new Lm2Run();
        JsonNode first =
                call(
                        model,
                        Role.DECOMPOSER,
                        q,
                        Lm2Purpose.CONCEPTS_AND_FIRST,
                        1,
                        1,
                        Map.of("question", q.text()));
        first.get("concepts").forEach(c -> run.concepts.add(c.asText()));
        String subquestion = first.get("subquestion").asText();
        List<Map<String, Object>> verified = new ArrayList<>();
        for (int step = 1; step <= 20; step++) {
            String answer = answerOf(model, q, subquestion, verified);
            String verdict = verdictOf(model, q, subquestion, answer, verified);
            run.subquestions.add(subquestion);
            run.answers.add(answer);
            run.verdicts.add(verdict);
            verified.add(Map.of("subquestion", subquestion, "answer", answer));
            Map<String, Object> inputs = new HashMap<>();
            inputs.put("question", q.text());
            inputs.put("concepts", run.concepts);
            inputs.put("verified", List.copyOf(verified));
            JsonNode next =
                    call(
                            model,
                            Role.DECOMPOSER,
                            q,
                            Lm2Purpose.NEXT_SUBQUESTION,
                            step + 1,
                            1,
                            inputs);
            if (next.path("done").asBoolean(false)) {
                break;
            }
            subquestion = next.get("subquestion").asText();
        }
        run.finalAnswer =
                call(
                                model,
                                Role.SOLVER,
                                q,
                                Lm2Purpose.FINAL_ANSWER,
                                0,
                                1,
                                Map.of("question", q.text(), "verified", List.copyOf(verified)))
                        .get("answer")
                        .asText();
        return run;
    }

    private static String answerOf(
            SimulatedModel model, Question q, String subquestion, List<?> verified)
            throws Exception {
        int step = verified.size() + 1;
        return call(
                        model,
                        Role.SOLVER,
                        q,
                        Lm2Purpose.ANSWER_SUBQUESTION,
                        step,
                        1,
                        Map.of("subquestion", subquestion, "verified", List.copyOf(verified)))
                .get("answer")
                .asText();
    }

    private static String verdictOf(
            SimulatedModel model, Question q, String subquestion, String answer, List<?> verified)
            throws Exception {
        int step = verified.size() + 1;
        JsonNode verdict =
                call(
                        model,
                        Role.VERIFIER,
                        q,
                        Lm2Purpose.VERIFY,
                        step,
                        1,
                        Map.of(
                                "subquestion",
                                subquestion,
                                "answer",
                                answer,
                                "verified",
                                List.copyOf(verified)));
        assertThat(verdict.get("explanation").asText()).isNotBlank();
        return verdict.get("class").asText();
    }

    private static JsonNode call(
            SimulatedModel model,
            Role role,
            Question q,
            CallPurpose purpose,
            int step,
            int attempt,
            Map<String, Object> inputs)
            throws Exception {
        ModelCompletion completion =
                model.complete(request(role, q, purpose, step, attempt, 0, inputs))
                        .get(TIMEOUT_S, TimeUnit.SECONDS);
        return json(completion.text());
    }

    static ModelRequest request(
            Role role,
            Question q,
            CallPurpose purpose,
            int step,
            int attempt,
            int retry,
            Map<String, Object> inputs) {
        return new ModelRequest(
                role,
                List.of(
                        ChatMessage.system("You are the " + role.key() + "."),
                        ChatMessage.user(q.text())),
                0.0,
                512,
                context(q, purpose, step, attempt, retry, inputs));
    }

    private static CallContext context(
            Question q,
            CallPurpose purpose,
            int step,
            int attempt,
            int retry,
            Map<String, Object> inputs) {
        return new CallContext(q, "lm2", purpose, step, attempt, retry, inputs);
    }

    /** The JSON object in a reply, without fences or leading prose. */
    private static JsonNode json(String text) throws JsonProcessingException {
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        assertThat(open).as("JSON in: " + text).isNotNegative();
        return Json.mapper().readTree(text.substring(open, close + 1));
    }
}
