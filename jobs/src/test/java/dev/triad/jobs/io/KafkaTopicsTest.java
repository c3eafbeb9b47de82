package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {

    @Test
    void aRecordBecomesALineCitingTopicPartitionAndOffset() {
        List<SourceLine> lines =
                deserialize(new ConsumerRecord<>("in", 1, 42, bytes("k7"), bytes("{}")));

        assertThat(lines).hasSize(1);
        SourceLine line = lines.get(0);
        assertThat(line.text()).isEqualTo("{}");
        assertThat(line.source()).isEqualTo("in/1/42");
        assertThat(line.fallbackId()).isEqualTo("k7");
        assertThat(line.kafka().tombstone()).isFalse();
    }

    @Test
    void aTombstoneBecomesAnEmptyLineMarkedAsOne() {
        SourceLine line = deserialize(new ConsumerRecord<>("in", 0, 3, null, null)).get(0);

        assertThat(line.text()).isEmpty();
        assertThat(line.kafka().tombstone()).isTrue();
        assertThat(line.fallbackId()).isEqualTo("in-0-3");
    }

    @Test
    void resultsAreTheirJsonKeyedByIdWithTheStrategyInAHeader() {
        Result result =
                Result.builder()
                        .id("q1")
                        .strategy("cot")
                        .status(Status.SOLVED)
                        .answer("2")
                        .gold("2")
                        .correct(true)
                        .simulated(true)
                        .simulator(Map.of())
                        .models(Map.of())
                        .concepts(List.of())
                        .steps(List.of())
                        .usage(Map.of())
                        .latencyMs(12)
                        .metadata(Map.of())
                        .build();
        ProducerRecord<byte[], byte[]> record =
                new KafkaTopics.ResultSerializer("out").serialize(result, null, 5L);

        assertThat(record.topic()).isEqualTo("out");
        assertThat(text(record.key())).isEqualTo("q1");
        assertThat(text(record.value())).isEqualTo(Json.write(result));
        assertThat(text(record.headers().lastHeader(KafkaTopics.STRATEGY_HEADER).value()))
                .isEqualTo("cot");
    }

    @Test
    void deadLettersAreKeyedByWhereTheBadRecordCameFrom() {
        DeadLetter letter = new DeadLetter("", "tombstone", "parse", "in/0/3");
        ProducerRecord<byte[], byte[]> record =
                new KafkaTopics.DeadLetterSerializer("dl").serialize(letter, null, null);

        assertThat(text(record.key())).isEqualTo("in/0/3");
        assertThat(text(record.value())).isEqualTo(Json.write(letter));
    }

    @Test
    void theSourceReadsCommittedRecordsAndIsBoundedOnlyWhenAsked() {
        KafkaClientProperties client =
                new KafkaClientProperties(Map.of("isolation.level", "read_uncommitted"));

        assertThat(KafkaTopics.consumerProperties(client))
                .containsEntry("isolation.level", "read_committed");
        assertThat(
                        KafkaTopics.source(
                                        KafkaUri.input("kafka://h:1/t?bounded=true", "-"), client)
                                .getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);
        assertThat(
                        KafkaTopics.source(KafkaUri.input("kafka://h:1/t", "-"), client)
                                .getBoundedness())
                .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    @Test
    void theSinksTransactionTimeoutIsBelowTheBrokersDefaultMaximumUnlessSet() {
        assertThat(KafkaTopics.producerProperties(KafkaClientProperties.NONE))
                .containsEntry("transaction.timeout.ms", "600000");
        assertThat(
                        KafkaTopics.producerProperties(
                                new KafkaClientProperties(
                                        Map.of("transaction.timeout.ms", "300000"))))
                .containsEntry("transaction.timeout.ms", "300000");
        // Exactly once needs a transactional-id prefix: build() checks it without a broker.
        KafkaUri out = KafkaUri.output("kafka://h:1/results", "-");
        assertThat(KafkaTopics.resultsSink(out, KafkaClientProperties.NONE, "triad-x")).isNotNull();
        assertThat(KafkaTopics.deadLettersSink(out, KafkaClientProperties.NONE, "triad-x"))
                .isNotNull();
    }

    @Test
    void aValueThatIsNotUtf8KeepsItsBytesAndTheOffsetOfItsFirstBadByte() {
        byte[] value = {'{', '"', (byte) 0xC3, '"', '}'}; // 0xC3 starts a sequence it never ends

        SourceLine line = deserialize(new ConsumerRecord<>("in", 1, 9, null, value)).get(0);

        assertThat(line.isText()).isFalse();
        assertThat(line.invalidUtf8At()).isEqualTo(2);
        assertThat(java.util.Base64.getDecoder().decode(line.text())).isEqualTo(value);
        assertThat(line.source()).isEqualTo("in/1/9");
    }

    private static List<SourceLine> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<SourceLine> out = new ArrayList<>();
        new KafkaTopics.SourceLineDeserializer()
                .deserialize(
                        record,
                        new Collector<>() {
                            @Override
                            public void collect(SourceLine line) {
                                out.add(line);
                            }

                            @Override
                            public void close() {}
                        });
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
