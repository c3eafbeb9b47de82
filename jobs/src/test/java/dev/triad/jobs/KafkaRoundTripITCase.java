package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.io.KafkaTopics;
import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.jobs.local.LocalScript;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.simulator.ProblemGenerator;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad run} from a Kafka topic to Kafka topics against a real broker, started with {@code
 * deploy/local/kafka.sh} (through {@link LocalKafkaBroker}): every (question, strategy) is read
 * exactly once by a {@code read_committed} consumer (2,000 questions × lm2, cot), and the three bad
 * records (a tombstone, an empty value, malformed JSON) are dead letters naming topic, partition
 * and offset. The job runs on an embedded MiniCluster (parallelism 2, checkpoints every second,
 * bounded input), through the command line.
 */
class KafkaRoundTripITCase {

    private static final int QUESTIONS = 2_000;
    private static final List<String> STRATEGIES = List.of("lm2", "cot");
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private static Path script;
    private static LocalKafkaBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        script = LocalScript.repositoryRoot().resolve("deploy/local/kafka.sh");
        if (!Files.isRegularFile(script)) {
            return; // each test is skipped, saying why (assumptions in @BeforeAll report none)
        }
        Path target = Files.createDirectories(Path.of("target"));
        broker = LocalKafkaBroker.start(Files.createTempDirectory(target, "kafka-round-trip"));
        bootstrap = broker.bootstrap();
    }

    @BeforeEach
    void needsTheBrokerScript() {
        Assumptions.assumeTrue(
                broker != null,
                "Skipped: "
                        + script
                        + " does not exist yet; this test starts a real Kafka broker with it.");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkaToKafkaExactlyOnceWithBadRecordsAsDeadLetters() throws Exception {
        String in = "questions";
        String out = "results";
        String dead = out + ".dead-letters";
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(in, 2, (short) 1),
                                    new NewTopic(out, 2, (short) 1),
                                    new NewTopic(dead, 1, (short) 1)))
                    .all()
                    .get(1, TimeUnit.MINUTES);
        }
        StringWriter generated = new StringWriter();
        ProblemGenerator.writeJsonl(QUESTIONS, 17, generated);
        List<String> lines = generated.toString().lines().toList();
        assertThat(lines).hasSize(QUESTIONS);
        Set<String> ids = new java.util.TreeSet<>();
        for (String line : lines) {
            ids.add(Json.mapper().readTree(line).get("id").asText());
        }
        assertThat(ids).hasSize(QUESTIONS);

        Map<String, String> badSources = new TreeMap<>();
        Properties producerProps = clientProperties();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(in, null, utf8(line)));
            }
            badSources.put(
                    "tombstone",
                    where(producer.send(new ProducerRecord<>(in, utf8("t"), null)).get()));
            badSources.put(
                    "empty value",
                    where(producer.send(new ProducerRecord<>(in, null, utf8(""))).get()));
            badSources.put(
                    "JSON",
                    where(
                            producer.send(new ProducerRecord<>(in, null, utf8("{\"id\": \"broken")))
                                    .get()));
            producer.flush();
        }

        TriadConsole console = new TriadConsole();
        int code =
                console.run(
                        "run",
                        "--input",
                        "kafka://" + bootstrap + "/" + in + "?bounded=true&start=earliest",
                        "--output",
                        "kafka://" + bootstrap + "/" + out,
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        String.join(",", STRATEGIES),
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s");
        assertThat(code).as(console.err()).isZero();
        assertThat(console.out()).contains("results committed to kafka://" + bootstrap + "/" + out);

        List<ConsumerRecord<byte[], byte[]>> results = readCommitted(out);
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : results) {
            Result result = Json.read(text(record.value()), Result.class);
            assertThat(text(record.key())).isEqualTo(result.id());
            assertThat(text(record.headers().lastHeader(KafkaTopics.STRATEGY_HEADER).value()))
                    .isEqualTo(result.strategy());
            seen.merge(result.id() + "/" + result.strategy(), 1, Integer::sum);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (String id : ids) {
            for (String strategy : STRATEGIES) {
                expected.put(id + "/" + strategy, 1);
            }
        }
        assertThat(seen).isEqualTo(expected);

        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readCommitted(dead)) {
            DeadLetter letter = Json.read(text(record.value()), DeadLetter.class);
            assertThat(text(record.key())).isEqualTo(letter.source());
            letters.add(letter);
        }
        assertThat(letters)
                .extracting(DeadLetter::source)
                .containsExactlyInAnyOrderElementsOf(badSources.values());
        for (DeadLetter letter : letters) {
            String[] parts = letter.source().split("/");
            assertThat(parts).hasSize(3);
            if (letter.source().equals(badSources.get("JSON"))) {
                assertThat(letter.stage()).isEqualTo("parse");
                assertThat(letter.raw()).isEqualTo("{\"id\": \"broken");
            } else {
                assertThat(letter.reason())
                        .contains(
                                "topic " + in + ", partition " + parts[1] + ", offset " + parts[2]);
            }
        }
        assertThat(letters.stream().filter(l -> l.reason().contains("tombstone")).count())
                .isEqualTo(1);
        assertThat(letters.stream().filter(l -> l.reason().contains("empty value")).count())
                .isEqualTo(1);
    }

    @Test
    void filesAndKafkaMix(@TempDir Path dir) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic("mixed-results", 1, (short) 1),
                                    new NewTopic("mixed-bad", 1, (short) 1)))
                    .all()
                    .get(1, TimeUnit.MINUTES);
        }
        Path input = dir.resolve("q.jsonl");
        try (java.io.Writer writer = Files.newBufferedWriter(input)) {
            ProblemGenerator.writeJsonl(20, 5, writer);
            writer.write("not json\n");
        }

        // File in, Kafka out (dead letters to a topic given explicitly).
        TriadConsole fileToKafka = new TriadConsole();
        int code =
                fileToKafka.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        "kafka://" + bootstrap + "/mixed-results",
                        "--dead-letters",
                        "kafka://" + bootstrap + "/mixed-bad",
                        "--model",
                        "all=sim:zero",
                        "--strategies",
                        "cot",
                        "--checkpoint-interval",
                        "1s");
        assertThat(code).as(fileToKafka.err()).isZero();
        assertThat(readCommitted("mixed-results")).hasSize(20);
        List<ConsumerRecord<byte[], byte[]>> bad = readCommitted("mixed-bad");
        assertThat(bad).hasSize(1);
        assertThat(Json.read(text(bad.get(0).value()), DeadLetter.class).source())
                .isEqualTo("q.jsonl:21");

        // Kafka in (the dead-letter topic just written, read as questions: it has no text field,
        // so its one record is a map-stage dead letter), file out with its summary.
        Path output = dir.resolve("out");
        TriadConsole kafkaToFile = new TriadConsole();
        code =
                kafkaToFile.run(
                        "run",
                        "--input",
                        "kafka://" + bootstrap + "/mixed-bad?bounded=true",
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--checkpoint-interval",
                        "1s");
        assertThat(code).as(kafkaToFile.err()).isZero();
        assertThat(Files.readAllLines(output.resolve("results.jsonl"))).isEmpty();
        List<String> dead = Files.readAllLines(output.resolve("dead-letters.jsonl"));
        assertThat(dead).hasSize(1);
        assertThat(Json.read(dead.get(0), DeadLetter.class).source()).isEqualTo("mixed-bad/0/0");
        assertThat(kafkaToFile.out()).contains("dead letters: 1");
    }

    /**
     * Every committed record of a topic: polls until the consumer reaches the last stable offsets.
     */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets: everything
            // committed, nothing of an open or aborted transaction.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(DEADLINE);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(Instant.now()).as("reading %s up to %s", topic, end).isBefore(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    private static String where(RecordMetadata metadata) {
        return metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
