package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binding spec, its defaults, its checks, and where the key comes from. */
class OpenAiCompatibleBindingTest {

    @TempDir Path dir;

    @Test
    void oneUrlTakesEveryDefault() {
        OpenAiCompatibleBinding b = OpenAiCompatibleBinding.parse("http://127.0.0.1:8000/v1/");
        assertThat(b.baseUrls()).containsExactly("http://127.0.0.1:8000/v1");
        assertThat(b.model()).isNull();
        assertThat(b.apiKey()).isEqualTo(ApiKeySource.defaultEnv());
        assertThat(b.routing()).isEqualTo(Routing.AFFINITY);
        assertThat(b.loadFactor()).isEqualTo(1.25);
        assertThat(b.callTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(b.maxAttempts()).isEqualTo(5);
        assertThat(b.concurrencyLimit()).isEqualTo(OpenAiCompatibleBinding.ConcurrencyLimit.QUEUE);
        assertThat(b.initialConcurrency()).isEqualTo(32);
        assertThat(b.maxConcurrency()).isEqualTo(512);
        assertThat(b.requestsPerMinute()).isZero();
        assertThat(b.tokensPerMinute()).isZero();
        assertThat(b.stream()).isFalse();
        assertThat(b.describe()).isEqualTo("openai:http://127.0.0.1:8000/v1");
        assertThat(b.simulated()).isFalse();
    }

    @Test
    void replicasModelAndParametersRoundTrip() {
        String spec =
                "http://a:8000/v1,http://b:8000/v1#meta-llama/Llama-3.1-8B-Instruct"
                        + "?key-env=VLLM_KEY&routing=least-outstanding&timeout=30s&attempts=3"
                        + "&limit=gradient&concurrency=8&max-concurrency=64&rpm=600&tpm=90000"
                        + "&load-factor=1.5&stream=true";
        OpenAiCompatibleBinding b = OpenAiCompatibleBinding.parse(spec);
        assertThat(b.baseUrls()).containsExactly("http://a:8000/v1", "http://b:8000/v1");
        assertThat(b.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(b.apiKey()).isEqualTo(ApiKeySource.env("VLLM_KEY"));
        assertThat(b.routing()).isEqualTo(Routing.LEAST_OUTSTANDING);
        assertThat(b.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.maxAttempts()).isEqualTo(3);
        assertThat(b.concurrencyLimit())
                .isEqualTo(OpenAiCompatibleBinding.ConcurrencyLimit.GRADIENT);
        assertThat(b.initialConcurrency()).isEqualTo(8);
        assertThat(b.maxConcurrency()).isEqualTo(64);
        assertThat(b.requestsPerMinute()).isEqualTo(600);
        assertThat(b.tokensPerMinute()).isEqualTo(90_000);
        assertThat(b.loadFactor()).isEqualTo(1.5);
        assertThat(b.stream()).isTrue();

        String described = b.describe();
        assertThat(described).startsWith("openai:http://a:8000/v1,http://b:8000/v1#meta-llama");
        assertThat(described).contains("stream=true");
        assertThat(OpenAiCompatibleBinding.parse(described.substring("openai:".length())))
                .isEqualTo(b);
    }

    @Test
    void roundRobinRoutingIsNamedInSpecs() {
        OpenAiCompatibleBinding b =
                OpenAiCompatibleBinding.parse("http://a/v1,http://b/v1?routing=round-robin");
        assertThat(b.routing()).isEqualTo(Routing.ROUND_ROBIN);
        assertThat(b.describe()).endsWith("?routing=round-robin");
    }

    @Test
    void badSpecsAreRefusedWithTheRuleAndTheFix() {
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse(""))
                .hasMessageContaining("needs at least one base URL, e.g. openai:http://");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("localhost:8000/v1"))
                .hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1,http://a/v1"))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1#"))
                .hasMessageContaining("the model name after '#' is empty");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?colour=red"))
                .hasMessageContaining("unknown parameter 'colour'")
                .hasMessageContaining("key-env, key-file, routing");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?attempts=0"))
                .hasMessageContaining("attempts must be at least 1");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?attempts=many"))
                .hasMessageContaining("attempts must be a whole number, was 'many'");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?timeout=soon"))
                .hasMessageContaining("timeout must be a duration such as 30s");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?routing=random"))
                .hasMessageContaining(
                        "routing must be one of [affinity, least-outstanding, round-robin]");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?stream=yes"))
                .hasMessageContaining("stream must be true or false, was 'yes'");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?load-factor=1"))
                .hasMessageContaining("load-factor must be above 1");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?concurrency=600"))
                .hasMessageContaining("must be between 1 and max-concurrency 512");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?key-env=1BAD"))
                .hasMessageContaining("key-env must name an environment variable");
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?rpm=-1"))
                .hasMessageContaining("rpm must be 0 (no limit) or more");
    }

    @Test
    void aUrlWithUserInfoIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(
                        () -> OpenAiCompatibleBinding.parse("http://user:sk-hidden-999@a:8000/v1"))
                .hasMessageContaining("base URL #1 carries user info")
                .hasMessageContaining("?key-env=NAME")
                .hasMessageNotContaining("sk-hidden-999");
    }

    @Test
    void theDefaultKeyIsOptionalANamedOneIsNot() {
        assertThat(ApiKeySource.defaultEnv().resolve(name -> null).present()).isFalse();
        assertThat(
                        ApiKeySource.defaultEnv()
                                .resolve(Map.of("OPENAI_API_KEY", "sk-1234")::get)
                                .bearer())
                .isEqualTo("Bearer sk-1234");
        assertThat(
                        ApiKeySource.env("VLLM_KEY")
                                .resolve(Map.of("VLLM_KEY", " k-77 \n")::get)
                                .bearer())
                .isEqualTo("Bearer k-77");
        assertThatThrownBy(() -> ApiKeySource.env("VLLM_KEY").resolve(name -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "The environment variable VLLM_KEY named by key-env is not set (or"
                                + " blank); set it to the API key, or drop ?key-env to use"
                                + " OPENAI_API_KEY");
        assertThat(ApiKeySource.none().resolve(name -> "ignored").present()).isFalse();
    }

    @Test
    void aKeyFileIsReadAtOpenTime() throws IOException {
        Path file = dir.resolve("key");
        ApiKeySource source = ApiKeySource.file(file.toString());
        assertThatThrownBy(() -> source.resolve(name -> null))
                .hasMessageContaining(
                        "The API key file " + file + " named by key-file cannot be read");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> source.resolve(name -> null)).hasMessageContaining("is empty");
        Files.writeString(file, "sk-from-file-42\nsecond line ignored\n");
        assertThat(source.resolve(name -> null).bearer()).isEqualTo("Bearer sk-from-file-42");
    }

    @Test
    void theSerialisedBindingHoldsWhereTheKeyIsNeverTheKey() throws Exception {
        String secret = "sk-serialised-" + System.nanoTime();
        Path file = dir.resolve("key");
        Files.writeString(file, secret);
        OpenAiCompatibleBinding binding =
                OpenAiCompatibleBinding.parse("http://a:8000/v1#m?key-file=" + file);
        try (OpenAiCompatibleModel model = binding.open(0, name -> secret)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(binding);
            }
            assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).doesNotContain(secret);
            OpenAiCompatibleBinding copy;
            try (ObjectInputStream in =
                    new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy = (OpenAiCompatibleBinding) in.readObject();
            }
            assertThat(copy).isEqualTo(binding);
            assertThat(copy.describe())
                    .isEqualTo("openai:http://a:8000/v1#m?key-file=" + file)
                    .doesNotContain(secret);
            assertThat(model.toString()).doesNotContain(secret);
        }
    }

    @Test
    void builderTakesTheSimulatedServersUrls() {
        OpenAiCompatibleBinding b =
                OpenAiCompatibleBinding.builder()
                        .baseUrls(List.of(java.net.URI.create("http://127.0.0.1:9/v1")))
                        .model("m")
                        .build();
        assertThat(b.describe()).isEqualTo("openai:http://127.0.0.1:9/v1#m");
    }

    @Test
    void attemptsBackoffAndBudgetMakeTheRetryPolicy() {
        OpenAiCompatibleBinding b =
                OpenAiCompatibleBinding.parse("http://a:8000/v1?attempts=3&budget=2min");
        assertThat(b.retryPolicy().maxAttempts()).isEqualTo(3);
        assertThat(b.retryPolicy().budget()).isEqualTo(Duration.ofMinutes(2));
        assertThat(b.retryPolicy().initialBackoff())
                .isEqualTo(OpenAiCompatibleBinding.DEFAULT_INITIAL_BACKOFF);
        assertThat(b.retryPolicy().attemptsOption()).isEqualTo("attempts=N in the openai: binding");
        assertThat(b.describe()).isEqualTo("openai:http://a:8000/v1?attempts=3&budget=2min");
        assertThat(OpenAiCompatibleBinding.parse(b.describe())).isEqualTo(b);
        assertThat(OpenAiCompatibleBinding.parse("http://a:8000/v1").retryPolicy().budget())
                .isZero();
        assertThatThrownBy(() -> OpenAiCompatibleBinding.parse("http://a/v1?budget=soon"))
                .hasMessageContaining("budget must be a duration such as 30s");
    }
}
