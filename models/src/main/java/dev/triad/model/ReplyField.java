package dev.triad.model;

import java.util.Arrays;

/**
 * The fields a reply can be asked for: the protocol's vocabulary for the JSON object a model writes
 * back, shared by every strategy; a purpose names the ones it asks for ({@link
 * CallPurpose#replyFields()}).
 */
public enum ReplyField {
    /** The concepts the problem needs: a list of strings. */
    CONCEPTS("concepts"),
    /** The next subquestion. */
    SUBQUESTION("subquestion"),
    /** {@code true} when no further subquestion is needed. */
    DONE("done"),
    /** Every subquestion of a plan, in order: a list of strings. */
    SUBQUESTIONS("subquestions"),
    /** The working that leads to the answer (precedes it). */
    REASONING("reasoning"),
    /** The answer. */
    ANSWER("answer"),
    /** Why a verdict was given (precedes the class). */
    EXPLANATION("explanation"),
    /** One of LM2's nine verifier classes, e.g. {@code no_mistake}. */
    CLASS("class");

    private final String key;

    ReplyField(String key) {
        this.key = key;
    }

    /** The field's name in the reply's JSON object. */
    public String key() {
        return key;
    }

    /**
     * The field called {@code key}.
     *
     * @throws IllegalArgumentException naming the key and the known ones
     */
    public static ReplyField fromKey(String key) {
        for (ReplyField field : values()) {
            if (field.key.equals(key)) {
                return field;
            }
        }
        throw new IllegalArgumentException(
                "Unknown reply field '"
                        + key
                        + "'; known: "
                        + Arrays.stream(values()).map(ReplyField::key).toList());
    }
}
