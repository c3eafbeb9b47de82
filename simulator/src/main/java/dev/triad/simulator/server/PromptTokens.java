package dev.triad.simulator.server;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokens for the simulated server: jtokkit's {@code cl100k_base} ids when counting is exact (the
 * same counts as the in-process simulated model), or one pseudo-token per 4 characters (its id a
 * hash of them) when the oracle's {@code count-tokens} setting is off, which is much cheaper.
 *
 * <p>Threading: immutable; safe from any thread (the jtokkit encoding is immutable).
 */
final class PromptTokens {

    /** Characters per pseudo-token when counting is approximate. */
    static final int CHARS_PER_TOKEN = 4;

    private static final int[] NONE = new int[0];

    private final boolean exact;

    PromptTokens(boolean exact) {
        this.exact = exact;
    }

    /** Loads the encoding the first time exact tokens are asked for. */
    private static final class Holder {
        static final Encoding CL100K =
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    boolean exact() {
        return exact;
    }

    /** The token ids of a text (ordinary: special-token text is just text here). */
    int[] encode(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        if (exact) {
            return Holder.CL100K.encodeOrdinary(text).toArray();
        }
        int n = text.length();
        int[] ids = new int[(n + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN];
        for (int t = 0; t < ids.length; t++) {
            int h = 0x811C9DC5;
            for (int i = t * CHARS_PER_TOKEN, end = Math.min(n, i + CHARS_PER_TOKEN);
                    i < end;
                    i++) {
                h = (h ^ text.charAt(i)) * 0x01000193;
            }
            ids[t] = h;
        }
        return ids;
    }

    /** The number of tokens of a text. */
    int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return exact
                ? Holder.CL100K.countTokensOrdinary(text)
                : (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** The first {@code limit} tokens of a text, as text. */
    String truncate(String text, int limit) {
        if (exact) {
            IntArrayList ids = Holder.CL100K.encodeOrdinary(text);
            if (ids.size() <= limit) {
                return text;
            }
            IntArrayList head = new IntArrayList(limit);
            for (int i = 0; i < limit; i++) {
                head.add(ids.get(i));
            }
            return Holder.CL100K.decode(head);
        }
        int end = Math.min(text.length(), limit * CHARS_PER_TOKEN);
        if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /**
     * The text cut into the pieces a model would stream, one per token; a piece never splits a
     * character (tokens that are parts of one character are joined). The pieces concatenate to the
     * text.
     */
    List<String> pieces(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        if (!exact) {
            List<String> out = new ArrayList<>(text.length() / CHARS_PER_TOKEN + 1);
            int at = 0;
            while (at < text.length()) {
                int end = Math.min(text.length(), at + CHARS_PER_TOKEN);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end++;
                }
                out.add(text.substring(at, end));
                at = end;
            }
            return out;
        }
        IntArrayList ids = Holder.CL100K.encodeOrdinary(text);
        List<String> out = new ArrayList<>(ids.size());
        IntArrayList one = new IntArrayList(1);
        byte[] pending = new byte[0];
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < ids.size(); i++) {
            one.clear();
            one.add(ids.get(i));
            byte[] bytes = Holder.CL100K.decodeBytes(one);
            byte[] joined = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(bytes, 0, joined, pending.length, bytes.length);
            try {
                CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(joined));
                out.add(chars.toString());
                pending = new byte[0];
            } catch (CharacterCodingException e) {
                // Part of a multi-byte character: wait for the token that completes it.
                pending = joined;
            }
        }
        if (pending.length > 0) {
            out.add(new String(pending, StandardCharsets.UTF_8));
        }
        return out;
    }
}
