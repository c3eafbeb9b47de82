package dev.triad.jobs.parse;

import dev.triad.jobs.io.SourceLine;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.schemas.mapping.MappingException;
import java.io.Serializable;
import java.util.Objects;

/**
 * Turns one input line into a question or a dead letter: parse and map with a {@link FieldMapping},
 * then validate what the mapping produced. A pure function, so tests call it directly; {@link
 * ParseQuestionsFunction} runs it in the job.
 *
 * <p>Stages, as a {@link DeadLetter} records them: {@code parse} (not one JSON object), {@code map}
 * (a field the mapping needs is missing, empty or unusable), {@code validate} (an empty id or text,
 * or a text over the {@code max-question-chars} limit). Blank lines of files are skipped: they are
 * neither questions nor dead letters; an empty or null (tombstone) Kafka record value is a {@code
 * parse} dead letter naming topic, partition and offset.
 */
public final class QuestionParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The stage of dead letters for questions the mapping produced but Triad will not run. */
    public static final String VALIDATE = "validate";

    private final FieldMapping mapping;
    private final int maxQuestionChars;

    /**
     * @param mapping how input fields become question fields
     * @param maxQuestionChars questions with longer texts become dead letters
     */
    public QuestionParser(FieldMapping mapping, int maxQuestionChars) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        if (maxQuestionChars < 1) {
            throw new IllegalArgumentException(
                    "max-question-chars must be at least 1, was " + maxQuestionChars);
        }
        this.maxQuestionChars = maxQuestionChars;
    }

    /** The mapping in use. */
    public FieldMapping mapping() {
        return mapping;
    }

    /** What one line became: a question, a dead letter, or nothing for a blank line. */
    public record Outcome(ParsedQuestion question, DeadLetter deadLetter) {

        static final Outcome BLANK = new Outcome(null, null);

        /** Whether the line was blank and produced nothing. */
        public boolean blank() {
            return question == null && deadLetter == null;
        }
    }

    /** Parses, maps and validates one line; never throws for bad input. */
    public Outcome parse(SourceLine line) {
        if (!line.isText()) {
            return dead(
                    line,
                    (line.kafka() == null
                                    ? line.file() + " line " + line.line()
                                    : "Kafka record " + line.source())
                            + " is not valid UTF-8: its first bad byte is at byte "
                            + line.invalidUtf8At()
                            + " of the "
                            + (line.kafka() == null ? "line" : "value")
                            + " (its raw bytes are kept as base64 in 'raw'). Write the input as"
                            + " UTF-8 (e.g. iconv -f LATIN1 -t UTF-8).",
                    MappingException.PARSE);
        }
        String raw = line.text();
        if (raw.isBlank()) {
            if (line.kafka() == null) {
                return Outcome.BLANK;
            }
            // A record is a message someone sent: an empty one is worth a dead letter, unlike a
            // blank line between records of a file.
            return dead(
                    line,
                    "Kafka record at topic "
                            + line.kafka().topic()
                            + ", partition "
                            + line.kafka().partition()
                            + ", offset "
                            + line.kafka().offset()
                            + (line.kafka().tombstone()
                                    ? " has a null value (a tombstone)"
                                    : " has an empty value")
                            + "; a question is one JSON object. Fix the producer.",
                    MappingException.PARSE);
        }
        String where =
                line.kafka() == null
                        ? line.file() + " line " + line.line()
                        : "Kafka record " + line.source();
        dev.triad.schemas.Question question;
        try {
            question = mapping.map(raw, line.file(), line.line(), line.fallbackId());
        } catch (MappingException e) {
            return dead(line, e.getMessage(), e.stage());
        } catch (RuntimeException e) {
            // A mapping bug must not fail the job; the line is kept with what went wrong.
            return dead(
                    line,
                    where
                            + ": mapping '"
                            + mapping.name()
                            + "' failed unexpectedly ("
                            + e
                            + "). Report this with the line; meanwhile fix or remove it.",
                    MappingException.MAP);
        }
        if (question.id().isBlank()) {
            return dead(
                    line,
                    where
                            + ": the id is empty after mapping '"
                            + mapping.name()
                            + "'. Give the record a non-empty id, or use a mapping with 'id: line'"
                            + " to number records by file and line.",
                    VALIDATE);
        }
        if (question.text().isBlank()) {
            return dead(
                    line,
                    where
                            + ": the question text is empty after mapping '"
                            + mapping.name()
                            + "'. Fix the record or remove it.",
                    VALIDATE);
        }
        int length = question.text().length();
        if (length > maxQuestionChars) {
            return dead(
                    line,
                    where
                            + ": the question text has "
                            + length
                            + " characters, over the limit of "
                            + maxQuestionChars
                            + " (max-question-chars). Shorten the question, or raise the limit"
                            + " with --max-question-chars.",
                    VALIDATE);
        }
        return new Outcome(new ParsedQuestion(question, raw, line.source()), null);
    }

    private static Outcome dead(SourceLine line, String reason, String stage) {
        return new Outcome(null, new DeadLetter(line.text(), reason, stage, line.source()));
    }
}
