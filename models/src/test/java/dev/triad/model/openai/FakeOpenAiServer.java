package dev.triad.model.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A scripted OpenAI-compatible endpoint on a loopback port (the JDK's own HTTP server), for tests
 * that need to see exactly what the client sends and when: every request is recorded with its
 * arrival time, headers, body and protocol; the answer to the n-th chat request (from 0) comes from
 * a script. {@code GET /v1/models} lists {@value #MODEL}.
 */
final class FakeOpenAiServer implements AutoCloseable {

    static final String MODEL = "fake-model";

    /** One request as it arrived. */
    record Received(
            int index,
            String method,
            String path,
            String protocol,
            Map<String, List<String>> headers,
            byte[] body,
            long arrivedNanos) {

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers, body; {@code hold} (if not null) is awaited before answering. */
    record Answer(
            int status,
            Map<String, String> headers,
            String body,
            CountDownLatch hold,
            int splitAt,
            CountDownLatch midHold) {

        Answer(int status, Map<String, String> headers, String body, CountDownLatch hold) {
            this(status, headers, body, hold, -1, null);
        }

        /** Sends the first {@code chars} characters of the body, then waits for {@code latch}. */
        Answer pausedAfter(int chars, CountDownLatch latch) {
            return new Answer(status, headers, body, hold, chars, latch);
        }

        static Answer ok(String content, int prompt, int completion, int cached) {
            return new Answer(200, Map.of(), completion(content, prompt, completion, cached), null);
        }

        static Answer status(int status, String message) {
            return new Answer(status, Map.of(), error(message), null);
        }

        Answer withHeader(String name, String value) {
            Map<String, String> h = new java.util.HashMap<>(headers);
            h.put(name, value);
            return new Answer(status, Map.copyOf(h), body, hold);
        }

        Answer heldUntil(CountDownLatch latch) {
            return new Answer(status, headers, body, latch);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final IntFunction<Answer> script;
    private final AtomicInteger chats = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Received> received = new CopyOnWriteArrayList<>();

    /**
     * Nanotime at which the server began to write the answer to chat request i, by index: no client
     * can have read that answer earlier.
     */
    final Map<Integer, Long> answeredNanos = new java.util.concurrent.ConcurrentHashMap<>();

    private FakeOpenAiServer(IntFunction<Answer> script) throws IOException {
        this.script = script;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeOpenAiServer start(IntFunction<Answer> script) throws IOException {
        return new FakeOpenAiServer(script);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    int chatRequests() {
        return chats.get();
    }

    /** Chat requests being answered (or held) now. */
    int inFlightNow() {
        return inFlight.get();
    }

    int maxConcurrentChats() {
        return maxInFlight.get();
    }

    List<Received> chatsReceived() {
        return received.stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        boolean chat = path.endsWith("/chat/completions");
        if (chat) {
            // Counted in flight before it is counted as arrived, so a test that waits for N
            // arrivals sees all N in flight (maxConcurrentChats).
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }
        int index = chat ? chats.getAndIncrement() : -1;
        received.add(
                new Received(
                        index,
                        exchange.getRequestMethod(),
                        path,
                        exchange.getProtocol(),
                        Map.copyOf(exchange.getRequestHeaders()),
                        body,
                        arrived));
        Answer answer;
        if (chat) {
            try {
                answer = script.apply(index);
                if (answer.hold() != null) {
                    try {
                        answer.hold().await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            } finally {
                inFlight.decrementAndGet();
            }
        } else if (path.endsWith("/models")) {
            answer =
                    new Answer(
                            200,
                            Map.of(),
                            "{\"object\":\"list\",\"data\":[{\"id\":\""
                                    + MODEL
                                    + "\",\"object\":\"model\"}]}",
                            null);
        } else {
            answer = Answer.status(404, "no route " + path);
        }
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (chat) {
            answeredNanos.put(index, System.nanoTime());
        }
        try {
            if (answer.midHold() != null) {
                byte[] head =
                        answer.body()
                                .substring(0, answer.splitAt())
                                .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), 0); // chunked
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(head);
                    os.flush();
                    try {
                        answer.midHold().await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    os.write(out, head.length, out.length - head.length);
                }
                return;
            }
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException gone) {
            // The client went away (timeout): nothing to answer.
        }
    }

    static String completion(String content, int prompt, int completion, int cached) {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\""
                + MODEL
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":"
                + dev.triad.schemas.Json.write(content)
                + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":"
                + prompt
                + ",\"completion_tokens\":"
                + completion
                + ",\"total_tokens\":"
                + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                + cached
                + "}}}";
    }

    static String error(String message) {
        return "{\"error\":{\"message\":"
                + dev.triad.schemas.Json.write(message)
                + ",\"type\":\"test\",\"param\":null,\"code\":null}}";
    }

    /** Waits (bounded) until {@code condition} holds: observes async progress, orders nothing. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
