package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Question;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator while a role's fleet is full (its model holds calls that wait for a slot, {@code
 * backlog()}): no new question starts until the backlog clears, so work waits in the input rather
 * than half-started in the client's queue.
 */
class BacklogAdmissionOperatorTest {

    private static final Question Q1 = new Question("q1", "What is 3 + 3?", "6", null, Map.of());
    private static final Question Q2 = new Question("q2", "What is 4 + 4?", "8", null, Map.of());

    private final ScriptedModel model = new ScriptedModel();

    @Test
    void aNewQuestionWaitsUntilTheFullFleetsBacklogClears() throws Exception {
        try (OperatorFixture fixture =
                OperatorFixture.open(OperatorFixture.builder(model, "cot").build())) {
            fixture.add(Q1, "cot");
            assertThat(model.calls()).hasSize(1);
            model.backlog(3);
            model.forgetBacklogReads();

            // Once the operator has seen the backlog (it is then waiting for mail), the fleet frees
            // up: the backlog clears and Q1's call is answered.
            CompletableFuture<Void> fleet =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    model.awaitBacklogRead();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                                model.backlog(0);
                                model.calls()
                                        .get(0)
                                        .reply("{\"reasoning\": \"3 + 3\", \"answer\": \"6\"}");
                            });
            fixture.add(Q2, "cot");
            fleet.get(1, TimeUnit.MINUTES);

            assertThat(model.calls()).hasSize(2);
            assertThat(model.calls().get(1).questionId()).isEqualTo("q2");
            assertThat(model.backlogAtCalls())
                    .as("Q2's call was made only once the backlog had cleared")
                    .containsExactly(0, 0);
        }
    }

    @Test
    void withNoCallOutABacklogDoesNotHoldTheInput() throws Exception {
        try (OperatorFixture fixture =
                OperatorFixture.open(OperatorFixture.builder(model, "cot").build())) {
            model.backlog(5); // another job's, say: nothing of this subtask's would free it
            fixture.add(Q1, "cot");

            assertThat(model.calls()).hasSize(1);
        }
    }
}
