package dev.triad.model;

import java.util.Arrays;

/**
 * The template inputs a call can carry: the keys of the JSON object that is a call's built-in user
 * message, and the {@code {{key}}} placeholders of user-written prompts ({@code --prompts DIR}).
 * The protocol's vocabulary, shared by every strategy; a purpose names the ones it carries ({@link
 * CallPurpose#inputs()}).
 */
public enum CallInput {
    /** The question's text. */
    QUESTION("question"),
    /** The concepts the decomposer listed (a list of strings). */
    CONCEPTS("concepts"),
    /** The (subquestion, answer) pairs accepted so far: a list of {@code {subquestion, answer}}. */
    VERIFIED("verified"),
    /** The subquestion being answered or judged. */
    SUBQUESTION("subquestion"),
    /** The answer being judged. */
    ANSWER("answer"),
    /**
     * The rejected attempt, sent when a step is written again: {@code {subquestion, answer, class,
     * explanation}}.
     */
    FEEDBACK("feedback"),
    /**
     * Worked examples retrieved for the question ({@code run --demonstrations}), nearest first: a
     * list of {@code {question, steps, answer}}; absent without a demonstration pool.
     */
    DEMONSTRATIONS("demonstrations");

    private final String key;

    CallInput(String key) {
        this.key = key;
    }

    /** The input's key in the user message, e.g. {@code verified}. */
    public String key() {
        return key;
    }

    /**
     * The input called {@code key}.
     *
     * @throws IllegalArgumentException naming the key and the known ones
     */
    public static CallInput fromKey(String key) {
        for (CallInput input : values()) {
            if (input.key.equals(key)) {
                return input;
            }
        }
        throw new IllegalArgumentException(
                "Unknown call input '"
                        + key
                        + "'; known: "
                        + Arrays.stream(values()).map(CallInput::key).toList());
    }
}
