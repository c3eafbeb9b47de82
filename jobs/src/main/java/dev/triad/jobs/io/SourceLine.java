package dev.triad.jobs.io;

import java.util.Arrays;
import java.util.Base64;

/**
 * One line of input with where it came from: a line of a file (the file's name and the line's
 * 1-based number) or the value of a Kafka record ({@link #kafka()} says which topic, partition and
 * offset). Dead letters cite {@link #source()}; mappings without an id field number questions by
 * it.
 *
 * @param file the file's name (without its folder); for a Kafka record {@code TOPIC/PARTITION}
 * @param line the line number, from 1; blank lines are counted too, as editors count them; for a
 *     Kafka record its offset
 * @param text the line exactly as read, without its line terminator ({@code \n} or {@code \r\n});
 *     for a Kafka record its value as UTF-8 ({@code ""} for a tombstone)
 * @param kafka where a Kafka record came from, or {@code null} for a line of a file
 * @param invalidUtf8At -1 for text; for bytes that are not valid UTF-8, the offset of the first bad
 *     byte, and then {@code text} holds the raw bytes as base64 (see {@link #invalidUtf8})
 */
public record SourceLine(
        String file, long line, String text, KafkaOrigin kafka, int invalidUtf8At) {

    /** A line of a file. */
    public SourceLine(String file, long line, String text) {
        this(file, line, text, null, -1);
    }

    /** A line of a file, or the value of a Kafka record, that is text. */
    public SourceLine(String file, long line, String text, KafkaOrigin kafka) {
        this(file, line, text, kafka, -1);
    }

    /**
     * A line or record value that is not valid UTF-8: its raw bytes kept as base64, with the offset
     * of the first bad byte.
     */
    public static SourceLine invalidUtf8(
            String file,
            long line,
            byte[] raw,
            int from,
            int length,
            int badByte,
            KafkaOrigin kafka) {
        byte[] bytes = Arrays.copyOfRange(raw, from, from + length);
        return new SourceLine(
                file, line, Base64.getEncoder().encodeToString(bytes), kafka, badByte);
    }

    /** Whether the line is text; when not, {@link #text()} is its raw bytes as base64. */
    public boolean isText() {
        return invalidUtf8At < 0;
    }

    /** The value of a Kafka record ({@code null} for a tombstone, stored as {@code ""}). */
    public static SourceLine ofRecord(
            String topic, int partition, long offset, String key, String value) {
        return new SourceLine(
                topic + "/" + partition,
                offset,
                value == null ? "" : value,
                new KafkaOrigin(topic, partition, offset, key, value == null));
    }

    /**
     * Where the line came from, as dead letters cite it: {@code file:line}, or {@code
     * topic/partition/offset} for a Kafka record.
     */
    public String source() {
        return kafka == null ? file + ":" + line : file + "/" + line;
    }

    /**
     * The id of a question the mapping has no id for (a mapping with {@code id: line}, or a record
     * without the id field): {@code null} for files (the mapping numbers them {@code file:line}),
     * for a Kafka record its key when it has one, else {@code TOPIC-PARTITION-OFFSET}.
     */
    public String fallbackId() {
        if (kafka == null) {
            return null;
        }
        if (kafka.key() != null && !kafka.key().isBlank()) {
            return kafka.key();
        }
        return kafka.topic() + "-" + kafka.partition() + "-" + kafka.offset();
    }

    /**
     * Where a Kafka record came from.
     *
     * @param topic the topic
     * @param partition the partition
     * @param offset the record's offset in its partition
     * @param key the record key as UTF-8, or {@code null} when it has none
     * @param tombstone whether the value was {@code null}
     */
    public record KafkaOrigin(
            String topic, int partition, long offset, String key, boolean tombstone) {}
}
