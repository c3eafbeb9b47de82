package dev.triad.model.langchain4j;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.http.HttpClient;

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
        // The JDK client named here rather than found through ServiceLoader, so a shaded jar that
        // lost META-INF/services still works; HTTP/1.1 because inference servers speak it and the
        // h2c upgrade only costs a round trip.
        return OpenAiChatModel.builder()
                .httpClientBuilder(
                        JdkHttpClient.builder()
                                .httpClientBuilder(
                                        HttpClient.newBuilder()
                                                .version(HttpClient.Version.HTTP_1_1)))
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
