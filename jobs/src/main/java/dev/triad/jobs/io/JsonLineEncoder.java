package dev.triad.jobs.io;

import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;

/**
 * Writes each record as one line of JSON (Triad's Jackson mapping, UTF-8, {@code \n}-terminated)
 * for a row-format {@code FileSink}.
 *
 * @param <T> a record type of {@code dev.triad.schemas}
 */
public final class JsonLineEncoder<T> implements Encoder<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public void encode(T element, OutputStream stream) throws IOException {
        stream.write(Json.write(element).getBytes(StandardCharsets.UTF_8));
        stream.write('\n');
    }
}
