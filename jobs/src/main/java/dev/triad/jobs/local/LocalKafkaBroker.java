package dev.triad.jobs.local;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A real single-node Kafka broker for tests, started and stopped through the project's own script
 * ({@code deploy/local/kafka.sh}, what {@code ./triad kafka} runs), on a free port with its folder
 * under {@code target/}.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** The script, {@code deploy/local/kafka.sh}. */
    public static final LocalScript SCRIPT = LocalScript.named("kafka");

    private static final int BIND_ATTEMPTS = 3;

    private final Path dir;
    private final String bootstrap;

    private LocalKafkaBroker(Path dir, String bootstrap) {
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker in {@code dir}; returns once it answers. */
    public static LocalKafkaBroker start(Path dir) throws IOException, InterruptedException {
        LocalScript.Result started = null;
        // A free port can be taken by another process before the broker binds it: try others.
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = LocalScript.freePortPair();
            started =
                    SCRIPT.run("start", "--port", Integer.toString(port), "--dir", dir.toString());
            if (started.exit() == 0 || !lostPortRace(dir)) {
                break;
            }
        }
        if (started.exit() != 0) {
            throw new IOException(
                    "deploy/local/kafka.sh start exited "
                            + started.exit()
                            + ":\n"
                            + started.output());
        }
        return new LocalKafkaBroker(dir, started.stdout().strip());
    }

    /** Whether the broker in {@code dir} failed because its port was taken meanwhile. */
    private static boolean lostPortRace(Path dir) {
        try {
            Path log = dir.resolve("broker.log");
            return java.nio.file.Files.exists(log)
                    && java.nio.file.Files.readString(log).contains("Address already in use");
        } catch (IOException e) {
            return false;
        }
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
}
