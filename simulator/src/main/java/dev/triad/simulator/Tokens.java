package dev.triad.simulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.triad.model.ChatMessage;
import java.util.List;

/**
 * Counts tokens for simulated usage: with jtokkit's {@code cl100k_base} (one shared encoding,
 * loaded on first use), or approximately as characters / 4 when counting is turned off.
 *
 * <p>Threading: safe from any thread; the jtokkit encoding is immutable.
 */
final class Tokens {

    /** Characters per token in the cheap approximation. */
    static final int CHARS_PER_TOKEN = 4;

    private Tokens() {}

    /** Lazily loads the encoding the first time exact counting is asked for. */
    private static final class Holder {
        static final Encoding CL100K =
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    static int count(String text, boolean exact) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        // Ordinary counting: a question may contain "<|endoftext|>", which is text here.
        return exact
                ? Holder.CL100K.countTokensOrdinary(text)
                : (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** The prompt's tokens: the sum over the messages' contents. */
    static int count(List<ChatMessage> messages, boolean exact) {
        int total = 0;
        for (int i = 0, n = messages.size(); i < n; i++) {
            total += count(messages.get(i).content(), exact);
        }
        return total;
    }
}
