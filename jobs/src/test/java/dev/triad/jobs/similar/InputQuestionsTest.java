package dev.triad.jobs.similar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.mapping.FieldMapping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading questions outside a job, with run's parsing and mapping. */
class InputQuestionsTest {

    @TempDir Path dir;

    @Test
    void questionsKeepTheirFileAndLineAndBadLinesAreCountedWithTheFirstReason() throws Exception {
        Path file = dir.resolve("in.jsonl");
        byte[] latin1 = "{\"question\": \"caf\u00e9?\"}".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(
                file,
                ("{\"question\": \"How many?\", \"answer\": \"#### 3\"}\n"
                                + "\n"
                                + "not json\n"
                                + "{\"question\": \"And now?\", \"answer\": \"#### 4\"}\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        Files.write(file, latin1, java.nio.file.StandardOpenOption.APPEND);

        InputQuestions read = InputQuestions.read(file, FieldMapping.load("gsm8k"));

        assertThat(read.questions())
                .extracting(q -> q.question().text(), InputQuestion::file, InputQuestion::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("How many?", "in.jsonl", 1L),
                        org.assertj.core.groups.Tuple.tuple("And now?", "in.jsonl", 4L));
        assertThat(read.questions().get(0).question().id()).isEqualTo("in.jsonl:1");
        assertThat(read.rejected()).isEqualTo(2);
        assertThat(read.firstRejection()).contains("in.jsonl line 3");
    }
}
