package dev.triad.model.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * langchain4j-open-ai's {@link OpenAiChatModel}: OpenAI itself or any OpenAI-compatible server
 * (vLLM, SGLang, the simulated server). A reply schema goes as {@code response_format} {@code
 * json_schema} with {@code strict: true}, as the {@code openai:} client sends it. Stateless.
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
                // ReplySchema is written in the subset strict mode takes, as the openai: client
                // sends it; langchain4j then also sends "strict": true.
                .strictJsonSchema(true)
                .logRequests(false)
                .logResponses(false)
                .build();
    }
}
