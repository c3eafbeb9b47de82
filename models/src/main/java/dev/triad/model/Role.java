package dev.triad.model;

import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/** The three LM2 roles; each is bound to its own model. */
@PublicEvolving
public enum Role {
    DECOMPOSER,
    SOLVER,
    VERIFIER;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in options, results and metrics, e.g. {@code solver}. */
    public String key() {
        return key;
    }

    /**
     * Parses a role name.
     *
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.key().equalsIgnoreCase(text.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "Unknown role '" + text + "'; expected one of " + Arrays.toString(keys()));
    }

    private static String[] keys() {
        return Arrays.stream(values()).map(Role::key).toArray(String[]::new);
    }
}
