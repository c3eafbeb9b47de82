package dev.triad.jobs.local;

import dev.triad.jobs.io.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a Triad results topic as a {@code read_committed} reader does, on a thread of its own:
 * counts each (question id, strategy) pair it reads (from the record key and the {@value
 * KafkaTopics#STRATEGY_HEADER} header) and notes when each pair was first read, so that a test or
 * benchmark can wait for the first committed results, for the first new result after a failure, and
 * check at the end that every pair was committed exactly once.
 *
 * <p>Thread-safe: the consumer lives on the reading thread; the counts are read under this object's
 * lock.
 */
public final class CommittedResults implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread reader;
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<Long> firstReadNanos = new ArrayList<>();
    private long records;
    private volatile boolean draining;
    private volatile boolean stop;
    private boolean caughtUp;
    private Exception failure;

    private CommittedResults(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.reader = new Thread(this::readLoop, "committed-results-" + topic);
        this.reader.setDaemon(true);
    }

    /** Starts reading {@code topic} (which must exist) from its beginning. */
    public static CommittedResults follow(String bootstrap, String topic) {
        CommittedResults results = new CommittedResults(bootstrap, topic);
        results.reader.start();
        return results;
    }

    private void readLoop() {
        try {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = null;
            while (!stop) {
                if (draining && end == null) {
                    // With read_committed these are the last stable offsets: everything committed.
                    end = consumer.endOffsets(partitions);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    add(record);
                }
                if (end != null) {
                    Map<TopicPartition, Long> target = end;
                    if (partitions.stream().allMatch(p -> consumer.position(p) >= target.get(p))) {
                        synchronized (this) {
                            caughtUp = true;
                            notifyAll();
                        }
                        return;
                    }
                }
            }
        } catch (Exception e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } finally {
            consumer.close();
        }
    }

    private synchronized void add(ConsumerRecord<byte[], byte[]> record) {
        Header strategy = record.headers().lastHeader(KafkaTopics.STRATEGY_HEADER);
        String pair = text(record.key()) + "/" + (strategy == null ? "?" : text(strategy.value()));
        records++;
        if (counts.merge(pair, 1, Integer::sum) == 1) {
            firstReadNanos.add(System.nanoTime());
        }
        notifyAll();
    }

    /** Distinct (id, strategy) pairs read so far. */
    public synchronized int pairs() {
        return counts.size();
    }

    /** Records read so far (more than {@link #pairs()} when a pair was committed twice). */
    public synchronized long records() {
        return records;
    }

    /** Waits until {@code pairs} distinct (id, strategy) pairs have been read. */
    public synchronized void awaitPairs(int pairs, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counts.size() < pairs) {
            check();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(
                        counts.size()
                                + " of "
                                + pairs
                                + " results committed on "
                                + topic
                                + " within "
                                + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Waits until a pair not read before is first read after {@code afterNanos} ({@link
     * System#nanoTime()}); returns when that happened.
     */
    public synchronized long awaitNewPairAfter(long afterNanos, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            check();
            int first = firstReadNanos.size();
            while (first > 0 && firstReadNanos.get(first - 1) > afterNanos) {
                first--;
            }
            if (first < firstReadNanos.size()) {
                return firstReadNanos.get(first);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(
                        "no new committed result on " + topic + " within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Reads on up to the topic's last stable offsets as they are now, then stops; returns how often
     * each pair was read.
     */
    public Map<String, Integer> drain(Duration timeout)
            throws InterruptedException, TimeoutException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!caughtUp) {
                check();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(
                            "reading " + topic + " up to its end took longer than " + timeout);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return new HashMap<>(counts);
        }
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("Reading " + topic + " failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        reader.join(Duration.ofSeconds(30).toMillis());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
