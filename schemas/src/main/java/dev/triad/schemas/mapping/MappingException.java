package dev.triad.schemas.mapping;

import java.util.Objects;

/**
 * An input line that could not become a {@link dev.triad.schemas.Question}. The message says what
 * was wrong, in which file and line, and what to do; {@link #stage()} says where it failed and is
 * what a {@link dev.triad.schemas.DeadLetter} records.
 */
public final class MappingException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The line is not one JSON object. */
    public static final String PARSE = "parse";

    /** The JSON is fine, but a field the mapping needs is missing, empty or unusable. */
    public static final String MAP = "map";

    private final String stage;

    /**
     * @param stage {@link #PARSE} or {@link #MAP}
     * @param message what was wrong, with which input, and what to do
     */
    public MappingException(String stage, String message) {
        super(message);
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /** {@code parse} for malformed JSON, {@code map} for missing, empty or unusable fields. */
    public String stage() {
        return stage;
    }
}
