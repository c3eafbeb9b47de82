package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLayoutTest {

    @TempDir Path dir;

    @Test
    void mergeConcatenatesCommittedPartsInNameOrderAndSkipsInProgressOnes() throws IOException {
        OutputLayout layout = OutputLayout.in(dir);
        layout.prepare();
        Files.createDirectories(layout.resultParts());
        Files.writeString(layout.resultParts().resolve("part-b-1-0.jsonl"), "{\"n\":2}\n");
        Files.writeString(layout.resultParts().resolve("part-a-0-0.jsonl"), "{\"n\":1}\n");
        Files.writeString(
                layout.resultParts().resolve(".part-c-0-1.jsonl.inprogress.x"), "{\"n\":3}\n");

        layout.merge();

        assertThat(Files.readString(layout.resultsFile())).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        assertThat(layout.deadLettersFile()).exists().isEmptyFile();
        assertThat(dir.resolve("parts")).doesNotExist();
    }

    @Test
    void prepareRemovesAnEarlierRunsOutputButNothingElse() throws IOException {
        OutputLayout layout = OutputLayout.in(dir);
        Files.writeString(layout.resultsFile(), "old\n");
        Files.writeString(layout.deadLettersFile(), "old\n");
        Files.createDirectories(layout.deadLetterParts());
        Files.writeString(layout.deadLetterParts().resolve("part-x-0-0.jsonl"), "old\n");
        Files.writeString(dir.resolve("notes.txt"), "mine");

        layout.prepare();
        layout.merge();

        assertThat(layout.resultsFile()).isEmptyFile();
        assertThat(layout.deadLettersFile()).isEmptyFile();
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
    }
}
