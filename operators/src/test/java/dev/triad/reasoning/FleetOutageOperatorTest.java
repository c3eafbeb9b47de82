package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;

/**
 * The operator while a role's fleet is down (the model says so through its {@code fleetStatus()}):
 * question deadlines do not run during the outage, and a fleet down longer than {@code
 * outage-limit} fails the job with a message naming the role and endpoints, never a question.
 */
class FleetOutageOperatorTest {

    private static final Question Q1 =
            new Question("q1", "Ann has 3 apples and buys 3 more. How many?", "6", null, Map.of());
    private static final String FLEET = "http://gpu-1:8000/v1,http://gpu-2:8000/v1";

    private final ScriptedModel model = new ScriptedModel();

    @Test
    void aDeadlineDoesNotRunWhileTheFleetIsDown() throws Exception {
        Reasoning reasoning =
                OperatorFixture.builder(model, "cot")
                        .option(ReasoningOptions.QUESTION_TIMEOUT, Duration.ofSeconds(5))
                        .build();
        try (OperatorFixture fixture = OperatorFixture.open(reasoning)) {
            fixture.add(Q1, "cot");
            model.fleetDown(FLEET);
            fixture.harness.setProcessingTime(1_000); // the watch sees it down
            fixture.harness.setProcessingTime(5_000); // the deadline as it was
            fixture.drainMailbox();
            assertThat(fixture.results()).as("no deadline during the outage").isEmpty();

            model.fleetUp();
            fixture.harness.setProcessingTime(6_000); // the watch sees it back: 5 s were down
            fixture.harness.setProcessingTime(9_999);
            fixture.drainMailbox();
            assertThat(fixture.results()).isEmpty();
            fixture.harness.setProcessingTime(10_000); // 5 s + the 5 s of downtime
            fixture.drainMailbox();

            assertThat(fixture.results()).hasSize(1);
            Result result = fixture.results().get(0);
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.reason()).contains("question-timeout");
            assertThat(fixture.keyedStateEntries()).isZero();
            assertThat(fixture.timers()).isZero();
        }
    }

    @Test
    void aReplyAfterTheOutageFinishesTheQuestionAsUsual() throws Exception {
        Reasoning reasoning =
                OperatorFixture.builder(model, "cot")
                        .option(ReasoningOptions.QUESTION_TIMEOUT, Duration.ofSeconds(5))
                        .build();
        try (OperatorFixture fixture = OperatorFixture.open(reasoning)) {
            fixture.add(Q1, "cot");
            model.fleetDown(FLEET);
            fixture.harness.setProcessingTime(1_000);
            fixture.harness.setProcessingTime(8_000);
            model.fleetUp();
            model.open().get(0).reply("{\"reasoning\": \"3 + 3\", \"answer\": \"6\"}");
            fixture.drainMailbox();

            assertThat(fixture.results()).hasSize(1);
            assertThat(fixture.results().get(0).status()).isEqualTo(Status.SOLVED);
        }
    }

    @Test
    void aFleetDownLongerThanTheOutageLimitFailsTheJobNamingRoleAndEndpoints() throws Exception {
        Reasoning reasoning =
                OperatorFixture.builder(model, "cot")
                        .option(ReasoningOptions.OUTAGE_LIMIT, Duration.ofSeconds(3))
                        .build();
        try (OperatorFixture fixture = OperatorFixture.open(reasoning)) {
            fixture.add(Q1, "cot");
            model.fleetDown(FLEET);
            fixture.harness.setProcessingTime(1_000); // down since here
            fixture.harness.setProcessingTime(4_000); // 3 s: at the limit, not past it
            fixture.drainMailbox();

            Throwable failure =
                    catchThrowable(
                            () -> {
                                fixture.harness.setProcessingTime(5_000);
                                fixture.drainMailbox();
                            });

            assertThat(ExceptionUtils.findThrowable(failure, FleetOutageException.class))
                    .hasValueSatisfying(
                            e -> {
                                assertThat(e.role()).isEqualTo("solver");
                                assertThat(e.endpoints()).isEqualTo(FLEET);
                                assertThat(e.getMessage())
                                        .startsWith(
                                                "The solver fleet ("
                                                        + FLEET
                                                        + ") has been down for 4 s, longer than"
                                                        + " outage-limit 3 s")
                                        .contains("503 from the fleet");
                            });
            assertThat(fixture.results()).as("no question failed for the outage").isEmpty();
        }
    }
}
