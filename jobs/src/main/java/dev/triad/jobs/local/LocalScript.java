package dev.triad.jobs.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the project's local scripts ({@code deploy/local/NAME.sh}, what {@code ./triad kafka}
 * and {@code ./triad cluster} run) from a test, the way a user runs it.
 */
public final class LocalScript {

    private final String name;

    private LocalScript(String name) {
        this.name = name;
    }

    /** The script {@code deploy/local/NAME.sh} of this repository. */
    public static LocalScript named(String name) {
        return new LocalScript(name);
    }

    /** One run of a script: its exit code, its standard output, and stdout then stderr. */
    public record Result(int exit, String stdout, String output) {}

    /** Runs the script with {@code args} and waits for it (at most 5 minutes). */
    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(repositoryRoot().resolve("deploy/local/" + name + ".sh").toString());
        command.addAll(List.of(args));
        Path errors = Files.createTempFile(name, ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String out =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(name + ".sh " + String.join(" ", args) + " hung");
            }
            return new Result(process.exitValue(), out, out + Files.readString(errors));
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** A {@code start} that succeeded or failed for good, and the port P it was given. */
    public record Started(Result result, int port) {}

    /**
     * Runs {@code start --port P --dir DIR OPTIONS} on a free port pair; when it fails because
     * another process took P or P+1 before the script bound it (a log under {@code dir} says so),
     * stops what it left and tries other ports, at most {@value #START_ATTEMPTS} times.
     */
    public Started startOnFreePorts(Path dir, String... options)
            throws IOException, InterruptedException {
        return startOnFreePorts("start", dir, options);
    }

    /**
     * {@link #startOnFreePorts(Path, String...)} with another start command ({@code
     * start-application}).
     */
    public Started startOnFreePorts(String command, Path dir, String... options)
            throws IOException, InterruptedException {
        Started started = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePortPair();
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    command,
                                    "--port",
                                    Integer.toString(port),
                                    "--dir",
                                    dir.toString()));
            args.addAll(List.of(options));
            started = new Started(run(args.toArray(String[]::new)), port);
            if (started.result().exit() == 0 || !lostPortRace(dir)) {
                return started;
            }
            run("stop", "--dir", dir.toString());
        }
        return started;
    }

    private static final int START_ATTEMPTS = 3;

    /** Whether a log under {@code dir} says a port was already in use. */
    private static boolean lostPortRace(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.walk(dir, 2)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".log") || name.endsWith(".out")) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (text.contains("Address already in use")
                            || text.contains("BindException")
                            || text.contains("failed to bind")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The repository's root: the folder above this module's. */
    public static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("deploy")) ? here : here.getParent();
    }

    /**
     * A port P such that nothing listens on P or P+1 now (the scripts put a second listener, the
     * Kafka controller or the JobManager's RPC, on P+1).
     */
    public static int freePortPair() throws IOException {
        for (int tries = 0; ; tries++) {
            int port = freePort();
            if (port < 65535) {
                try (ServerSocket next = new ServerSocket(port + 1)) {
                    return port;
                } catch (IOException taken) {
                    if (tries >= 20) {
                        throw taken;
                    }
                }
            }
        }
    }

    /** A port nothing listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
