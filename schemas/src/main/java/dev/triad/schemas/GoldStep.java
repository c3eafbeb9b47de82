package dev.triad.schemas;

/**
 * One step of a gold decomposition: a subquestion and its answer. Present on generated problems and
 * on GSM8K's socratic split; simulated models use them as an oracle.
 */
public record GoldStep(String subquestion, String answer) {}
