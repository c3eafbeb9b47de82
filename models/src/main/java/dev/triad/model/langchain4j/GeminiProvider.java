package dev.triad.model.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.triad.model.openai.ApiKeySource;

/**
 * langchain4j-google-ai-gemini's {@link GoogleAiGeminiChatModel}: the Gemini API of Google AI
 * Studio ({@code POST models/MODEL:generateContent}). The key is read from {@value #KEY_ENV} unless
 * the binding names another place. A reply schema goes as {@code generationConfig.responseSchema}
 * with {@code responseMimeType: application/json}, {@code structured=json_object} as the MIME type
 * alone. Stateless.
 */
final class GeminiProvider implements LangChain4jProvider {

    static final String NAME = "gemini";

    /** The environment variable read when a binding names no key. */
    static final String KEY_ENV = "GEMINI_API_KEY";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://generativelanguage.googleapis.com/v1beta";
    }

    @Override
    public ApiKeySource defaultKey() {
        return ApiKeySource.env(KEY_ENV);
    }

    @Override
    public ChatModel create(LangChain4jBinding binding, String apiKey) {
        return GoogleAiGeminiChatModel.builder()
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
