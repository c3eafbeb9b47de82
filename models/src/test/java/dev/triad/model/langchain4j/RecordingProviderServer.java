package dev.triad.model.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One chat endpoint of each langchain4j provider on a loopback port (the JDK's own HTTP server),
 * for tests that need to see the exact body a provider's client sends: every request is recorded
 * with its path and body, and each is answered in its provider's format (OpenAI {@code
 * /chat/completions}, Ollama {@code /api/chat}, Gemini {@code models/MODEL:generateContent},
 * Anthropic {@code /messages}) with the configured reply text, or with the configured error status
 * and message in that provider's error shape.
 */
final class RecordingProviderServer implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String path, byte[] body) {

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the client sent a body that is not JSON", e);
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final String reply;
    private final int status;
    final List<Received> received = new CopyOnWriteArrayList<>();

    private RecordingProviderServer(String reply, int status) throws IOException {
        this.reply = reply;
        this.status = status;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers every chat with {@code reply} as the model's text. */
    static RecordingProviderServer replying(String reply) throws IOException {
        return new RecordingProviderServer(reply, 200);
    }

    /** Answers every chat with {@code status} and {@code message} in the provider's error shape. */
    static RecordingProviderServer refusing(int status, String message) throws IOException {
        return new RecordingProviderServer(message, status);
    }

    /** The base URL of {@code provider}'s API here, as {@code base-url=} takes it. */
    String baseUrl(String provider) {
        String root = "http://127.0.0.1:" + server.getAddress().getPort();
        return switch (provider) {
            case "ollama" -> root;
            case "gemini" -> root + "/v1beta";
            default -> root + "/v1";
        };
    }

    /** The body of the only request received. */
    JsonNode onlyBody() {
        if (received.size() != 1) {
            throw new AssertionError("expected one request, got " + received.size());
        }
        return received.get(0).json();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(path, body));
        String provider = provider(path);
        String out;
        int code;
        if (provider == null) {
            code = 404;
            out = "{\"error\":\"no route " + path + "\"}";
        } else if (status != 200) {
            code = status;
            out = error(provider, reply);
        } else {
            code = 200;
            out = completion(provider, reply);
        }
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static String provider(String path) {
        if (path.endsWith("/chat/completions")) {
            return "openai";
        }
        if (path.equals("/api/chat")) {
            return "ollama";
        }
        if (path.endsWith(":generateContent")) {
            return "gemini";
        }
        if (path.endsWith("/messages")) {
            return "anthropic";
        }
        return null;
    }

    private static String completion(String provider, String text) {
        String t = Json.write(text);
        return switch (provider) {
            case "openai" ->
                    "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            + "\"content\":"
                            + t
                            + "},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,"
                            + "\"total_tokens\":18}}";
            case "ollama" ->
                    "{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":"
                            + "{\"role\":\"assistant\",\"content\":"
                            + t
                            + "},\"done\":true,\"done_reason\":\"stop\","
                            + "\"prompt_eval_count\":11,\"eval_count\":7}";
            case "gemini" ->
                    "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                            + t
                            + "}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":"
                            + "{\"promptTokenCount\":11,\"candidatesTokenCount\":7,"
                            + "\"totalTokenCount\":18},\"modelVersion\":\"m\"}";
            default ->
                    "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                            + "\"content\":[{\"type\":\"text\",\"text\":"
                            + t
                            + "}],\"stop_reason\":\"end_turn\","
                            + "\"usage\":{\"input_tokens\":11,\"output_tokens\":7}}";
        };
    }

    private static String error(String provider, String message) {
        String m = Json.write(message);
        return switch (provider) {
            case "openai" ->
                    "{\"error\":{\"message\":"
                            + m
                            + ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
            case "ollama" -> "{\"error\":" + m + "}";
            case "gemini" ->
                    "{\"error\":{\"code\":400,\"message\":"
                            + m
                            + ",\"status\":\"INVALID_ARGUMENT\"}}";
            default ->
                    "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                            + "\"message\":"
                            + m
                            + "}}";
        };
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
