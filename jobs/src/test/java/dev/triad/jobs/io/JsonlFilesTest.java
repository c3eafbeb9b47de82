package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFilesTest {

    @TempDir Path dir;

    @Test
    void countsNonBlankLinesWithOrWithoutATrailingNewline() throws IOException {
        Files.writeString(dir.resolve("a.jsonl"), "{}\n\n  \n{}\r\n{}");
        Files.writeString(dir.resolve("b.jsonl"), "{}\n{}\n");

        assertThat(JsonlFiles.countLines(dir.resolve("a.jsonl"))).isEqualTo(3);
        assertThat(JsonlFiles.countLines(dir.resolve("b.jsonl"))).isEqualTo(2);
        assertThat(JsonlFiles.countLines(dir)).isEqualTo(5);
    }

    @Test
    void foldersSkipHiddenAndUnderscoreFilesAsFlinkDoes() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve("_skipped"));
        Files.writeString(dir.resolve("b.jsonl"), "{}\n");
        Files.writeString(dir.resolve("sub/a.jsonl"), "{}\n");
        Files.writeString(dir.resolve(".hidden.jsonl"), "{}\n");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.writeString(dir.resolve("_skipped/c.jsonl"), "{}\n");

        assertThat(JsonlFiles.inputFiles(dir))
                .containsExactly(dir.resolve("b.jsonl"), dir.resolve("sub/a.jsonl"));
    }

    @Test
    void countsLinesOfGzipFiles() throws IOException {
        Path gz = dir.resolve("q.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("{}\n{}\n{}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(JsonlFiles.countLines(gz)).isEqualTo(3);
    }
}
