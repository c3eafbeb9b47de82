package dev.triad.reasoning;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A (subquestion, answer) pair in the context the solver sees. {@code verified} is false for a step
 * kept after its regenerations ran out (on-regenerations-exhausted = KEEP_UNVERIFIED), and for
 * strategies without a verifier.
 */
@PublicEvolving
public record ContextStep(String subquestion, String answer, boolean verified) {}
