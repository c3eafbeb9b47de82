package dev.triad.jobs.io;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a UTF-8 text file as lines numbered from 1. Lines end at {@code \n}; a {@code \r} before it
 * is dropped; a last line without a terminator is still a line.
 *
 * <p>Checkpoints: the reader reports no byte position, so Flink's {@code StreamFormatAdapter}
 * records "N lines after the start of the file" and, on restore, re-opens the file and skips N
 * lines through {@code Reader#read()}. Skipped lines are counted like any other, so the line
 * numbers after a restore are the same as in an uninterrupted read. The price is re-reading the
 * file up to the checkpointed line, which is cheap next to the model calls each line leads to.
 * Files are therefore not splittable: one reader reads one file.
 */
final class NumberedLineFormat extends SimpleStreamFormat<NumberedLineFormat.NumberedLine> {

    private static final long serialVersionUID = 1L;

    /** A line and its 1-based number. */
    record NumberedLine(long line, String text) {}

    @Override
    public StreamFormat.Reader<NumberedLine> createReader(
            Configuration config, FSDataInputStream stream) {
        return new LineReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    @Override
    public TypeInformation<NumberedLine> getProducedType() {
        return TypeInformation.of(NumberedLine.class);
    }

    /** Splits a character stream at {@code \n}, keeping its own buffer (no per-char locking). */
    static final class LineReader implements StreamFormat.Reader<NumberedLine> {

        private static final int BUFFER_CHARS = 8192;

        private final java.io.Reader in;
        private final char[] buffer = new char[BUFFER_CHARS];
        private int position;
        private int limit;
        private boolean endOfStream;
        private long lineNumber;

        LineReader(java.io.Reader in) {
            this.in = in;
        }

        @Override
        public NumberedLine read() throws IOException {
            StringBuilder pending = null;
            while (true) {
                if (position >= limit) {
                    if (endOfStream || !fill()) {
                        break;
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (position < limit) {
                    String line =
                            pending == null
                                    ? new String(buffer, start, position - start)
                                    : pending.append(buffer, start, position - start).toString();
                    position++; // past the '\n'
                    return numbered(line);
                }
                if (pending == null) {
                    pending = new StringBuilder(2 * (position - start));
                }
                pending.append(buffer, start, position - start);
            }
            return pending == null ? null : numbered(pending.toString());
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            while (n == 0) {
                n = in.read(buffer, 0, buffer.length);
            }
            if (n < 0) {
                endOfStream = true;
                position = 0;
                limit = 0;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private NumberedLine numbered(String line) {
            lineNumber++;
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
                line = line.substring(0, end - 1);
            }
            return new NumberedLine(lineNumber, line);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
