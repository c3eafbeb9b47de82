package dev.triad.model.langchain4j;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;

/**
 * langchain4j-anthropic's {@link AnthropicChatModel}: Anthropic's Messages API ({@code POST
 * /v1/messages}, not streamed; the key goes as {@code x-api-key}). The key is read from {@value
 * #KEY_ENV} unless the binding names another place. A reply schema goes as {@code
 * output_config.format} ({@code json_schema}, Anthropic's structured outputs); Anthropic has no
 * schemaless JSON mode, so {@code structured=json_object} is refused. Stateless.
 */
final class AnthropicProvider implements LangChain4jProvider {

    static final String NAME = "anthropic";

    /** The environment variable read when a binding names no key. */
    static final String KEY_ENV = "ANTHROPIC_API_KEY";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.anthropic.com/v1";
    }

    @Override
    public ApiKeySource defaultKey() {
        return ApiKeySource.env(KEY_ENV);
    }

    @Override
    public String refuses(StructuredOutput structured) {
        // langchain4j would throw UnsupportedFeatureException on every call instead.
        return structured == StructuredOutput.JSON_OBJECT
                ? "Anthropic's Messages API has no schemaless JSON mode, only output_config.format"
                        + " json_schema"
                : null;
    }

    @Override
    public ChatModel create(LangChain4jBinding binding, String apiKey) {
        if (apiKey == null) {
            // langchain4j would refuse with "apiKey cannot be null or blank", naming no setting.
            throw new IllegalStateException(
                    "langchain4j:anthropic needs an API key and this binding sends none; give it"
                            + " with ?key-env=NAME or ?key-file=PATH (default "
                            + KEY_ENV
                            + ")");
        }
        return AnthropicChatModel.builder()
                .httpClientBuilder(HttpClients.jdkHttp11())
                .baseUrl(binding.baseUrl())
                .apiKey(apiKey)
                .modelName(binding.model())
                .timeout(binding.timeout())
                .maxRetries(binding.retries())
                .logRequests(false)
                .logResponses(false)
                .build();
    }
}
