package dev.triad.model.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.triad.model.openai.ApiKeySource;
import java.util.Map;

/**
 * langchain4j-ollama's {@link OllamaChatModel}: an Ollama server's native {@code POST /api/chat}
 * (not streamed). A local Ollama wants no key, so none is sent unless the binding names one ({@code
 * key-env} / {@code key-file}, e.g. for an Ollama behind an authenticating proxy): it then goes as
 * {@code Authorization: Bearer}. A reply schema goes as {@code format} (the JSON schema; Ollama 0.5
 * and later), {@code structured=json_object} as {@code format: "json"}. Stateless.
 */
final class OllamaProvider implements LangChain4jProvider {

    static final String NAME = "ollama";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultBaseUrl() {
        return "http://localhost:11434";
    }

    @Override
    public ApiKeySource defaultKey() {
        return ApiKeySource.none();
    }

    @Override
    public ChatModel create(LangChain4jBinding binding, String apiKey) {
        OllamaChatModel.OllamaChatModelBuilder b =
                OllamaChatModel.builder()
                        .httpClientBuilder(HttpClients.jdkHttp11())
                        .baseUrl(binding.baseUrl())
                        .modelName(binding.model())
                        .timeout(binding.timeout())
                        .maxRetries(binding.retries())
                        .logRequests(false)
                        .logResponses(false);
        if (apiKey != null) {
            b.customHeaders(Map.of("Authorization", "Bearer " + apiKey));
        }
        return b.build();
    }
}
