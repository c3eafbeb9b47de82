package dev.triad.model.openai;

import static dev.triad.model.openai.FleetSupport.binding;
import static dev.triad.model.openai.FleetSupport.open;
import static dev.triad.model.openai.FleetSupport.zeroFleet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.CallContext;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.SimulatedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default concurrency limit ({@code limit=queue}) against a simulated replica that publishes
 * vLLM's running and waiting gauges: with far more calls than slots, the calls wait in the client
 * (where a question's next call can still go elsewhere, and nothing is paid) instead of at the
 * replica, which still has every slot busy. AIMD, the earlier default, piles them up at the
 * replica.
 */
class OpenAiClientQueueLimitTest {

    private static final int SLOTS = 8;
    private static final int CALLS = 240;

    private static ModelRequest request(int i) {
        return new ModelRequest(
                Role.SOLVER,
                List.of(
                        ChatMessage.system("You are a terse assistant for a queueing test."),
                        ChatMessage.user("Item " + i + ".")),
                0.0,
                16,
                new CallContext(
                        Question.of("queue-" + i, "item " + i),
                        "cot",
                        dev.triad.reasoning.CotPurpose.WHOLE_QUESTION,
                        0,
                        1,
                        0,
                        Map.of()));
    }

    /** Waiting and running at the replica, read each time a call completes. */
    private record Samples(double meanWaiting, double meanRunning) {}

    private static Samples run(OpenAiCompatibleBinding.ConcurrencyLimit limit) throws Exception {
        try (SimulatedServer server =
                        SimulatedServer.start(
                                zeroFleet(1, List.of())
                                        .maxNumSeqs(SLOTS)
                                        .prefillOverheadMs(200)
                                        .build());
                OpenAiCompatibleModel model =
                        open(binding(server).concurrencyLimit(limit).build())) {
            List<int[]> samples = new ArrayList<>();
            List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(
                        model.complete(request(i))
                                .whenComplete(
                                        (done, error) -> {
                                            ReplicaStats s = server.stats(0);
                                            synchronized (samples) {
                                                samples.add(new int[] {s.waiting(), s.running()});
                                            }
                                        }));
            }
            for (CompletableFuture<ModelCompletion> call : calls) {
                call.get(2, TimeUnit.MINUTES);
            }
            // The middle half: past the first readings, before the last calls drain.
            List<int[]> steady;
            synchronized (samples) {
                steady = List.copyOf(samples.subList(CALLS / 4, 3 * CALLS / 4));
            }
            return new Samples(
                    steady.stream().mapToInt(s -> s[0]).average().orElseThrow(),
                    steady.stream().mapToInt(s -> s[1]).average().orElseThrow());
        }
    }

    @Test
    void callsWaitInTheClientWhileTheReplicaKeepsItsSlotsBusy() throws Exception {
        Samples queue = run(OpenAiCompatibleBinding.ConcurrencyLimit.QUEUE);
        Samples aimd = run(OpenAiCompatibleBinding.ConcurrencyLimit.AIMD);
        System.out.printf(
                "limit=queue: %.1f waiting, %.1f running; limit=aimd: %.1f waiting, %.1f running"
                        + " (%d slots)%n",
                queue.meanWaiting(),
                queue.meanRunning(),
                aimd.meanWaiting(),
                aimd.meanRunning(),
                SLOTS);

        assertThat(queue.meanWaiting()).isLessThanOrEqualTo(0.5 * SLOTS);
        // Read as a call completes, before the next one arrives: one slot may be free then.
        assertThat(queue.meanRunning()).isGreaterThanOrEqualTo(SLOTS - 1.5);
        // The earlier default, for contrast: the calls pile up at the replica.
        assertThat(aimd.meanWaiting()).isGreaterThan(2.0 * SLOTS);
    }
}
