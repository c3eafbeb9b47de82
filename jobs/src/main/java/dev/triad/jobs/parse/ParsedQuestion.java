package dev.triad.jobs.parse;

import dev.triad.schemas.Question;

/**
 * A question on its way from parsing to de-duplication, still carrying its input line, so that a
 * duplicate can become a dead letter with the input verbatim.
 *
 * @param question the mapped question
 * @param raw the input line exactly as read
 * @param source where it came from: {@code file:line}
 */
public record ParsedQuestion(Question question, String raw, String source) {}
