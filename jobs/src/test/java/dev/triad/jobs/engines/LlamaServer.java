package dev.triad.jobs.engines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real llama.cpp {@code llama-server} for a test: the prebuilt binary and the test models of the
 * shared folder beside the repository ({@code ../shared/engines/llama.cpp/bin/llama-server}, {@code
 * ../shared/models/}), started on 127.0.0.1 on a port it picks ({@code --port 0}), ready once
 * {@code GET /health} answers 200, stopped by its own process (SIGTERM, then SIGKILL).
 *
 * <p>A server that cannot be started fails the test with the reason: these tests are not skipped.
 */
public final class LlamaServer implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int LOG_LINES_KEPT = 40;

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final String baseUrl;

    private LlamaServer(Process process) throws IOException {
        this.process = process;
        // A test JVM stopped mid-test (e.g. SIGTERM) still stops its server.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "llama-server-stop"));
        Thread reader = new Thread(this::readLog, "llama-server-log-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        int p;
        try {
            p = port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(
                    "llama-server (pid "
                            + process.pid()
                            + ") did not say which port it listens on within "
                            + START_TIMEOUT.toSeconds()
                            + " s; its last output:\n"
                            + lastLog(),
                    e);
        }
        this.baseUrl = "http://127.0.0.1:" + p;
        awaitHealthy();
    }

    /** The repository's shared folder: {@code ../shared} from the repository root. */
    public static Path shared() {
        return repository().resolveSibling("shared");
    }

    /** The repository root: the folder with {@code ./triad} and {@code jobs/}. */
    public static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("triad")) && Files.isDirectory(d.resolve("jobs"))) {
                return d;
            }
        }
        throw new IllegalStateException(
                "cannot find the repository root (a folder with ./triad and jobs/) above " + dir);
    }

    /**
     * The engine's build as {@code llama.cpp-COMMIT}, from {@code llama-server --version} (e.g.
     * {@code version: 0.4.0-dev (build 1, commit 80fb11a)}).
     */
    public static String version() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(binary().toString(), "--version")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("commit ([0-9a-f]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("llama-server --version printed no commit: " + out);
        }
        return "llama.cpp-" + m.group(1);
    }

    /** The llama-server binary of the shared folder. */
    public static Path binary() {
        return shared().resolve("engines/llama.cpp/bin/llama-server");
    }

    /** A model of the shared folder, e.g. {@code random-tiny.gguf}. */
    public static Path model(String file) {
        return shared().resolve("models").resolve(file);
    }

    /**
     * Starts llama-server with {@code model} and a context of {@code contextTokens} split over
     * {@code slots} parallel slots, and {@code moreArguments} for llama-server.
     *
     * @throws IllegalStateException with the reason and the server's output when it does not start
     */
    public static LlamaServer start(
            String modelFile, int contextTokens, int slots, String... moreArguments)
            throws IOException {
        Path binary = binary();
        Path model = model(modelFile);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    "llama-server is not at "
                            + binary
                            + " (or not executable): the tests expect the shared folder beside"
                            + " the repository, see ../shared/engines/llama.cpp/SOURCE.txt");
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalStateException(
                    "the test model " + model + " is missing (see ../shared/models/SOURCE.txt)");
        }
        List<String> command =
                new ArrayList<>(
                        List.of(
                                binary.toString(),
                                "-m",
                                model.toString(),
                                "--alias",
                                modelFile.replace(".gguf", ""),
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "0",
                                "-c",
                                Integer.toString(contextTokens),
                                "-np",
                                Integer.toString(slots),
                                "-t",
                                "2"));
        command.addAll(List.of(moreArguments));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        return new LlamaServer(pb.start());
    }

    /** The OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:40123/v1}. */
    public String openAiBaseUrl() {
        return baseUrl + "/v1";
    }

    public long pid() {
        return process.pid();
    }

    /** The server's last lines of output, for a failure message. */
    public String lastLog() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    private void readLog() {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (log) {
                    log.add(line);
                    if (log.size() > LOG_LINES_KEPT) {
                        log.remove(0);
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // The process ended; reported through the port future below.
        }
        port.completeExceptionally(
                new IllegalStateException("llama-server's output ended (the process exited)"));
    }

    /** Polls {@code /health} until it answers 200 ({@code 503 Loading model} before). */
    private void awaitHealthy() {
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Polling an external process that has no readiness callback.
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        close();
        throw new IllegalStateException(
                "llama-server at "
                        + baseUrl
                        + " was not healthy within "
                        + START_TIMEOUT.toSeconds()
                        + " s (last: "
                        + last
                        + "); its output:\n"
                        + lastLog());
    }

    /** Stops the server: SIGTERM to its PID, SIGKILL if it has not exited after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
