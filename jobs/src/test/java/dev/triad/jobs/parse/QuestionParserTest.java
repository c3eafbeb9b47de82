package dev.triad.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.SourceLine;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.mapping.FieldMapping;
import org.junit.jupiter.api.Test;

class QuestionParserTest {

    private final QuestionParser triad = new QuestionParser(FieldMapping.load("triad"), 100);

    private static SourceLine line(long number, String text) {
        return new SourceLine("input.jsonl", number, text);
    }

    @Test
    void aGoodLineBecomesAQuestionWithItsSourceAndRawLine() {
        String raw = "{\"id\":\"q1\",\"text\":\"What is 2 + 3?\",\"gold\":\"5\"}";

        QuestionParser.Outcome outcome = triad.parse(line(7, raw));

        assertThat(outcome.deadLetter()).isNull();
        assertThat(outcome.question().question().id()).isEqualTo("q1");
        assertThat(outcome.question().question().gold()).isEqualTo("5");
        assertThat(outcome.question().raw()).isEqualTo(raw);
        assertThat(outcome.question().source()).isEqualTo("input.jsonl:7");
    }

    @Test
    void blankLinesAreSkippedNotDeadLettered() {
        assertThat(triad.parse(line(1, "")).blank()).isTrue();
        assertThat(triad.parse(line(2, "  \t ")).blank()).isTrue();
    }

    @Test
    void aLineThatIsNotUtf8IsAParseDeadLetterWithItsBytesAsBase64() {
        byte[] raw = {'{', '"', 't', (byte) 0xFF, '"', '}'};
        SourceLine line = SourceLine.invalidUtf8("input.jsonl", 4, raw, 0, raw.length, 3, null);

        DeadLetter dead = triad.parse(line).deadLetter();

        assertThat(dead.stage()).isEqualTo("parse");
        assertThat(dead.source()).isEqualTo("input.jsonl:4");
        assertThat(java.util.Base64.getDecoder().decode(dead.raw())).isEqualTo(raw);
        assertThat(dead.reason())
                .contains("input.jsonl line 4 is not valid UTF-8")
                .contains("first bad byte is at byte 3")
                .contains("base64");
    }

    @Test
    void malformedJsonIsAParseDeadLetterWithTheLineVerbatim() {
        String raw = "{\"id\":\"q1\",\"text\":\"cut off";

        DeadLetter dead = triad.parse(line(3, raw)).deadLetter();

        assertThat(dead.raw()).isEqualTo(raw);
        assertThat(dead.stage()).isEqualTo("parse");
        assertThat(dead.source()).isEqualTo("input.jsonl:3");
        assertThat(dead.reason()).contains("input.jsonl line 3").contains("not valid JSON");
    }

    @Test
    void aJsonValueThatIsNotAnObjectIsAParseDeadLetter() {
        DeadLetter dead = triad.parse(line(4, "[1, 2, 3]")).deadLetter();

        assertThat(dead.stage()).isEqualTo("parse");
        assertThat(dead.raw()).isEqualTo("[1, 2, 3]");
    }

    @Test
    void aMissingFieldIsAMapDeadLetterNamingTheField() {
        String raw = "{\"id\":\"q2\",\"gold\":\"4\"}";

        DeadLetter dead = triad.parse(line(5, raw)).deadLetter();

        assertThat(dead.stage()).isEqualTo("map");
        assertThat(dead.raw()).isEqualTo(raw);
        assertThat(dead.reason()).contains("'text'").contains("input.jsonl line 5");
    }

    @Test
    void anEmptyFieldIsAMapDeadLetter() {
        DeadLetter dead = triad.parse(line(6, "{\"id\":\"q3\",\"text\":\"\"}")).deadLetter();

        assertThat(dead.stage()).isEqualTo("map");
        assertThat(dead.reason()).contains("empty");
    }

    @Test
    void fieldsTheMappingNamesButTheRecordLacksAreMapDeadLetters() {
        // A triad record read with the gsm8k mapping: 'question' and 'answer' are unknown to it.
        QuestionParser gsm8k = new QuestionParser(FieldMapping.load("gsm8k"), 100);
        String raw = "{\"id\":\"q4\",\"text\":\"What is 1 + 1?\"}";

        DeadLetter dead = gsm8k.parse(line(8, raw)).deadLetter();

        assertThat(dead.stage()).isEqualTo("map");
        assertThat(dead.reason()).contains("'question'").contains("gsm8k");
        assertThat(dead.raw()).isEqualTo(raw);
    }

    @Test
    void aWhitespaceOnlyTextIsAValidateOrMapDeadLetter() {
        DeadLetter dead = triad.parse(line(9, "{\"id\":\"q5\",\"text\":\"   \"}")).deadLetter();

        assertThat(dead).isNotNull();
        assertThat(dead.stage()).isIn("map", "validate");
    }

    @Test
    void anOversizeQuestionIsAValidateDeadLetterNamingTheLimitAndTheOption() {
        String raw = "{\"id\":\"q6\",\"text\":\"" + "x".repeat(101) + "\"}";

        DeadLetter dead = triad.parse(line(10, raw)).deadLetter();

        assertThat(dead.stage()).isEqualTo("validate");
        assertThat(dead.raw()).isEqualTo(raw);
        assertThat(dead.source()).isEqualTo("input.jsonl:10");
        assertThat(dead.reason())
                .contains("101 characters")
                .contains("100")
                .contains("--max-question-chars");
    }

    @Test
    void aQuestionAtTheLimitIsKept() {
        String raw = "{\"id\":\"q7\",\"text\":\"" + "x".repeat(100) + "\"}";

        assertThat(triad.parse(line(11, raw)).question()).isNotNull();
    }

    @Test
    void mappingsWithoutIdsNumberQuestionsByFileAndLine() {
        QuestionParser gsm8k = new QuestionParser(FieldMapping.load("gsm8k"), 1000);
        String raw = "{\"question\":\"What is 6 * 7?\",\"answer\":\"6 * 7 = 42\\n#### 42\"}";

        ParsedQuestion parsed = gsm8k.parse(line(12, raw)).question();

        assertThat(parsed.question().id()).isEqualTo("input.jsonl:12");
        assertThat(parsed.question().gold()).isEqualTo("42");
    }
}
