package dev.triad.jobs.similar;

import java.util.Locale;

/** What {@code triad run --near-duplicates} does with a question close to one seen before. */
public enum NearDuplicatePolicy {
    /** Nothing: questions are not embedded. */
    OFF,
    /**
     * Run it, with {@code near_duplicate_of} (the earlier question's id) and {@code
     * near_duplicate_score} (their cosine similarity) in its metadata, which its results carry.
     */
    MARK,
    /** Do not run it: it becomes a dead letter of stage {@code near-duplicate}. */
    DROP;

    /** The lowercase name used on the command line. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
