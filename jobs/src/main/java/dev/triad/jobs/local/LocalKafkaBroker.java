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
}
