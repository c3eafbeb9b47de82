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
