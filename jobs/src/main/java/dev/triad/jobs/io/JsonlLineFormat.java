package dev.triad.jobs.io;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordMapperWrapperRecordIterator;

/**
 * A {@link BulkFormat} for {@code FileSource} that reads text files as {@link SourceLine}s: each
 * line with its file's name and its 1-based line number. Flink's {@code TextLineInputFormat} loses
 * both; a {@code StreamFormat} never sees the file's path, so this format wraps one (lines and
 * their numbers, checkpointed by Flink's {@code StreamFormatAdapter}) and adds the name from the
 * split.
 *
 * <p>Restores exactly: a split restored from a checkpoint continues with the line after the last
 * one emitted, with the same numbers (see {@link NumberedLineFormat}). Files are not split; Flink
 * decompresses {@code .gz}, {@code .bz2}, {@code .xz} and {@code .deflate} files by their
 * extension.
 */
public final class JsonlLineFormat implements BulkFormat<SourceLine, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    private final StreamFormatAdapter<NumberedLineFormat.NumberedLine> lines =
            new StreamFormatAdapter<>(new NumberedLineFormat());

    @Override
    public Reader<SourceLine> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return withFileName(lines.createReader(config, split), split);
    }

    @Override
    public Reader<SourceLine> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return withFileName(lines.restoreReader(config, split), split);
    }

    private static Reader<SourceLine> withFileName(
            Reader<NumberedLineFormat.NumberedLine> reader, FileSourceSplit split) {
        String file = split.path().getName();
        return RecordMapperWrapperRecordIterator.wrapReader(
                reader,
                line ->
                        line.text() != null
                                ? new SourceLine(file, line.line(), line.text())
                                : SourceLine.invalidUtf8(
                                        file,
                                        line.line(),
                                        line.raw(),
                                        0,
                                        line.raw().length,
                                        line.badByte(),
                                        null));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SourceLine> getProducedType() {
        return TypeInformation.of(SourceLine.class);
    }
}
