package dev.triad.model.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.StructuredOutput;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Makes one langchain4j provider's {@link ChatModel} from a {@link LangChain4jBinding}'s settings.
 * Adding a provider (Ollama, Anthropic, Gemini, …) is one small implementation plus one line in
 * {@link LangChain4jProviders}, and the provider's langchain4j module as a dependency.
 *
 * <p>Implementations are stateless and called once per subtask, from the operator's {@code open()}.
 */
@PublicEvolving
public interface LangChain4jProvider {

    /** The name used in specs, e.g. {@code openai} in {@code langchain4j:openai?…}. */
    String name();

    /** The base URL used when a binding names none, e.g. {@code https://api.openai.com/v1}. */
    String defaultBaseUrl();

    /**
     * Where the key comes from when a binding names neither {@code key-env} nor {@code key-file}:
     * {@link ApiKeySource#defaultEnv()} ({@value ApiKeySource#DEFAULT_ENV} when set) unless the
     * provider says otherwise, e.g. no key for a local Ollama, {@code ANTHROPIC_API_KEY} for
     * Anthropic.
     */
    default ApiKeySource defaultKey() {
        return ApiKeySource.defaultEnv();
    }

    /**
     * Why the provider cannot send {@code structured} (e.g. {@code "Anthropic has no schemaless
     * JSON mode"}), or {@code null} when it can; a binding asking for it is refused when built.
     * Every setting is available unless the provider says otherwise.
     */
    default String refuses(StructuredOutput structured) {
        return null;
    }

    /**
     * Builds the provider's blocking chat model. langchain4j's own retries must be off (0): Triad's
     * {@link dev.triad.model.RetryingChatModel} decides what to try again.
     *
     * @param binding base URL, model, timeout
     * @param apiKey the key read from the binding's key source, or {@code null} to send none
     */
    ChatModel create(LangChain4jBinding binding, String apiKey);
}
