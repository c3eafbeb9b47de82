package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Result;
import dev.triad.schemas.Step;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The calls {@link Lm2Trace} rebuilds from a result render to exactly the chats the models got: lm2
 * runs through the operator with the simulated oracle at realistic error rates (so steps are
 * rejected, written again with feedback, and some kept unverified), every request is recorded, and
 * each rebuilt call is compared with the recorded one.
 */
class Lm2TraceTest {

    private static final int QUESTIONS = 60;

    /** (question id, purpose, step, attempt) → the chat sent. */
    private static final Map<String, List<ChatMessage>> SENT = new ConcurrentHashMap<>();

    @Test
    void everyRebuiltCallRendersToTheChatTheModelGot() throws Exception {
        Reasoning reasoning =
                Reasoning.builder()
                        .strategies(List.of(Lm2Strategy.NAME))
                        .model(Role.DECOMPOSER, new Recording())
                        .model(Role.SOLVER, new Recording())
                        .model(Role.VERIFIER, new Recording())
                        .option(ReasoningOptions.MAX_REGENERATIONS, 1)
                        .build();
        ProblemGenerator problems = new ProblemGenerator(7);
        List<Result> results;
        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        reasoning.operatorFactory(), ReasoningTask::key, Types.STRING)) {
            harness.open();
            for (int i = 0; i < QUESTIONS; i++) {
                harness.processElement(new ReasoningTask(problems.problem(i), "lm2"), 0);
            }
            TaskMailbox mailbox = harness.getTaskMailbox();
            while (harness.extractOutputValues().size() < QUESTIONS) {
                mailbox.take(TaskMailbox.MIN_PRIORITY).run();
            }
            results = harness.extractOutputValues();
        }

        int rebuilt = 0;
        int withFeedback = 0;
        int afterUnverified = 0;
        Map<String, Integer> sentPerQuestion = new HashMap<>();
        SENT.keySet().forEach(k -> sentPerQuestion.merge(k.split("\\|")[0], 1, Integer::sum));
        for (Result result : results) {
            assertThat(result.question()).isEqualTo(problemText(problems, result.id()));
            List<TracedCall> calls = Lm2Trace.calls(result);
            for (TracedCall call : calls) {
                String key = key(result.id(), call.purpose().key(), call.step(), call.attempt());
                assertThat(SENT).as("a request for %s", key).containsKey(key);
                assertThat(PromptLibrary.render("lm2", call.purpose(), call.inputs()))
                        .as("the chat of %s", key)
                        .isEqualTo(SENT.get(key));
                rebuilt++;
                if (call.inputs().containsKey("feedback")) {
                    withFeedback++;
                }
                if (call.inputs().toString().contains("verified=false")) {
                    afterUnverified++;
                }
            }
            // Not rebuilt: the final answer and a decomposer's 'done' (and a call cut off by an
            // unparsable reply).
            assertThat(calls.size())
                    .as("calls rebuilt for %s", result.id())
                    .isBetween(
                            sentPerQuestion.get(result.id()) - 3, sentPerQuestion.get(result.id()));
        }
        assertThat(rebuilt).isGreaterThan(QUESTIONS * 6);
        assertThat(withFeedback).as("rewrites after feedback").isPositive();
        assertThat(afterUnverified).as("calls after a step kept unverified").isPositive();
        assertThat(results.stream().flatMap(r -> r.steps().stream()).map(Step::reasoning))
                .as("the solver's reasoning is kept")
                .anyMatch(r -> r != null && !r.isBlank());
    }

    @Test
    void refusesAResultWithoutItsQuestionText() {
        Result old =
                Result.builder()
                        .id("q-1")
                        .strategy("lm2")
                        .status(dev.triad.schemas.Status.SOLVED)
                        .answer("4")
                        .simulated(true)
                        .models(Map.of())
                        .concepts(List.of())
                        .steps(List.of())
                        .usage(Map.of())
                        .latencyMs(0)
                        .metadata(Map.of())
                        .build();
        assertThatThrownBy(() -> Lm2Trace.calls(old))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q-1")
                .hasMessageContaining("no 'question' text");
    }

    private static String problemText(ProblemGenerator problems, String id) {
        return problems.problem(Long.parseLong(id.replaceAll(".*-", ""))).text();
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
