package dev.triad.jobs.local;

import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node Kafka broker for tests, started and stopped through the project's own script
 * ({@code deploy/local/kafka.sh}, what {@code ./triad kafka} runs), on a free port with its folder
 * under {@code target/}.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** The script, {@code deploy/local/kafka.sh}. */
    public static final LocalScript SCRIPT = LocalScript.named("kafka");

    private final Path dir;
    private final String bootstrap;

    private LocalKafkaBroker(Path dir, String bootstrap) {
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker in {@code dir}; returns once it answers. */
    public static LocalKafkaBroker start(Path dir) throws IOException, InterruptedException {
        // A free port can be taken by another process before the broker binds it: try others.
        LocalScript.Result started = SCRIPT.startOnFreePorts(dir).result();
        if (started.exit() != 0) {
            throw new IOException(
                    "deploy/local/kafka.sh start exited "
                            + started.exit()
                            + ":\n"
                            + started.output());
        }
        return new LocalKafkaBroker(dir, started.stdout().strip());
    }

    /** {@code HOST:PORT} to give Kafka clients. */
    public String bootstrap() {
        return bootstrap;
    }

    /** What {@code kafka.sh status} says, with its exit code. */
    public LocalScript.Result status() throws IOException, InterruptedException {
        return SCRIPT.run("status", "--dir", dir.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        SCRIPT.run("stop", "--dir", dir.toString());
    }

    /** Creates {@code topics} with {@code partitions} partitions each (replication 1). */
    public void createTopics(int partitions, String... topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> created = new ArrayList<>();
            for (String topic : topics) {
                created.add(new NewTopic(topic, partitions, (short) 1));
            }
            admin.createTopics(created).all().get(1, TimeUnit.MINUTES);
        }
    }

    /** Writes each question to {@code topic} as its JSON line (no key), acknowledged by all. */
    public void produce(String topic, List<Question> questions) {
        Properties props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Question question : questions) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                Json.write(question).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }
}
