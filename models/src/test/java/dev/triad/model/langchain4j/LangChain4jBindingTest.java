package dev.triad.model.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.OutageHoldingChatModel;
import dev.triad.model.RetryingChatModel;
import dev.triad.model.openai.ApiKeySource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LangChain4jBindingTest {

    private static final String SECRET = "sk-test-0123456789abcdef";

    @Test
    void parsesEveryParameter() {
        LangChain4jBinding b =
                LangChain4jBinding.parse(
                        "langchain4j:openai?base-url=http://127.0.0.1:8000/v1&model=triad-sim"
                                + "&key-env=VLLM_KEY&concurrency=4&queue=8&timeout=5s&retries=1");

        assertThat(b.provider()).isEqualTo("openai");
        assertThat(b.baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(b.model()).isEqualTo("triad-sim");
        assertThat(b.apiKey()).isEqualTo(ApiKeySource.env("VLLM_KEY"));
        assertThat(b.concurrency()).isEqualTo(4);
        assertThat(b.queue()).isEqualTo(8);
        assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.retries()).isEqualTo(1);
    }

    @Test
    void defaultsAndTheSchemeIsOptional() {
        LangChain4jBinding b = LangChain4jBinding.parse("OpenAI?model=gpt-4o-mini");

        assertThat(b.provider()).isEqualTo("openai");
        assertThat(b.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(b.apiKey().isDefault()).isTrue();
        assertThat(b.concurrency()).isEqualTo(LangChain4jBinding.DEFAULT_CONCURRENCY);
        assertThat(b.queue()).isEqualTo(LangChain4jBinding.DEFAULT_QUEUE);
        assertThat(b.timeout()).isEqualTo(LangChain4jBinding.DEFAULT_TIMEOUT);
        assertThat(b.retries()).isZero();
        assertThat(b.describe()).isEqualTo("langchain4j:openai?model=gpt-4o-mini");
    }

    @Test
    void describeRoundTripsAndShowsOnlyNonDefaults() {
        String spec =
                "langchain4j:openai?base-url=http://10.0.0.5:8000/v1&model=llama"
                        + "&key-file=/run/secrets/key&concurrency=8&timeout=2min";
        LangChain4jBinding b = LangChain4jBinding.parse(spec);

        assertThat(b.describe()).isEqualTo(spec);
        assertThat(LangChain4jBinding.parse(b.describe())).isEqualTo(b);
        assertThat(b.toString()).contains(spec);
    }

    @Test
    void refusesUnknownProvidersListingTheKnownOnes() {
        assertThatThrownBy(() -> LangChain4jBinding.parse("langchain4j:bedrock?model=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown langchain4j provider 'bedrock'")
                .hasMessageContaining("known providers: openai, ollama, anthropic, gemini");
        assertThatThrownBy(() -> LangChain4jBinding.parse("langchain4j:?model=x"))
                .hasMessageContaining("provider after 'langchain4j:' is missing");
    }

    @Test
    void errorsNameTheParameterAndTheRule() {
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai"))
                .hasMessageContaining("model is required");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&colour=red"))
                .hasMessageContaining("unknown parameter 'colour'")
                .hasMessageContaining("base-url, model, key-env");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&concurrency=lots"))
                .hasMessageContaining("concurrency must be a whole number, was 'lots'");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&concurrency=0"))
                .hasMessageContaining("concurrency must be between 1 and 1024");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&queue=-1"))
                .hasMessageContaining("queue must be 0 or more");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&timeout=soon"))
                .hasMessageContaining("timeout must be a duration such as 30s");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&retries=3"))
                .hasMessageContaining("retries must be 0 or 1");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&base-url=ftp://h"))
                .hasMessageContaining("base-url must be an http:// or https:// URL");
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&key-env=1BAD"))
                .hasMessageContaining("key-env must name an environment variable");
    }

    @Test
    void userInfoInTheBaseUrlIsNeverShown() {
        LangChain4jBinding b =
                LangChain4jBinding.parse(
                        "openai?model=m&base-url=http://user:" + SECRET + "@host:8000/v1");

        assertThat(b.describe()).doesNotContain(SECRET).contains("//***@host:8000/v1");
    }

    @Test
    void theKeyIsReadAtOpenAndNeverShownOrSerialised() throws Exception {
        LangChain4jBinding b =
                LangChain4jBinding.parse(
                        "openai?base-url=http://127.0.0.1:9/v1&model=m&key-env=MY_KEY");
        try (LangChain4jChatModel model = b.open(0, Map.of("MY_KEY", SECRET)::get)) {
            assertThat(model.toString()).doesNotContain(SECRET);
        }
        assertThat(b.describe()).doesNotContain(SECRET).contains("key-env=MY_KEY");
        assertThat(b.toString()).doesNotContain(SECRET);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        assertThat(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1))
                .doesNotContain(SECRET);
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(b);
        }
    }

    @Test
    void aMissingNamedKeyFailsAtOpenNamingTheVariable() {
        LangChain4jBinding b = LangChain4jBinding.parse("openai?model=m&key-env=MISSING_KEY");

        assertThatThrownBy(() -> b.open(0, name -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MISSING_KEY");
    }

    @Test
    void eachProviderHasItsOwnDefaultBaseUrlAndKey() {
        LangChain4jBinding ollama = LangChain4jBinding.parse("langchain4j:ollama?model=llama3.2");
        assertThat(ollama.baseUrl()).isEqualTo("http://localhost:11434");
        assertThat(ollama.apiKey()).isEqualTo(ApiKeySource.none());
        assertThat(ollama.describe()).isEqualTo("langchain4j:ollama?model=llama3.2");

        LangChain4jBinding anthropic =
                LangChain4jBinding.parse("langchain4j:anthropic?model=claude-sonnet-4-5");
        assertThat(anthropic.baseUrl()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(anthropic.apiKey()).isEqualTo(ApiKeySource.env("ANTHROPIC_API_KEY"));
        assertThat(anthropic.describe()).isEqualTo("langchain4j:anthropic?model=claude-sonnet-4-5");

        LangChain4jBinding gemini = LangChain4jBinding.parse("gemini?model=gemini-2.5-flash");
        assertThat(gemini.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta");
        assertThat(gemini.apiKey()).isEqualTo(ApiKeySource.env("GEMINI_API_KEY"));

        // A key named on purpose is kept and shown (by where it is), for every provider.
        String spec =
                "langchain4j:ollama?base-url=http://10.0.0.7:11434&model=qwen3&key-env=PROXY_KEY";
        assertThat(LangChain4jBinding.parse(spec).describe()).isEqualTo(spec);
        assertThat(LangChain4jBinding.parse(spec)).isEqualTo(LangChain4jBinding.parse(spec));
    }

    @Test
    void everyProviderOpensWithAKeyThatIsNeverShown() {
        for (String provider : LangChain4jProviders.names()) {
            LangChain4jBinding b =
                    LangChain4jBinding.parse(
                            provider + "?base-url=http://127.0.0.1:9/v1&model=m&key-env=MY_KEY");
            try (LangChain4jChatModel model = b.open(0, Map.of("MY_KEY", SECRET)::get)) {
                assertThat(model.toString())
                        .doesNotContain(SECRET)
                        .contains("langchain4j:" + provider + "?base-url=http://127.0.0.1:9/v1");
            }
        }
    }

    @Test
    void aProviderDefaultKeyThatIsNotSetFailsAtOpenSayingWhatToSet() {
        LangChain4jBinding b = LangChain4jBinding.parse("anthropic?model=claude-haiku-4-5");

        assertThatThrownBy(() -> b.open(0, name -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("langchain4j:anthropic needs an API key")
                .hasMessageContaining("key-env=ANTHROPIC_API_KEY")
                .hasMessageContaining("?key-env=NAME or ?key-file=PATH");
        LangChain4jBinding none =
                LangChain4jBinding.builder()
                        .provider("anthropic")
                        .model("claude-haiku-4-5")
                        .apiKey(ApiKeySource.none())
                        .build();
        assertThatThrownBy(() -> none.open(0, name -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("langchain4j:anthropic needs an API key")
                .hasMessageContaining("?key-env=NAME or ?key-file=PATH");
        // Ollama needs none: it opens with an empty environment.
        LangChain4jBinding.parse("ollama?model=llama3.2").open(0, name -> null).close();
    }

    @Test
    void openForTheOperatorRetriesAsAttemptsAndBudgetSay() {
        LangChain4jBinding b =
                LangChain4jBinding.parse(
                        "openai?base-url=http://127.0.0.1:9/v1&model=m&key-env=NO_SUCH_KEY_VAR_X"
                                + "&attempts=3&budget=30s");
        assertThat(b.retryPolicy().maxAttempts()).isEqualTo(3);
        assertThat(b.retryPolicy().budget()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.retryPolicy().attemptsOption())
                .isEqualTo("attempts=N in the langchain4j: binding");
        assertThat(b.describe()).endsWith("&attempts=3&budget=30s");
        assertThat(LangChain4jBinding.parse(b.describe())).isEqualTo(b);
        assertThat(LangChain4jBinding.parse("openai?model=m").retryPolicy().maxAttempts())
                .isEqualTo(LangChain4jBinding.DEFAULT_ATTEMPTS);
        assertThatThrownBy(() -> LangChain4jBinding.parse("openai?model=m&attempts=0"))
                .hasMessageContaining("attempts must be at least 1");

        LangChain4jBinding keyless =
                LangChain4jBinding.parse("ollama?base-url=http://127.0.0.1:9&model=m&attempts=2");
        try (AsyncChatModel model = keyless.open(0)) {
            assertThat(model).isInstanceOf(RetryingChatModel.class);
            assertThat(((RetryingChatModel) model).policy().maxAttempts()).isEqualTo(2);
            AsyncChatModel held = ((RetryingChatModel) model).delegate();
            assertThat(held).isInstanceOf(OutageHoldingChatModel.class);
            assertThat(((OutageHoldingChatModel) held).delegate())
                    .isInstanceOf(LangChain4jChatModel.class);
        }
    }
}
