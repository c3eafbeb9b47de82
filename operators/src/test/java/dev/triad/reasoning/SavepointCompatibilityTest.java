package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.ModelRequest;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * {@link QuestionState} is the savepoint format: a snapshot written by an earlier version of the
 * operator (checked in under {@code src/test/resources/savepoints/}) restores into this code and
 * every question in it finishes with the result the earlier version produced.
 *
 * <p>The snapshot holds an lm2 question waiting for a regenerated subquestion (feedback from a
 * rejected step in its state), an element of the same key queued behind it, a plan-solve question
 * half-way through its plan and a cot question waiting for its one call. To write a new snapshot
 * (only when the format changes on purpose, with a new {@code QuestionState} version and a reader
 * for the old one), run this test with {@code -Dtriad.savepoint.write=DIR}.
 */
class SavepointCompatibilityTest {

    private static final String SNAPSHOT = "savepoints/v1-operator-state.snapshot";
    private static final String EXPECTED = "savepoints/v1-results.jsonl";

    static final Question LM2 =
            new Question(
                    "q-lm2", "Ann has 3 apples and buys 3 more. How many?", "6", null, Map.of());
    static final Question PLAN =
            new Question(
                    "q-plan", "Bo has 2 pens and finds 4 more. How many?", "6", null, Map.of());
    static final Question COT =
            new Question("q-cot", "Cy has 5 cups and breaks 1. How many?", "4", null, Map.of());

    @Test
    void aSnapshotOfTheFirstStateFormatRestoresAndFinishesEveryQuestionAsBefore() throws Exception {
        String writeTo = System.getProperty("triad.savepoint.write");
        OperatorSubtaskState snapshot;
        if (writeTo != null) {
            snapshot = takeSnapshot();
            Files.createDirectories(Path.of(writeTo));
            OperatorSnapshotUtil.writeStateHandle(
                    snapshot, Path.of(writeTo, "v1-operator-state.snapshot").toString());
        } else {
            snapshot = OperatorSnapshotUtil.readStateHandle(resource(SNAPSHOT).toString());
        }

        List<Result> results = finishAfterRestore(snapshot);
        List<String> lines = new ArrayList<>();
        for (Result result : results) {
            lines.add(Json.write(result));
        }
        if (writeTo != null) {
            Files.write(Path.of(writeTo, "v1-results.jsonl"), lines, StandardCharsets.UTF_8);
            return;
        }
        List<JsonNode> expected = new ArrayList<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EXPECTED)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    expected.add(Json.mapper().readTree(line));
                }
            }
        }
        List<JsonNode> actual = new ArrayList<>();
        for (String line : lines) {
            ObjectNode result = (ObjectNode) Json.mapper().readTree(line);
            // Added to results after v1 was written: the question's text, from the restored state.
            assertThat(result.path("question").asText()).isNotBlank();
            result.remove("question");
            actual.add(result);
        }
        assertThat(actual).hasSize(4).containsExactlyElementsOf(expected);
    }

    /** The snapshot as the first version wrote it: every question waits for a call. */
    private static OperatorSubtaskState takeSnapshot() throws Exception {
        ScriptedModel model = new ScriptedModel();
        Reasoning reasoning = OperatorFixture.builder(model, "lm2", "plan-solve", "cot").build();
        try (OperatorFixture fixture = OperatorFixture.open(reasoning)) {
            fixture.add(LM2, "lm2");
            answer(fixture, model, "{\"concepts\": [\"addition\"], \"subquestion\": \"s1\"}");
            answer(fixture, model, "{\"answer\": \"3\"}");
            answer(fixture, model, "{\"explanation\": \"ok\", \"class\": \"no_mistake\"}");
            answer(fixture, model, "{\"subquestion\": \"s2\"}");
            answer(fixture, model, "{\"answer\": \"4\"}");
            answer(
                    fixture,
                    model,
                    "{\"explanation\": \"wrong operation\", \"class\": \"conceptual_mistake\"}");
            // Waits for the regenerated subquestion; the same key queues behind it.
            fixture.add(LM2, "lm2");

            fixture.add(PLAN, "plan-solve");
            answer(fixture, model, "plan", "{\"subquestions\": [\"p1\", \"p2\"]}");
            answer(fixture, model, "answer", "{\"answer\": \"2\"}");
            // Waits for the answer to p2.

            fixture.add(COT, "cot");
            // Waits for its one call.
            return fixture.harness.snapshot(1L, 1L);
        }
    }

    private static void answer(OperatorFixture fixture, ScriptedModel model, String text)
            throws Exception {
        List<ScriptedModel.Call> open = model.open();
        assertThat(open).hasSize(1);
        open.get(0).reply(text);
        fixture.drainMailbox();
    }

    /** Answers the one open call made for {@code purpose}. */
    private static void answer(
            OperatorFixture fixture, ScriptedModel model, String purpose, String text)
            throws Exception {
        List<ScriptedModel.Call> open = new ArrayList<>();
        for (ScriptedModel.Call call : model.open()) {
            if (call.purpose().equals(purpose)) {
                open.add(call);
            }
        }
        assertThat(open).hasSize(1);
        open.get(0).reply(text);
        fixture.drainMailbox();
    }

    /** Restores {@code snapshot} and answers every call at once until all questions end. */
    private static List<Result> finishAfterRestore(OperatorSubtaskState snapshot) throws Exception {
        ScriptedModel model = new ScriptedModel().answering(SavepointCompatibilityTest::reply);
        Reasoning reasoning = OperatorFixture.builder(model, "lm2", "plan-solve", "cot").build();
        try (OperatorFixture fixture = OperatorFixture.restore(reasoning, snapshot, 1, 0)) {
            fixture.drainMailbox();
            List<Result> results = new ArrayList<>(fixture.results());
            assertThat(fixture.keyedStateEntries()).isZero();
            assertThat(fixture.timers()).isZero();
            results.sort(
                    Comparator.comparing(Result::id)
                            .thenComparing(r -> r.steps().size())
                            .thenComparing(r -> r.usage().toString()));
            return results;
        }
    }

    /** A deterministic model: the reply depends only on what the call asks for. */
    private static String reply(ModelRequest request) {
        Map<String, Object> inputs = request.context().inputs();
        int verified = inputs.get("verified") instanceof List<?> list ? list.size() : 0;
        switch (request.context().purposeKey()) {
            case "concepts":
                return "{\"concepts\": [\"addition\"], \"subquestion\": \"s1\"}";
            case "subquestion":
                return verified >= 2 ? "{\"done\": true}" : "{\"subquestion\": \"s2 again\"}";
            case "answer":
                return "{\"answer\": \"" + (verified + 3) + "\"}";
            case "verify":
                return "{\"explanation\": \"fine\", \"class\": \"no_mistake\"}";
            case "plan":
                return "{\"subquestions\": [\"p1\", \"p2\"]}";
            case "final":
            case "cot":
                return "{\"reasoning\": \"so\", \"answer\": \"6\"}";
            default:
                throw new IllegalArgumentException(request.context().purposeKey());
        }
    }

    private static Path resource(String name) throws IOException, URISyntaxException {
        var url = SavepointCompatibilityTest.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("missing test resource " + name);
        }
        return Path.of(url.toURI());
    }
}
