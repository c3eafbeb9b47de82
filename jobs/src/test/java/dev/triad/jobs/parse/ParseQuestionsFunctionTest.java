package dev.triad.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.SourceLine;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.mapping.FieldMapping;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseQuestionsFunctionTest {

    private static final QuestionParser PARSER =
            new QuestionParser(FieldMapping.load("triad"), 1000);

    private static SourceLine good(long n) {
        return new SourceLine(
                "in.jsonl", n, "{\"id\":\"q" + n + "\",\"text\":\"question " + n + "\"}");
    }

    private static SourceLine bad(long n) {
        return new SourceLine("in.jsonl", n, "{not json " + n);
    }

    @Test
    void questionsGoToTheMainOutputAndBadLinesToTheDeadLetterSideOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<SourceLine, ParsedQuestion> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseQuestionsFunction(PARSER, ParseQuestionsFunction.NO_LIMIT))) {
            harness.processElement(good(1), 0);
            harness.processElement(bad(2), 0);
            harness.processElement(new SourceLine("in.jsonl", 3, ""), 0);
            harness.processElement(good(4), 0);

            assertThat(harness.extractOutputValues())
                    .extracting(p -> p.question().id())
                    .containsExactly("q1", "q4");
            assertThat(deadLetters(harness))
                    .extracting(DeadLetter::source)
                    .containsExactly("in.jsonl:2");
        }
    }

    @Test
    void theLimitKeepsTheFirstNQuestionsAndDropsEverythingAfterIt() throws Exception {
        try (OneInputStreamOperatorTestHarness<SourceLine, ParsedQuestion> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseQuestionsFunction(PARSER, 2))) {
            harness.processElement(good(1), 0);
            harness.processElement(bad(2), 0); // before the limit: a dead letter
            harness.processElement(good(3), 0); // the 2nd question: the limit is reached
            harness.processElement(bad(4), 0); // after it: dropped
            harness.processElement(good(5), 0);

            assertThat(harness.extractOutputValues())
                    .extracting(p -> p.question().id())
                    .containsExactly("q1", "q3");
            assertThat(deadLetters(harness))
                    .extracting(DeadLetter::source)
                    .containsExactly("in.jsonl:2");
        }
    }

    @Test
    void theLimitCountSurvivesASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<SourceLine, ParsedQuestion> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseQuestionsFunction(PARSER, 3))) {
            harness.processElement(good(1), 0);
            harness.processElement(good(2), 0);
            snapshot = harness.snapshot(1, 0);
        }
        ParseQuestionsFunction restoredFunction = new ParseQuestionsFunction(PARSER, 3);
        try (OneInputStreamOperatorTestHarness<SourceLine, ParsedQuestion> restored =
                new OneInputStreamOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.ProcessOperator<>(
                                restoredFunction))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(good(3), 0);
            restored.processElement(good(4), 0);

            assertThat(restored.extractOutputValues())
                    .extracting(p -> p.question().id())
                    .containsExactly("q3");
        }
    }

    private static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<SourceLine, ParsedQuestion> harness) {
        return harness.getSideOutput(ParseQuestionsFunction.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue)
                .toList();
    }
}
