package dev.triad.jobs.io;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka topics as Triad's input and outputs: a {@link KafkaSource} of record values as {@link
 * SourceLine}s (parsed, mapped and de-duplicated as lines of files are), and exactly-once {@link
 * KafkaSink}s of results and dead letters as JSON (the same JSON as the lines of {@code
 * results.jsonl} and {@code dead-letters.jsonl}).
 *
 * <p>The source reads with {@code isolation.level=read_committed}, so it never sees records of
 * aborted transactions (e.g. the output of another Triad job). The sinks write in Kafka
 * transactions committed on checkpoints: a {@code read_committed} reader sees every result exactly
 * once, also across restarts; a {@code read_uncommitted} reader may see the records of aborted
 * attempts too.
 */
public final class KafkaTopics {

    /** Header of every result record naming its strategy. */
    public static final String STRATEGY_HEADER = "strategy";

    /**
     * {@code transaction.timeout.ms} of the sinks: below a broker's default {@code
     * transaction.max.timeout.ms} (15 min; the connector's own default of 1 h is refused by such a
     * broker), far above a checkpoint interval plus a restart. A {@code transaction.timeout.ms} in
     * the client properties wins.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private static final String READ_COMMITTED = "read_committed";

    private KafkaTopics() {}

    /**
     * The input: record values as UTF-8 text lines, {@code read_committed}, bounded when the URI
     * says so (it then stops at the offsets that were latest when the job started).
     */
    public static KafkaSource<SourceLine> source(KafkaUri uri, KafkaClientProperties client) {
        KafkaSourceBuilder<SourceLine> builder =
                KafkaSource.<SourceLine>builder()
                        .setBootstrapServers(uri.bootstrapServers())
                        .setTopics(uri.topic())
                        .setGroupId(uri.group())
                        .setStartingOffsets(startingOffsets(uri.start()))
                        .setDeserializer(new SourceLineDeserializer())
                        .setProperties(consumerProperties(client));
        if (uri.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Results as JSON, keyed by question id, with the strategy in the {@value #STRATEGY_HEADER}
     * header.
     */
    public static KafkaSink<Result> resultsSink(
            KafkaUri uri, KafkaClientProperties client, String transactionalIdPrefix) {
        return resultsSink(uri, client, transactionalIdPrefix, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /**
     * Results as {@link #resultsSink(KafkaUri, KafkaClientProperties, String)} writes them, with
     * another delivery guarantee: {@code AT_LEAST_ONCE} flushes on checkpoints (a restart may write
     * a result again), {@code NONE} does not flush (a failure may lose results).
     */
    public static KafkaSink<Result> resultsSink(
            KafkaUri uri,
            KafkaClientProperties client,
            String transactionalIdPrefix,
            DeliveryGuarantee delivery) {
        return sink(
                uri,
                client,
                transactionalIdPrefix + "-results",
                new ResultSerializer(uri.topic()),
                delivery);
    }

    /** Dead letters as JSON, keyed by where the bad record came from. */
    public static KafkaSink<DeadLetter> deadLettersSink(
            KafkaUri uri, KafkaClientProperties client, String transactionalIdPrefix) {
        return deadLettersSink(uri, client, transactionalIdPrefix, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** Dead letters with another delivery guarantee (see the results' overload). */
    public static KafkaSink<DeadLetter> deadLettersSink(
            KafkaUri uri,
            KafkaClientProperties client,
            String transactionalIdPrefix,
            DeliveryGuarantee delivery) {
        return sink(
                uri,
                client,
                transactionalIdPrefix + "-dead-letters",
                new DeadLetterSerializer(uri.topic()),
                delivery);
    }

    private static <T> KafkaSink<T> sink(
            KafkaUri uri,
            KafkaClientProperties client,
            String transactionalIdPrefix,
            KafkaRecordSerializationSchema<T> serializer,
            DeliveryGuarantee delivery) {
        Properties producer = producerProperties(client);
        return KafkaSink.<T>builder()
                .setBootstrapServers(uri.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(delivery)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(serializer)
                .build();
    }

    /**
     * The client properties with {@code isolation.level=read_committed} (replacing another, at
     * WARN).
     */
    static Properties consumerProperties(KafkaClientProperties client) {
        Properties consumer = client.toProperties();
        Object isolation = consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
        if (isolation != null && !isolation.equals(READ_COMMITTED)) {
            LOG.warn(
                    "Kafka property {}={} replaced by {}: Triad reads only committed records, so"
                            + " it never reads what an aborted transaction wrote",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    isolation,
                    READ_COMMITTED);
        }
        return consumer;
    }

    /** The client properties with {@link #TRANSACTION_TIMEOUT} unless they set one. */
    static Properties producerProperties(KafkaClientProperties client) {
        Properties producer = client.toProperties();
        // A value from the kafka section wins: a broker may allow less (or more) than 15 min.
        producer.putIfAbsent(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        return producer;
    }

    static OffsetsInitializer startingOffsets(KafkaUri.Start start) {
        switch (start) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A record's value as a {@link SourceLine} citing topic, partition and offset; never throws.
     */
    static final class SourceLineDeserializer
            implements KafkaRecordDeserializationSchema<SourceLine> {

        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceLine> out) {
            String key =
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            byte[] value = record.value();
            String text = value == null ? null : utf8().decode(value, 0, value.length);
            if (value != null && text == null) {
                out.collect(
                        SourceLine.invalidUtf8(
                                record.topic() + "/" + record.partition(),
                                record.offset(),
                                value,
                                0,
                                value.length,
                                utf8.badByte(),
                                new SourceLine.KafkaOrigin(
                                        record.topic(),
                                        record.partition(),
                                        record.offset(),
                                        key,
                                        false)));
                return;
            }
            out.collect(
                    SourceLine.ofRecord(
                            record.topic(), record.partition(), record.offset(), key, text));
        }

        private transient Utf8 utf8;

        private Utf8 utf8() {
            if (utf8 == null) {
                utf8 = new Utf8();
            }
            return utf8;
        }

        @Override
        public TypeInformation<SourceLine> getProducedType() {
            return TypeInformation.of(SourceLine.class);
        }
    }

    /** A result as JSON keyed by question id, its strategy in a header. */
    static final class ResultSerializer implements KafkaRecordSerializationSchema<Result> {

        private static final long serialVersionUID = 1L;

        private final String topic;

        ResultSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                Result result, KafkaSinkContext context, Long timestamp) {
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(
                            topic, null, timestamp, utf8(result.id()), utf8(Json.write(result)));
            record.headers().add(STRATEGY_HEADER, utf8(result.strategy()));
            return record;
        }
    }

    /**
     * A dead letter as JSON keyed by its source ({@code topic/partition/offset} or {@code
     * file:line}).
     */
    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

        private static final long serialVersionUID = 1L;

        private final String topic;

        DeadLetterSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                DeadLetter letter, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(
                    topic, null, timestamp, utf8(letter.source()), utf8(Json.write(letter)));
        }
    }
}
