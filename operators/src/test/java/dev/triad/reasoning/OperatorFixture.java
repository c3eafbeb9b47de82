package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.schemas.Schemas;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** A keyed harness around one {@link ReasoningOperator}, with test-driven time and mailbox. */
final class OperatorFixture implements AutoCloseable {

    static final int MAX_PARALLELISM = 128;

    final KeyedOneInputStreamOperatorTestHarness<String, ReasoningTask, Result> harness;

    private OperatorFixture(Reasoning reasoning, int parallelism, int subtask) throws Exception {
        ReasoningOperatorFactory factory = reasoning.operatorFactory();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        factory,
                        ReasoningTask::key,
                        Types.STRING,
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
    }

    /** A single-subtask fixture, opened. */
    static OperatorFixture open(Reasoning reasoning) throws Exception {
        return restore(reasoning, null, 1, 0);
    }

    /** A fixture restored from {@code state} (or fresh when null), opened. */
    static OperatorFixture restore(
            Reasoning reasoning, OperatorSubtaskState state, int parallelism, int subtask)
            throws Exception {
        OperatorFixture fixture = new OperatorFixture(reasoning, parallelism, subtask);
        fixture.harness.setProcessingTime(0);
        if (state != null) {
            fixture.harness.initializeState(state);
        }
        fixture.harness.open();
        return fixture;
    }

    static Reasoning.Builder builder(ScriptedModel model, String... strategies) {
        Reasoning.Builder builder = Reasoning.builder().strategies(List.of(strategies));
        var binding = model.binding();
        for (Role role : Role.values()) {
            builder.model(role, binding);
        }
        return builder;
    }

    void add(Question question, String strategy) throws Exception {
        harness.processElement(new ReasoningTask(question, strategy), 0);
    }

    /** Runs every mail waiting on the task's mailbox (replies handed back by model futures). */
    void drainMailbox() throws Exception {
        TaskMailbox mailbox = harness.getTaskMailbox();
        while (mailbox.hasMail()) {
            mailbox.take(TaskMailbox.MIN_PRIORITY).run();
        }
    }

    List<Result> results() {
        return harness.extractOutputValues();
    }

    int keyedStateEntries() {
        return harness.numKeyedStateEntries();
    }

    int timers() {
        return harness.numProcessingTimeTimers();
    }

    ReasoningOperator operator() {
        return (ReasoningOperator) harness.getOneInputOperator();
    }

    /** Closes the harness after checking every result it produced against the contract. */
    @Override
    public void close() throws Exception {
        try {
            for (Result result : results()) {
                String json = Json.write(result);
                assertThat(RESULT_SCHEMA.validate(Json.mapper().readTree(json)))
                        .as("result.schema.json violations of %s", json)
                        .isEmpty();
            }
        } finally {
            harness.close();
        }
    }

    private static final JsonSchema RESULT_SCHEMA =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(Schemas.text(Schemas.RESULT));
}
