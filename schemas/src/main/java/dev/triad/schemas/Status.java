package dev.triad.schemas;

/** How a (question, strategy) ended: the {@code status} field of a {@link Result}. */
public enum Status {
    /** A final answer was produced (it may still be wrong; see {@link Result#correct()}). */
    SOLVED,
    /**
     * The strategy gave up by its own rules (e.g. regenerations ran out); {@code reason} says why.
     */
    UNSOLVED,
    /** The question could not be processed (deadline, unparsable replies, model errors). */
    FAILED
}
