package dev.triad.model.langchain4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;

/** The langchain4j providers Triad can bind a role to, by name. Immutable; thread-safe. */
@Internal
public final class LangChain4jProviders {

    private static final Map<String, LangChain4jProvider> KNOWN;

    static {
        Map<String, LangChain4jProvider> known = new LinkedHashMap<>();
        // One line per provider; each needs its langchain4j module in operators/pom.xml.
        add(known, new OpenAiProvider());
        add(known, new OllamaProvider());
        add(known, new AnthropicProvider());
        add(known, new GeminiProvider());
        KNOWN = Collections.unmodifiableMap(known);
    }

    private LangChain4jProviders() {}

    private static void add(Map<String, LangChain4jProvider> known, LangChain4jProvider p) {
        known.put(p.name(), p);
    }

    /** The names accepted after {@code langchain4j:}. */
    public static Set<String> names() {
        return KNOWN.keySet();
    }

    /**
     * The provider called {@code name}.
     *
     * @throws IllegalArgumentException naming the provider and listing the known ones
     */
    public static LangChain4jProvider get(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        LangChain4jProvider provider = KNOWN.get(key);
        if (provider == null) {
            throw new IllegalArgumentException(
                    (key.isEmpty()
                                    ? "the provider after 'langchain4j:' is missing"
                                    : "unknown langchain4j provider '" + key + "'")
                            + "; known providers: "
                            + String.join(", ", names())
                            + " (e.g. langchain4j:openai?base-url=http://127.0.0.1:8000/v1"
                            + "&model=my-model)");
        }
        return provider;
    }
}
