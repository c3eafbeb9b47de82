package dev.triad.jobs.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a UTF-8 text file as lines numbered from 1. Lines end at {@code \n}; a {@code \r} before it
 * is dropped; a last line without a terminator is still a line. Each line is decoded strictly: a
 * line that is not valid UTF-8 comes out with its raw bytes and the offset of its first bad byte
 * (and becomes a dead letter), never with replacement characters.
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

    /**
     * A line and its 1-based number: its text, or, when it is not valid UTF-8, its raw bytes and
     * the offset of the first bad byte ({@code text} is then {@code null}).
     */
    record NumberedLine(long line, String text, byte[] raw, int badByte) {
        NumberedLine(long line, String text) {
            this(line, text, null, -1);
        }
    }

    @Override
    public StreamFormat.Reader<NumberedLine> createReader(
            Configuration config, FSDataInputStream stream) {
        return new LineReader(stream);
    }

    @Override
    public TypeInformation<NumberedLine> getProducedType() {
        return TypeInformation.of(NumberedLine.class);
    }

    /**
     * Splits a byte stream at {@code \n} (a byte that never occurs inside a UTF-8 sequence),
     * keeping its own buffer, and decodes each line.
     */
    static final class LineReader implements StreamFormat.Reader<NumberedLine> {

        private static final int BUFFER_BYTES = 8192;

        private final InputStream in;
        private final Utf8 utf8 = new Utf8();
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int position;
        private int limit;
        private boolean endOfStream;
        private long lineNumber;

        LineReader(InputStream in) {
            this.in = in;
        }

        @Override
        public NumberedLine read() throws IOException {
            ByteArrayOutputStream pending = null;
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
                    NumberedLine line;
                    if (pending == null) {
                        line = numbered(buffer, start, position - start);
                    } else {
                        pending.write(buffer, start, position - start);
                        line = numbered(pending.toByteArray(), 0, pending.size());
                    }
                    position++; // past the '\n'
                    return line;
                }
                if (pending == null) {
                    pending = new ByteArrayOutputStream(2 * (position - start) + 16);
                }
                pending.write(buffer, start, position - start);
            }
            return pending == null ? null : numbered(pending.toByteArray(), 0, pending.size());
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

        private NumberedLine numbered(byte[] bytes, int from, int length) {
            lineNumber++;
            if (length > 0 && bytes[from + length - 1] == '\r') {
                length--;
            }
            String text = utf8.decode(bytes, from, length);
            if (text == null) {
                return new NumberedLine(
                        lineNumber,
                        null,
                        Arrays.copyOfRange(bytes, from, from + length),
                        utf8.badByte());
            }
            return new NumberedLine(lineNumber, text);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
