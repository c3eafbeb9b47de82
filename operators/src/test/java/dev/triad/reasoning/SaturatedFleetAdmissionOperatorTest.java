package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Question;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator while a role's fleet is full (its model holds calls that wait for a slot, {@code
 * saturated()}): no new question starts until it is not, so work waits in the input rather than
 * half-started in the client's queue.
 */
class SaturatedFleetAdmissionOperatorTest {

    private static final Question Q1 = new Question("q1", "What is 3 + 3?", "6", null, Map.of());
    private static final Question Q2 = new Question("q2", "What is 4 + 4?", "8", null, Map.of());

    private final ScriptedModel model = new ScriptedModel();

    @Test
    void aNewQuestionWaitsUntilTheFullFleetHasRoom() throws Exception {
        try (OperatorFixture fixture =
                OperatorFixture.open(OperatorFixture.builder(model, "cot").build())) {
            fixture.add(Q1, "cot");
            assertThat(model.calls()).hasSize(1);
            model.saturated(true);
            model.forgetSaturationReads();

            // Once the operator has seen the fleet full (it is then waiting for mail), the fleet
            // frees up and Q1's call is answered.
            CompletableFuture<Void> fleet =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    model.awaitSaturationRead();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                                model.saturated(false);
                                model.calls()
                                        .get(0)
                                        .reply("{\"reasoning\": \"3 + 3\", \"answer\": \"6\"}");
                            });
            fixture.add(Q2, "cot");
            fleet.get(1, TimeUnit.MINUTES);

            assertThat(model.calls()).hasSize(2);
            assertThat(model.calls().get(1).questionId()).isEqualTo("q2");
            assertThat(model.saturatedAtCalls())
                    .as("Q2's call was made only once the fleet had room")
                    .containsExactly(false, false);
        }
    }

    @Test
    void withNoCallOutASaturatedFleetDoesNotHoldTheInput() throws Exception {
        try (OperatorFixture fixture =
                OperatorFixture.open(OperatorFixture.builder(model, "cot").build())) {
            model.saturated(true); // another job's, say: nothing of this subtask's would free it
            fixture.add(Q1, "cot");

            assertThat(model.calls()).hasSize(1);
        }
    }
}
