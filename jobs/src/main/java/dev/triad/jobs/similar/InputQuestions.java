package dev.triad.jobs.similar;

import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.SourceLine;
import dev.triad.jobs.io.Utf8;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.schemas.mapping.FieldMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The questions of a JSONL file or folder, read outside a job with the same parsing, mapping and
 * validation as {@code triad run} ({@link QuestionParser}); lines that {@code run} would turn into
 * dead letters are counted, with the first reason kept.
 *
 * @param input the file or folder read
 * @param questions the questions, in file and line order
 * @param rejected lines that are not questions (not JSON, fields missing, not UTF-8, ...)
 * @param firstRejection why the first rejected line was rejected, or null
 */
public record InputQuestions(
        Path input, List<InputQuestion> questions, long rejected, String firstRejection) {

    /** Most characters of a question; longer ones are rejected, as {@code run} does by default. */
    public static final int MAX_QUESTION_CHARS = 20_000;

    /**
     * Reads every question of a file or folder.
     *
     * @throws UncheckedIOException when a file cannot be read
     */
    public static InputQuestions read(Path input, FieldMapping mapping) {
        QuestionParser parser = new QuestionParser(mapping, MAX_QUESTION_CHARS);
        Utf8 utf8 = new Utf8();
        List<InputQuestion> questions = new ArrayList<>();
        long rejected = 0;
        String firstRejection = null;
        for (Path file : JsonlFiles.inputFiles(input)) {
            String name = file.getFileName().toString();
            byte[] bytes;
            try (InputStream in = JsonlFiles.open(file)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file + " (" + e + ")", e);
            }
            long lineNumber = 0;
            int start = 0;
            while (start < bytes.length) {
                int end = start;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                lineNumber++;
                int length = end - start;
                if (length > 0 && bytes[start + length - 1] == '\r') {
                    length--;
                }
                QuestionParser.Outcome outcome =
                        parser.parse(line(utf8, name, lineNumber, bytes, start, length));
                if (outcome.question() != null) {
                    questions.add(
                            new InputQuestion(outcome.question().question(), name, lineNumber));
                } else if (outcome.deadLetter() != null) {
                    rejected++;
                    if (firstRejection == null) {
                        firstRejection = outcome.deadLetter().reason();
                    }
                }
                start = end + 1;
            }
        }
        return new InputQuestions(input, List.copyOf(questions), rejected, firstRejection);
    }

    private static SourceLine line(
            Utf8 utf8, String file, long number, byte[] bytes, int from, int length) {
        String text = utf8.decode(bytes, from, length);
        return text != null
                ? new SourceLine(file, number, text)
                : SourceLine.invalidUtf8(file, number, bytes, from, length, utf8.badByte(), null);
    }
}
