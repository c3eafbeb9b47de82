package dev.triad.jobs.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of input lines and records: text that is not valid UTF-8 is reported with
 * the offset of its first bad byte instead of being decoded with replacement characters (a question
 * with {@code \uFFFD} in it is not the question that was written). Not thread-safe: one per reader.
 */
public final class Utf8 {

    /** A decoder for one reader. */
    public Utf8() {}

    private final CharsetDecoder decoder =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * {@code length} bytes from {@code from} as text, or {@code null} when they are not valid
     * UTF-8; then {@link #badByte()} is the offset (from {@code from}) of the first bad byte.
     */
    public String decode(byte[] bytes, int from, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        CharBuffer out = CharBuffer.allocate(length);
        decoder.reset();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            badByte = in.position() - from;
            return null;
        }
        badByte = -1;
        return out.flip().toString();
    }

    /** Where the last {@link #decode} found its first bad byte, or -1 when it found none. */
    public int badByte() {
        return badByte;
    }

    private int badByte = -1;
}
