package dev.triad.jobs.similar;

import dev.triad.schemas.Question;

/**
 * A question read from an input file, with where it was read.
 *
 * @param question the mapped question
 * @param file the file's name
 * @param line the 1-based line number
 */
public record InputQuestion(Question question, String file, long line) {}
