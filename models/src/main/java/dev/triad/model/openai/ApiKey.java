package dev.triad.model.openai;

import org.apache.flink.annotation.Internal;

/**
 * An API key in memory, read at open time by {@link ApiKeySource}. Deliberately not {@code
 * Serializable}, and {@link #toString()} never shows it; {@link #redact} scrubs it from text that
 * came from elsewhere (a server's error message may echo the key it refused).
 */
@Internal
public final class ApiKey {

    /** No key: no {@code Authorization} header is sent. */
    static final ApiKey NONE = new ApiKey(null);

    /** What replaces the key wherever it would show. */
    static final String MASK = "***";

    private final String value;

    ApiKey(String value) {
        this.value = value;
    }

    boolean present() {
        return value != null;
    }

    /**
     * The key itself, or {@code null} for none: only for handing to a client library that takes the
     * key as text (langchain4j providers). Never log it or put it in a message.
     */
    public String reveal() {
        return value;
    }

    /** The {@code Authorization} header's value. */
    String bearer() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced by {@value #MASK}. */
    String redact(String text) {
        if (value == null || text == null || value.length() < 4) {
            return text;
        }
        return text.replace(value, MASK);
    }

    @Override
    public String toString() {
        return present() ? "ApiKey[" + MASK + "]" : "ApiKey[none]";
    }
}
