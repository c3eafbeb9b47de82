package dev.triad.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.SourceLine;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.schemas.mapping.MappingException;
import org.junit.jupiter.api.Test;

/** Kafka record values through {@link QuestionParser}: ids, empty values and tombstones. */
class KafkaRecordParsingTest {

    private final QuestionParser triad = new QuestionParser(FieldMapping.load("triad"), 100);
    private final QuestionParser gsm8k = new QuestionParser(FieldMapping.load("gsm8k"), 100);

    private static SourceLine record(long offset, String key, String value) {
        return SourceLine.ofRecord("questions", 1, offset, key, value);
    }

    @Test
    void theMappingsIdFieldComesFirst() {
        QuestionParser.Outcome outcome =
                triad.parse(record(5, "the-key", "{\"id\":\"q1\",\"text\":\"What is 2 + 3?\"}"));

        assertThat(outcome.question().question().id()).isEqualTo("q1");
        assertThat(outcome.question().source()).isEqualTo("questions/1/5");
    }

    @Test
    void withoutAnIdFieldTheKeyIsTheId() {
        assertThat(id(triad, record(5, "the-key", "{\"text\":\"What is 2 + 3?\"}")))
                .isEqualTo("the-key");
        assertThat(id(triad, record(5, "the-key", "{\"id\":null,\"text\":\"What is 2 + 3?\"}")))
                .isEqualTo("the-key");
        // A mapping that numbers records by line numbers records by key too.
        assertThat(
                        id(
                                gsm8k,
                                record(
                                        5,
                                        "k9",
                                        "{\"question\":\"What is 2 + 3?\",\"answer\":\"#### 5\"}")))
                .isEqualTo("k9");
    }

    @Test
    void withoutAnIdFieldOrAKeyTheIdIsTopicPartitionOffset() {
        assertThat(id(triad, record(5, null, "{\"text\":\"What is 2 + 3?\"}")))
                .isEqualTo("questions-1-5");
        assertThat(id(triad, record(6, " ", "{\"text\":\"What is 2 + 3?\"}")))
                .isEqualTo("questions-1-6");
        assertThat(
                        id(
                                gsm8k,
                                record(
                                        7,
                                        null,
                                        "{\"question\":\"What is 2 + 3?\",\"answer\":\"#### 5\"}")))
                .isEqualTo("questions-1-7");
    }

    @Test
    void linesOfFilesStillNeedTheirIdField() {
        QuestionParser.Outcome outcome =
                triad.parse(new SourceLine("q.jsonl", 3, "{\"text\":\"What is 2 + 3?\"}"));

        assertThat(outcome.deadLetter()).isNotNull();
        assertThat(outcome.deadLetter().stage()).isEqualTo(MappingException.MAP);
        assertThat(outcome.deadLetter().source()).isEqualTo("q.jsonl:3");
    }

    @Test
    void aTombstoneIsADeadLetterNamingTopicPartitionAndOffset() {
        DeadLetter letter = triad.parse(record(8, "k", null)).deadLetter();

        assertThat(letter).isNotNull();
        assertThat(letter.stage()).isEqualTo(MappingException.PARSE);
        assertThat(letter.source()).isEqualTo("questions/1/8");
        assertThat(letter.raw()).isEmpty();
        assertThat(letter.reason())
                .contains("topic questions, partition 1, offset 8")
                .contains("tombstone");
    }

    @Test
    void anEmptyValueIsADeadLetterNamingTopicPartitionAndOffset() {
        for (String empty : new String[] {"", "  "}) {
            DeadLetter letter = triad.parse(record(9, null, empty)).deadLetter();

            assertThat(letter).isNotNull();
            assertThat(letter.source()).isEqualTo("questions/1/9");
            assertThat(letter.reason())
                    .contains("topic questions, partition 1, offset 9")
                    .contains("empty value");
        }
    }

    @Test
    void malformedJsonIsAParseDeadLetterCitingTheRecord() {
        DeadLetter letter = triad.parse(record(10, null, "{\"id\":")).deadLetter();

        assertThat(letter.stage()).isEqualTo(MappingException.PARSE);
        assertThat(letter.source()).isEqualTo("questions/1/10");
        assertThat(letter.raw()).isEqualTo("{\"id\":");
    }

    private static String id(QuestionParser parser, SourceLine line) {
        QuestionParser.Outcome outcome = parser.parse(line);
        assertThat(outcome.deadLetter()).as("dead letter of %s", line).isNull();
        return outcome.question().question().id();
    }
}
