package dev.triad.model.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * langchain4j-open-ai's {@link OpenAiChatModel}: OpenAI itself or any OpenAI-compatible server
 * (vLLM, SGLang, the simulated server). Stateless.
 */
final class OpenAiProvider implements LangChain4jProvider {

    static final String NAME = "openai";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.openai.com/v1";
    }

    @Override
    public ChatModel create(LangChain4jBinding binding, String apiKey) {
        return OpenAiChatModel.builder()
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
