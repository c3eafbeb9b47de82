package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.examples.PlanVerifyStrategy;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A strategy Triad does not ship ({@link PlanVerifyStrategy}: one class, its state record, its
 * purposes and its templates, registered on the builder) runs through the reasoning operator
 * unchanged, and the simulated models answer its calls from their purposes, as they do for lm2.
 */
class AFourthStrategyTest {

    private static final int QUESTIONS = 20;

    @Test
    void aStrategyOfTheJobsOwnRunsThroughTheOperatorAndTheSimulatorAnswersIt() throws Exception {
        String id = RecordingBinding.register(SimulatedModel.forProfile("perfect", 11));
        Reasoning reasoning =
                Reasoning.builder()
                        .strategy(PlanVerifyStrategy.NAME, PlanVerifyStrategy::new)
                        .strategies(List.of(PlanVerifyStrategy.NAME))
                        .model(Role.DECOMPOSER, new RecordingBinding(id))
                        .model(Role.SOLVER, new RecordingBinding(id))
                        .model(Role.VERIFIER, new RecordingBinding(id))
                        .build();
        ProblemGenerator problems = new ProblemGenerator(5);
        List<Result> results;
        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        reasoning.operatorFactory(), ReasoningTask::key, Types.STRING)) {
            harness.open();
            for (int i = 0; i < QUESTIONS; i++) {
                harness.processElement(
                        new ReasoningTask(problems.problem(i), PlanVerifyStrategy.NAME), 0);
            }
            // Replies that were not there at once come back as mails; run them as they arrive.
            TaskMailbox mailbox = harness.getTaskMailbox();
            while (harness.extractOutputValues().size() < QUESTIONS) {
                mailbox.take(TaskMailbox.MIN_PRIORITY).run();
            }
            results = harness.extractOutputValues();
            assertThat(harness.numKeyedStateEntries()).isZero();
        }

        assertThat(results).hasSize(QUESTIONS);
        for (Result result : results) {
            Question question = problems.problem(Long.parseLong(result.id().replaceAll(".*-", "")));
            assertThat(result.strategy()).isEqualTo(PlanVerifyStrategy.NAME);
            assertThat(result.status()).isEqualTo(Status.SOLVED);
            assertThat(result.correct())
                    .as("the perfect oracle's answer to %s", result.id())
                    .isTrue();
            assertThat(result.steps()).hasSize(question.goldSteps().size());
            assertThat(result.steps())
                    .extracting(step -> step.verdict().verifierClass())
                    .containsOnly(VerifierClass.NO_MISTAKE);
            assertThat(result.steps()).allMatch(Step::accepted);
            assertThat(result.usage()).containsOnlyKeys("decomposer", "solver", "verifier");
            assertThat(result.simulated()).isTrue();
        }
        // Each call carried exactly the inputs its purpose declares (feedback-free strategy).
        List<CallContext> calls = new ArrayList<>(RecordingBinding.CALLS.get(id));
        assertThat(calls).isNotEmpty();
        for (CallContext call : calls) {
            List<String> declared = new ArrayList<>();
            for (CallInput input : call.purpose().inputs()) {
                declared.add(input.key());
            }
            assertThat(call.inputs().keySet()).containsExactlyElementsOf(declared);
        }
    }

    @Test
    void itsStateIsKeptInCheckpointsLikeAnyStrategys() throws Exception {
        QuestionState state =
                new QuestionState(
                        new ReasoningTask(
                                Question.of("q", "Two and two?"), PlanVerifyStrategy.NAME),
                        0,
                        1000);
        VerifiedContext context = new VerifiedContext();
        context.add(new ContextStep("How much is two and two?", "4", true));
        state.part(new PlanVerifyStrategy.State(2, List.of("a?", "b?"), "4", context));

        TypeSerializer<QuestionState> serializer =
                JsonTypeInfo.mutable(QuestionState.class)
                        .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(state, out);
        QuestionState read =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(read.version).isEqualTo(QuestionState.VERSION);
        PlanVerifyStrategy.State part = read.part();
        assertThat(part.step()).isEqualTo(2);
        assertThat(part.plan()).containsExactly("a?", "b?");
        assertThat(part.answer()).isEqualTo("4");
        assertThat(part.context().steps())
                .containsExactly(new ContextStep("How much is two and two?", "4", true));
    }

    /** Hands out one shared model and records the context of every call it gets. */
    record RecordingBinding(String id) implements ModelBinding {
        static final Map<String, AsyncChatModel> MODELS = new ConcurrentHashMap<>();
        static final Map<String, Queue<CallContext>> CALLS = new ConcurrentHashMap<>();

        static String register(AsyncChatModel model) {
            String id = "recording-" + MODELS.size();
            MODELS.put(id, model);
            CALLS.put(id, new ConcurrentLinkedQueue<>());
            return id;
        }

        @Override
        public AsyncChatModel open(int subtaskIndex) {
            AsyncChatModel model = MODELS.get(id);
            Queue<CallContext> calls = CALLS.get(id);
            return new AsyncChatModel() {
                @Override
                public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
                    calls.add(request.context());
                    return model.complete(request);
                }
            };
        }

        @Override
        public String describe() {
            return "sim:perfect (recorded)";
        }

        @Override
        public boolean simulated() {
            return true;
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("profile", "perfect");
        }
    }
}
