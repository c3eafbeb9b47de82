package dev.triad.jobs.local;

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
 * A real llama.cpp {@code llama-server} for tests and benchmarks: by default the prebuilt binary of
 * the shared folder beside the repository ({@code ../shared/engines/llama.cpp/bin/llama-server})
 * serving a GGUF model (the test models are in {@code ../shared/models/}), started on 127.0.0.1 on
 * a port it picks ({@code --port 0}), ready once {@code GET /health} answers 200, stopped by its
 * own PID on {@link #close()} (SIGTERM, then SIGKILL), and by a shutdown hook if the JVM ends
 * first.
 *
 * <p>The server's last 40 lines of output are kept for failure messages ({@link #lastLog()}). A
 * server that cannot be started throws with the reason and that output.
 */
public final class LocalLlamaServer implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int LOG_LINES_KEPT = 40;

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final String baseUrl;

    private LocalLlamaServer(Process process) {
        this.process = process;
        // A JVM stopped mid-run (e.g. SIGTERM) still stops its server.
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

    /** A builder for a server of {@code model}, a GGUF file. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /** The shared folder beside the repository: {@code ../shared} from the repository root. */
    public static Path sharedFolder() {
        return LocalScript.repositoryRoot().resolveSibling("shared");
    }

    /** The llama-server binary of the shared folder, the default of {@link Builder#binary}. */
    public static Path sharedBinary() {
        return sharedFolder().resolve("engines/llama.cpp/bin/llama-server");
    }

    /** A test model of the shared folder, e.g. {@code random-tiny.gguf}. */
    public static Path sharedModel(String file) {
        return sharedFolder().resolve("models").resolve(file);
    }

    /**
     * The build of the llama-server {@code binary} as {@code llama.cpp-COMMIT}, from {@code
     * llama-server --version} (e.g. {@code version: 0.4.0-dev (build 1, commit 80fb11a)}).
     */
    public static String version(Path binary) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(binary.toString(), "--version")
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

    /** The OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:40123/v1}. */
    public String openAiBaseUrl() {
        return baseUrl + "/v1";
    }

    /** The server's process id. */
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

    /** Settings of a {@link LocalLlamaServer}; {@link #start()} starts it. */
    public static final class Builder {

        /** Threads when {@link #threads(int)} is not called. */
        public static final int DEFAULT_THREADS = 2;

        /** Parallel slots when {@link #slots(int)} is not called. */
        public static final int DEFAULT_SLOTS = 1;

        /**
         * Tokens of context (all slots together) when {@link #contextTokens(int)} is not called.
         */
        public static final int DEFAULT_CONTEXT_TOKENS = 4096;

        private static final String SHARED_BINARY_HINT =
                "the shared folder beside the repository is expected, see"
                        + " ../shared/engines/llama.cpp/SOURCE.txt";

        private final Path model;
        private Path binary;
        private String binaryHint = SHARED_BINARY_HINT;
        private String alias;
        private int threads = DEFAULT_THREADS;
        private int slots = DEFAULT_SLOTS;
        private int contextTokens = DEFAULT_CONTEXT_TOKENS;
        private final List<String> arguments = new ArrayList<>();

        Builder(Path model) {
            this.model = model;
        }

        /**
         * The llama-server binary; the shared folder's ({@link LocalLlamaServer#sharedBinary()}) by
         * default.
         */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /**
         * How to get the binary, appended to the error when it is missing (e.g. {@code set
         * TRIAD_LLAMA_SERVER to its path}); by default it points at the shared folder.
         */
        public Builder binaryHint(String binaryHint) {
            this.binaryHint = binaryHint;
            return this;
        }

        /**
         * The model name the server answers to ({@code --alias}); the model's file name without
         * {@code .gguf} by default.
         */
        public Builder alias(String alias) {
            this.alias = alias;
            return this;
        }

        /** Threads the server computes with ({@code -t}). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Sequences decoded in parallel ({@code -np}); they share the context. */
        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        /** Tokens of context of all slots together ({@code -c}). */
        public Builder contextTokens(int contextTokens) {
            this.contextTokens = contextTokens;
            return this;
        }

        /** More llama-server arguments, after the others (e.g. {@code --no-cache-prompt}). */
        public Builder arguments(String... more) {
            arguments.addAll(List.of(more));
            return this;
        }

        /**
         * Starts the server; returns once it answers {@code /health} with 200.
         *
         * @throws IllegalArgumentException naming the binary or model that is missing, or a setting
         *     out of range
         * @throws IllegalStateException with the reason and the server's output when it does not
         *     start
         */
        public LocalLlamaServer start() throws IOException {
            Path bin = binary != null ? binary : sharedBinary();
            if (!Files.isExecutable(bin)) {
                throw new IllegalArgumentException(
                        "llama-server is not at " + bin + " (or not executable); " + binaryHint);
            }
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException(
                        "the model "
                                + model
                                + " is missing; the test models are in ../shared/models/ (see"
                                + " its SOURCE.txt)");
            }
            requirePositive("threads", threads);
            requirePositive("slots", slots);
            requirePositive("contextTokens", contextTokens);
            String name = model.getFileName().toString();
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    bin.toString(),
                                    "-m",
                                    model.toString(),
                                    "--alias",
                                    alias != null ? alias : name.replace(".gguf", ""),
                                    "--host",
                                    "127.0.0.1",
                                    "--port",
                                    "0",
                                    "-c",
                                    Integer.toString(contextTokens),
                                    "-np",
                                    Integer.toString(slots),
                                    "-t",
                                    Integer.toString(threads)));
            command.addAll(arguments);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectErrorStream(true);
            return new LocalLlamaServer(pb.start());
        }

        private static void requirePositive(String setting, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(
                        "llama-server "
                                + setting
                                + " is "
                                + value
                                + "; it must be at least 1 (leave it unset for the default)");
            }
        }
    }
}
