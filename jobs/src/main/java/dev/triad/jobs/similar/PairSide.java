package dev.triad.jobs.similar;

/**
 * One question of a similar pair, as reports show it.
 *
 * @param id the question's id
 * @param file the file it was read from
 * @param line its 1-based line number there
 * @param text the question's text
 */
public record PairSide(String id, String file, long line, String text) {

    static PairSide of(InputQuestion q) {
        return new PairSide(q.question().id(), q.file(), q.line(), q.question().text());
    }
}
