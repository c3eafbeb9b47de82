package dev.triad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.reasoning.Lm2Strategy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The overhead benchmark compares Triad with a bare job that must make the same calls: the same
 * number, in the same order, with the same prompts.
 */
class Lm2CallChainFunctionTest {

    private static final int QUESTIONS = 40;

    @Test
    void theBaselineSendsExactlyTheCallsAndPromptsTriadsLm2Sends() throws Exception {
        Map<String, List<String>> triad = record(true);
        Map<String, List<String>> bare = record(false);

        assertThat(triad).hasSize(QUESTIONS);
        assertThat(bare.keySet()).isEqualTo(triad.keySet());
        for (String id : triad.keySet()) {
            assertThat(bare.get(id))
                    .as("the calls and prompts for question %s", id)
                    .isEqualTo(triad.get(id));
        }
        // Prompts that carry the concepts of the first reply, as Triad's solver calls do.
        assertThat(triad.values().iterator().next())
                .anySatisfy(
                        call ->
                                assertThat(call)
                                        .contains("solver answer")
                                        .contains("\"concepts\":[\""));
    }

    /** Question id → "role purpose\nsystem\nuser" of every call, in order, from one side's job. */
    private static Map<String, List<String>> record(boolean triadSide) throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, List<String>> calls = new ConcurrentHashMap<>();
        RecordingBinding.CALLS.put(id, calls);
        RunCounters counters = RunCounters.create("prompt-check");
        try {
            StreamExecutionEnvironment env = BenchJobs.environment(1);
            var questions = BenchJobs.questions(env, QUESTIONS);
            ModelBinding model = new RecordingBinding(BenchJobs.instantModel(), id);
            if (triadSide) {
                BenchJobs.triad(questions, Lm2Strategy.NAME, model, 16, 16, counters.id());
            } else {
                BenchJobs.bare(questions, model, true, 16, counters.id());
            }
            env.execute("prompt check");
            assertThat(counters.records.sum()).isEqualTo(QUESTIONS);
            return new TreeMap<>(calls);
        } finally {
            counters.release();
            RecordingBinding.CALLS.remove(id);
        }
    }

    /** Records each call's role, purpose and rendered messages, then asks the real model. */
    private record RecordingBinding(ModelBinding delegate, String id) implements ModelBinding {

        static final Map<String, Map<String, List<String>>> CALLS = new ConcurrentHashMap<>();

        @Override
        public AsyncChatModel open(int subtaskIndex) {
            AsyncChatModel model = delegate.open(subtaskIndex);
            Map<String, List<String>> calls = CALLS.get(id);
            return new AsyncChatModel() {
                @Override
                public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
                    String messages =
                            request.messages().stream()
                                    .map(ChatMessage::content)
                                    .collect(Collectors.joining("\n"));
                    calls.computeIfAbsent(
                                    request.context().questionId(),
                                    k ->
                                            java.util.Collections.synchronizedList(
                                                    new java.util.ArrayList<>()))
                            .add(
                                    request.role().key()
                                            + " "
                                            + request.context().purposeKey()
                                            + "\n"
                                            + messages);
                    return model.complete(request);
                }

                @Override
                public void close() {
                    model.close();
                }
            };
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
