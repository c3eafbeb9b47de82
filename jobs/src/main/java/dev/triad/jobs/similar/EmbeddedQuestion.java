package dev.triad.jobs.similar;

import dev.triad.schemas.Question;

/**
 * A question with the embedding of its text, between {@link EmbedQuestionsFunction} and {@link
 * NearDuplicateFunction}.
 *
 * @param question the question
 * @param vector its text's unit-length embedding
 */
public record EmbeddedQuestion(Question question, float[] vector) {}
