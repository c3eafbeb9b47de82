package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.openai.FakeOpenAiServer.Answer;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API key goes to the server and nowhere else: not into logs (every level, every logger),
 * exception messages and causes, completions, stats (the metrics), {@code toString()}, {@code
 * describe()} or the serialised binding, even when the server echoes the key back in an error.
 */
class SecretsTest {

    @TempDir Path dir;

    @Test
    void theKeyNeverLeavesTheAuthorizationHeader() throws Exception {
        String secret = "sk-triad-secret-" + Long.toHexString(System.nanoTime());
        Path keyFile = dir.resolve("openai.key");
        Files.writeString(keyFile, secret + "\n");
        StringWriter logs = new StringWriter();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        Level rootLevel = root.getLevel();
        WriterAppender appender =
                WriterAppender.createAppender(
                        PatternLayout.newBuilder().withPattern("%p %c %m%n%ex").build(),
                        null,
                        logs,
                        "secrets-test",
                        false,
                        true);
        appender.start();
        config.addAppender(appender);
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.ALL);
        context.updateLoggers();

        List<String> seen = new ArrayList<>();
        try (FakeOpenAiServer server =
                FakeOpenAiServer.start(
                        i -> {
                            switch (i % 5) {
                                case 0:
                                    return Answer.status(
                                            401, "Incorrect API key provided: " + secret + ".");
                                case 1:
                                    return Answer.status(500, "internal error for key " + secret);
                                case 2:
                                    return Answer.status(429, "slow down " + secret)
                                            .withHeader("Retry-After", "0");
                                case 3:
                                    return new Answer(
                                            200, java.util.Map.of(), secret + " not json", null);
                                default:
                                    return Answer.ok("fine", 3, 2, 0);
                            }
                        })) {
            OpenAiCompatibleBinding binding =
                    OpenAiCompatibleBinding.builder()
                            .baseUrls(server.baseUrl())
                            .apiKey(ApiKeySource.file(keyFile.toString()))
                            .maxAttempts(3)
                            .backoff(Duration.ofMillis(5), 2, 0.5, Duration.ofMillis(20))
                            .build();
            try (OpenAiCompatibleModel model = (OpenAiCompatibleModel) binding.open(0)) {
                List<CompletableFuture<ModelCompletion>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(
                            model.complete(
                                    OpenAiCompatibleModelTest.request("q" + i, "question " + i)));
                }
                for (CompletableFuture<ModelCompletion> call : calls) {
                    try {
                        ModelCompletion completion = call.get(15, TimeUnit.SECONDS);
                        seen.add(completion.toString());
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(ModelCallException.class);
                        seen.add(stackTrace(e.getCause()));
                        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                            seen.add(t.toString());
                        }
                    }
                }
                seen.add(model.toString());
                seen.add(model.stats().toString());
                seen.add(binding.toString());
                seen.add(binding.describe());
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(binding);
                }
                seen.add(bytes.toString(StandardCharsets.ISO_8859_1));
            }
            // Not vacuous: the key did reach the server, and there was something to leak.
            assertThat(server.chatsReceived())
                    .allSatisfy(
                            r ->
                                    assertThat(r.header("Authorization"))
                                            .isEqualTo("Bearer " + secret));
            assertThat(seen).anySatisfy(s -> assertThat(s).contains("401 from"));
        } finally {
            root.removeAppender("secrets-test");
            root.setLevel(rootLevel);
            context.updateLoggers();
            appender.stop();
        }
        assertThat(logs.toString()).contains("OpenAI-compatible model").doesNotContain(secret);
        assertThat(logs.toString()).contains("key-file=" + keyFile);
        for (String text : seen) {
            assertThat(text).doesNotContain(secret);
        }
        assertThat(String.join("\n", seen)).contains(ApiKey.MASK);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
