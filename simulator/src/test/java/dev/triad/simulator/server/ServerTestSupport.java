package dev.triad.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Client side of the simulated server tests: the JDK HttpClient on HTTP/1.1, schemas, SSE. */
final class ServerTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final JsonSchema COMPLETION = schema("chat-completion.schema.json");
    private static final JsonSchema CHUNK = schema("chat-completion-chunk.schema.json");
    private static final JsonSchema REQUEST = schema("chat-completion-request.schema.json");

    private ServerTestSupport() {}

    /** The JDK client forced to HTTP/1.1 (vLLM rejects the HTTP/2 upgrade over plain http). */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Settings every test starts from: ephemeral ports, two event-loop threads, zero latency. */
    static ServerSettings.Builder zero() {
        return ServerSettings.builder(ServerSettings.PROFILE_ZERO).port(0).ioThreads(2);
    }

    static URI url(SimulatedServer server, int replica, String path) {
        return URI.create("http://127.0.0.1:" + server.ports().get(replica) + path);
    }

    static HttpRequest chatRequest(SimulatedServer server, int replica, String body) {
        return HttpRequest.newBuilder(url(server, replica, ReplicaHandler.PATH_CHAT))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpResponse<String> chat(HttpClient client, SimulatedServer server, String body)
            throws IOException, InterruptedException {
        return client.send(chatRequest(server, 0, body), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> chatAsync(
            HttpClient client, SimulatedServer server, String body) {
        return client.sendAsync(chatRequest(server, 0, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(
            HttpClient client, SimulatedServer server, int replica, String path)
            throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(url(server, replica, path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A chat-completions request body; validated against the request schema first. */
    static String body(
            String model, List<ChatMessage> messages, boolean stream, boolean includeUsage) {
        ObjectNode root = Json.mapper().createObjectNode().put("model", model);
        ArrayNode array = root.putArray("messages");
        for (ChatMessage m : messages) {
            array.addObject().put("role", m.role()).put("content", m.content());
        }
        root.put("temperature", 0.0);
        if (stream) {
            root.put("stream", true);
            if (includeUsage) {
                root.putObject("stream_options").put("include_usage", true);
            }
        }
        assertThat(violations(REQUEST, root)).isEmpty();
        return root.toString();
    }

    static String body(List<ChatMessage> messages) {
        return body("triad-sim", messages, false, false);
    }

    static String body(String system, String user) {
        return body(List.of(ChatMessage.system(system), ChatMessage.user(user)));
    }

    static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of a completion body against the schema, empty when valid. */
    static String completionViolations(JsonNode node) {
        return violations(COMPLETION, node);
    }

    static String chunkViolations(JsonNode node) {
        return violations(CHUNK, node);
    }

    private static String violations(JsonSchema schema, JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        return messages.stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.joining("; "));
    }

    /**
     * The data payloads of a server-sent event stream, {@code [DONE]} included; every event must be
     * one {@code data:} line followed by a blank line.
     */
    static List<String> events(String stream) {
        List<String> events = new ArrayList<>();
        for (String event : stream.split("\n\n")) {
            if (event.isEmpty()) {
                continue;
            }
            assertThat(event).startsWith("data: ");
            events.add(event.substring("data: ".length()));
        }
        assertThat(stream).endsWith("\n\n");
        return events;
    }

    /** Waits until the condition holds (polling, with a deadline); fails with {@code what}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT + " waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static JsonSchema schema(String name) {
        try (InputStream in = ServerTestSupport.class.getResourceAsStream("/openai/" + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "No schema /openai/" + name + " on the test classpath");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
