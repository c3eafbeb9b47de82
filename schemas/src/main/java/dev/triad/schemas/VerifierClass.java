package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The verifier's nine classes from LM2 (Juneja et al., 2024, Sec. 3.4). Serialised in snake case,
 * e.g. {@code conceptual_mistake}; parsing also accepts spaces, hyphens and any letter case, so a
 * model writing "Conceptual mistake" is understood.
 */
public enum VerifierClass {
    CONCEPTUAL_MISTAKE,
    COMPUTATIONAL_MISTAKE,
    PROCEDURAL_MISTAKE,
    MISUNDERSTOOD_QUESTION,
    FIRST_STEP_MISTAKE,
    FIRST_HALF_MISTAKE,
    SECOND_HALF_MISTAKE,
    LAST_STEP_MISTAKE,
    NO_MISTAKE;

    private static final Map<String, VerifierClass> BY_WIRE_NAME =
            Arrays.stream(values())
                    .collect(Collectors.toUnmodifiableMap(VerifierClass::wireName, c -> c));

    /** The wire name, e.g. {@code first_step_mistake}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a class name as a model may write it.
     *
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    @JsonCreator
    public static VerifierClass parse(String text) {
        VerifierClass exact = text == null ? null : BY_WIRE_NAME.get(text);
        if (exact != null) {
            return exact; // the common case: the wire name as asked for
        }
        if (text != null) {
            String key =
                    text.trim()
                            .toUpperCase(Locale.ROOT)
                            .replaceAll("[^A-Z]+", "_")
                            .replaceAll("^_|_$", "");
            for (VerifierClass c : values()) {
                if (c.name().equals(key)) {
                    return c;
                }
            }
            // "mistake in the first step" and similar word orders.
            for (VerifierClass c : values()) {
                if (normalisedWords(c).equals(sortedWords(key))) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException(
                "Unknown verifier class '"
                        + text
                        + "'; expected one of "
                        + Arrays.stream(values())
                                .map(VerifierClass::wireName)
                                .collect(Collectors.joining(", ")));
    }

    private static String normalisedWords(VerifierClass c) {
        return sortedWords(c.name());
    }

    private static String sortedWords(String key) {
        return Arrays.stream(key.split("_"))
                .filter(w -> !w.isEmpty() && !w.equals("IN") && !w.equals("THE"))
                .sorted()
                .collect(Collectors.joining("_"));
    }
}
