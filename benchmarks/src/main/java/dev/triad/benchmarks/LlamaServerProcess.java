package dev.triad.benchmarks;

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
 * A llama.cpp {@code llama-server} process for a benchmark: started on 127.0.0.1 on a port it picks
 * ({@code --port 0}), ready once {@code GET /health} answers 200, stopped by its own PID (SIGTERM,
 * then SIGKILL). (The jobs module's tests have the same helper for their server.)
 */
final class LlamaServerProcess implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int LOG_LINES_KEPT = 40;

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final String baseUrl;

    private LlamaServerProcess(Process process) {
        this.process = process;
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
                    "llama-server did not say which port it listens on within "
                            + START_TIMEOUT.toSeconds()
                            + " s; its last output:\n"
                            + lastLog(),
                    e);
        }
        this.baseUrl = "http://127.0.0.1:" + p;
        awaitHealthy();
    }

    /**
     * Starts {@code binary} serving {@code model} (as {@code alias}) with {@code threads} threads
     * and {@code slots} slots of {@code contextPerSlot} tokens each.
     *
     * @throws IllegalArgumentException naming the missing file
     * @throws IllegalStateException with the server's output when it does not start
     */
    static LlamaServerProcess start(
            Path binary, Path model, String alias, int threads, int slots, int contextPerSlot)
            throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException(
                    "llama-server is not at "
                            + binary
                            + " (or not executable); set TRIAD_LLAMA_SERVER to its path");
        }
        ProcessBuilder pb =
                new ProcessBuilder(
                        binary.toString(),
                        "-m",
                        model.toString(),
                        "--alias",
                        alias,
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "-c",
                        Integer.toString(contextPerSlot * slots),
                        "-np",
                        Integer.toString(slots),
                        "-t",
                        Integer.toString(threads));
        pb.redirectErrorStream(true);
        return new LlamaServerProcess(pb.start());
    }

    /** The OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:40123/v1}. */
    String openAiBaseUrl() {
        return baseUrl + "/v1";
    }

    private String lastLog() {
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
