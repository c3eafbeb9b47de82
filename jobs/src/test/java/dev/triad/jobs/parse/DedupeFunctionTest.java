package dev.triad.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Question;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DedupeFunctionTest {

    private static ParsedQuestion parsed(String id, long line) {
        String raw = "{\"id\":\"" + id + "\",\"text\":\"t" + line + "\"}";
        return new ParsedQuestion(Question.of(id, "t" + line), raw, "in.jsonl:" + line);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ParsedQuestion, Question>
            harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction()),
                p -> p.question().id(),
                Types.STRING);
    }

    @Test
    void theFirstQuestionWithAnIdPassesAndLaterOnesAreDedupeDeadLetters() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(parsed("a", 1), 0);
            h.processElement(parsed("b", 2), 0);
            h.processElement(parsed("a", 3), 0);

            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("a", "b");
            List<DeadLetter> dead = duplicates(h);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).stage()).isEqualTo("dedupe");
            assertThat(dead.get(0).source()).isEqualTo("in.jsonl:3");
            assertThat(dead.get(0).raw()).isEqualTo(parsed("a", 3).raw());
            assertThat(dead.get(0).reason())
                    .contains("duplicate id 'a'")
                    .contains("in.jsonl:1")
                    .contains("in.jsonl:3");
        }
    }

    @Test
    void seenIdsSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(parsed("a", 1), 0);
            snapshot = h.snapshot(1, 0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(parsed("a", 2), 0);
            h.processElement(parsed("c", 3), 0);

            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("c");
            assertThat(duplicates(h)).extracting(DeadLetter::source).containsExactly("in.jsonl:2");
        }
    }

    private static List<DeadLetter> duplicates(
            KeyedOneInputStreamOperatorTestHarness<String, ParsedQuestion, Question> h) {
        return h.getSideOutput(DedupeFunction.DUPLICATES).stream()
                .map(StreamRecord::getValue)
                .toList();
    }
}
