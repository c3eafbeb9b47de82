package dev.triad.jobs.similar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The near-duplicate check on hand-made unit vectors (no model): mark, drop, restore. */
class NearDuplicateFunctionTest {

    /** A unit vector at the given angle (radians) in the plane of the first two axes. */
    private static EmbeddedQuestion at(String id, double angle) {
        float[] v = new float[8];
        v[0] = (float) Math.cos(angle);
        v[1] = (float) Math.sin(angle);
        return new EmbeddedQuestion(Question.of(id, "text of " + id), v);
    }

    private static OneInputStreamOperatorTestHarness<EmbeddedQuestion, Question> harness(
            NearDuplicatePolicy policy) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NearDuplicateFunction(policy, 0.95)));
    }

    private static List<DeadLetter> dropped(
            OneInputStreamOperatorTestHarness<EmbeddedQuestion, Question> h) {
        List<DeadLetter> out = new ArrayList<>();
        var records = h.getSideOutput(NearDuplicateFunction.DROPPED);
        if (records != null) {
            for (StreamRecord<DeadLetter> r : records) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Test
    void markRunsANearDuplicateWithTheEarlierQuestionsIdAndTheScore() throws Exception {
        try (var h = harness(NearDuplicatePolicy.MARK)) {
            h.open();
            h.processElement(at("a", 0.0), 0); // kept
            h.processElement(at("b", Math.PI / 2), 0); // orthogonal: kept
            h.processElement(at("a2", 0.1), 0); // cos 0.995 to a
            h.processElement(at("c", 0.4), 0); // cos 0.921 to a: below 0.95

            List<Question> out = h.extractOutputValues();
            assertThat(out).extracting(Question::id).containsExactly("a", "b", "a2", "c");
            assertThat(out.get(0).metadata()).isEmpty();
            assertThat(out.get(2).metadata())
                    .containsEntry(NearDuplicateFunction.DUPLICATE_OF, "a")
                    .containsEntry(NearDuplicateFunction.SCORE, "0.9950");
            assertThat(out.get(3).metadata()).isEmpty();
            assertThat(dropped(h)).isEmpty();
        }
    }

    @Test
    void dropMakesANearDuplicateADeadLetterNamingBothQuestions() throws Exception {
        try (var h = harness(NearDuplicatePolicy.DROP)) {
            h.open();
            h.processElement(at("a", 0.0), 0);
            h.processElement(at("a2", 0.1), 0);

            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("a");
            List<DeadLetter> dead = dropped(h);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).stage()).isEqualTo("near-duplicate");
            assertThat(dead.get(0).source()).isEqualTo("a2");
            assertThat(dead.get(0).reason())
                    .contains("'a2' is a near-duplicate of question 'a'")
                    .contains("0.9950");
            assertThat(Json.read(dead.get(0).raw(), Question.class).id()).isEqualTo("a2");
        }
    }

    @Test
    void aNearDuplicateIsComparedWithTheQuestionsKeptNotWithOtherDuplicates() throws Exception {
        try (var h = harness(NearDuplicatePolicy.DROP)) {
            h.open();
            h.processElement(at("a", 0.0), 0);
            h.processElement(at("a2", 0.25), 0); // cos 0.969 to a: dropped
            h.processElement(at("a3", 0.5), 0); // cos 0.878 to a; 0.969 to a2 (dropped): kept

            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("a", "a3");
        }
    }

    @Test
    void aRestoredCheckRemembersTheQuestionsSeenBeforeTheSnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(NearDuplicatePolicy.DROP)) {
            h.open();
            h.processElement(at("a", 0.0), 0);
            h.processElement(at("b", Math.PI / 2), 0);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(NearDuplicatePolicy.DROP)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(at("b2", Math.PI / 2 - 0.05), 0);
            h.processElement(at("c", Math.PI), 0);

            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("c");
            assertThat(dropped(h))
                    .singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("question 'b'"));
        }
    }
}
