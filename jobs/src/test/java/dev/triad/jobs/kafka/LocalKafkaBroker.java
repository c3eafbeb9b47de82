package dev.triad.jobs.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker for tests, started and stopped through the project's own script
 * ({@code deploy/local/kafka.sh}, what {@code ./triad kafka} runs), on a free port with its folder
 * under {@code target/}.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private final Path dir;
    private final String bootstrap;

    private LocalKafkaBroker(Path dir, String bootstrap) {
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /** The repository's root: the folder above this module's. */
    public static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("deploy")) ? here : here.getParent();
    }

    /** The broker script. */
    public static Path script() {
        return repositoryRoot().resolve("deploy/local/kafka.sh");
    }

    /** Starts a broker in {@code dir}; returns once it answers. */
    public static LocalKafkaBroker start(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        Result started = run("start", "--port", Integer.toString(port), "--dir", dir.toString());
        if (started.exit != 0) {
            throw new IOException(
                    "deploy/local/kafka.sh start exited " + started.exit + ":\n" + started.output);
        }
        return new LocalKafkaBroker(dir, started.stdout.strip());
    }

    /** {@code HOST:PORT} to give Kafka clients. */
    public String bootstrap() {
        return bootstrap;
    }

    /** What {@code kafka.sh status} says, with its exit code. */
    public Result status() throws IOException, InterruptedException {
        return run("status", "--dir", dir.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("stop", "--dir", dir.toString());
    }

    /**
     * One run of the script: its exit code, its standard output, and all it printed (stdout, then
     * stderr).
     */
    public record Result(int exit, String stdout, String output) {}

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(script().toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("kafka-sh", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(false)
                        .redirectError(log.toFile())
                        .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("deploy/local/kafka.sh " + String.join(" ", args) + " hung");
        }
        String err = Files.readString(log);
        Files.deleteIfExists(log);
        return new Result(process.exitValue(), out, out + err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
