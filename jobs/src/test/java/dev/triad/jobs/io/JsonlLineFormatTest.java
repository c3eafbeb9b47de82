package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlLineFormatTest {

    @TempDir Path dir;

    private final JsonlLineFormat format = new JsonlLineFormat();

    /** A record as emitted, with the position a checkpoint taken right after it would hold. */
    private record Emitted(SourceLine line, long offset, long skip) {}

    @Test
    void linesKeepFileNameAndOneBasedNumbersIncludingBlankOnes() throws IOException {
        Path file = write("questions.jsonl", "{\"a\":1}\r\n\n{\"b\":2}\n   \n{\"c\":3}");

        List<SourceLine> lines = texts(readAll(split(file)));

        assertThat(lines)
                .containsExactly(
                        new SourceLine("questions.jsonl", 1, "{\"a\":1}"),
                        new SourceLine("questions.jsonl", 2, ""),
                        new SourceLine("questions.jsonl", 3, "{\"b\":2}"),
                        new SourceLine("questions.jsonl", 4, "   "),
                        new SourceLine("questions.jsonl", 5, "{\"c\":3}"));
        assertThat(lines.get(0).source()).isEqualTo("questions.jsonl:1");
    }

    @Test
    void longAndMultiByteLinesSurviveBufferBoundaries() throws IOException {
        String longLine = "é€😀x".repeat(5_000); // far more than the 8k-char buffer
        Path file = write("wide.jsonl", "short\n" + longLine + "\nlast\n");

        List<SourceLine> lines = texts(readAll(split(file)));

        assertThat(lines).extracting(SourceLine::text).containsExactly("short", longLine, "last");
        assertThat(lines).extracting(SourceLine::line).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aLineThatIsNotUtf8KeepsItsBytesAndTheOffsetOfItsFirstBadByte() throws IOException {
        byte[] latin1 = "caf\u00e9 au lait".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("mixed.jsonl");
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        content.write("{\"a\":1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        content.write(latin1);
        content.write("\r\n{\"b\":\"\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.write(file, content.toByteArray());

        List<SourceLine> lines = texts(readAll(split(file)));

        assertThat(lines).extracting(SourceLine::line).containsExactly(1L, 2L, 3L);
        assertThat(lines.get(0).isText()).isTrue();
        assertThat(lines.get(2).text()).isEqualTo("{\"b\":\"\u00e9\"}");
        SourceLine bad = lines.get(1);
        assertThat(bad.isText()).isFalse();
        assertThat(bad.invalidUtf8At()).isEqualTo(3); // the Latin-1 e-acute after "caf"
        assertThat(java.util.Base64.getDecoder().decode(bad.text())).isEqualTo(latin1);
    }

    @Test
    void anEmptyFileHasNoLines() throws IOException {
        assertThat(readAll(split(write("empty.jsonl", "")))).isEmpty();
    }

    @Test
    void restoringFromACheckpointedPositionContinuesWithTheNextLineAndItsNumber()
            throws IOException {
        StringBuilder text = new StringBuilder();
        int count = 20_000; // several read batches
        for (int i = 1; i <= count; i++) {
            text.append("{\"id\":\"q").append(i).append("\",\"text\":\"line ").append(i);
            text.append("\"}\n");
        }
        Path file = write("big.jsonl", text.toString());
        List<Emitted> all = readAll(split(file));
        assertThat(all).hasSize(count);

        for (int k : new int[] {0, 1, 4_321, count - 2, count - 1}) {
            Emitted at = all.get(k);
            FileSourceSplit restored =
                    split(file)
                            .updateWithCheckpointedPosition(
                                    new CheckpointedPosition(at.offset(), at.skip()));

            List<Emitted> rest = read(format.restoreReader(new Configuration(), restored));

            assertThat(texts(rest))
                    .as("restored after line %d", k + 1)
                    .isEqualTo(texts(all.subList(k + 1, count)));
        }
    }

    @Test
    void restoreAfterARestoreStillNumbersLinesFromTheStartOfTheFile() throws IOException {
        Path file = write("twice.jsonl", "a\nb\nc\nd\ne\n");
        List<Emitted> all = readAll(split(file));
        Emitted second = all.get(1);
        List<Emitted> afterFirst =
                read(
                        format.restoreReader(
                                new Configuration(),
                                split(file)
                                        .updateWithCheckpointedPosition(
                                                new CheckpointedPosition(
                                                        second.offset(), second.skip()))));
        Emitted fourth = afterFirst.get(1); // line "d"

        List<Emitted> afterSecond =
                read(
                        format.restoreReader(
                                new Configuration(),
                                split(file)
                                        .updateWithCheckpointedPosition(
                                                new CheckpointedPosition(
                                                        fourth.offset(), fourth.skip()))));

        assertThat(texts(afterSecond)).containsExactly(new SourceLine("twice.jsonl", 5, "e"));
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static FileSourceSplit split(Path file) throws IOException {
        long size = Files.size(file);
        return new FileSourceSplit(
                "split-1",
                new org.apache.flink.core.fs.Path(file.toUri()),
                0,
                size,
                Files.getLastModifiedTime(file).toMillis(),
                size);
    }

    private List<Emitted> readAll(FileSourceSplit split) throws IOException {
        return read(format.createReader(new Configuration(), split));
    }

    private static List<Emitted> read(BulkFormat.Reader<SourceLine> reader) throws IOException {
        List<Emitted> out = new ArrayList<>();
        try (reader) {
            BulkFormat.RecordIterator<SourceLine> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<SourceLine> next;
                while ((next = batch.next()) != null) {
                    // The iterator reuses its holder: copy out immediately.
                    out.add(
                            new Emitted(
                                    next.getRecord(), next.getOffset(), next.getRecordSkipCount()));
                }
                batch.releaseBatch();
            }
        }
        return out;
    }

    private static List<SourceLine> texts(List<Emitted> emitted) {
        return emitted.stream().map(Emitted::line).toList();
    }
}
