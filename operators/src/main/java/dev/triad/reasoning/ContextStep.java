package dev.triad.reasoning;

/**
 * A (subquestion, answer) pair in the context the solver sees. {@code verified} is false for a step
 * kept after its regenerations ran out (on-regenerations-exhausted = KEEP_UNVERIFIED), and for
 * strategies without a verifier.
 */
public record ContextStep(String subquestion, String answer, boolean verified) {}
