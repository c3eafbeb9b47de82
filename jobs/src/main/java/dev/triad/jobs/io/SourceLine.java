package dev.triad.jobs.io;

/**
 * One line of an input file with where it came from: the file's name and the line's 1-based number.
 * Dead letters cite {@link #source()}; mappings without an id field number questions by it.
 *
 * @param file the file's name (without its folder)
 * @param line the line number, from 1; blank lines are counted too, as editors count them
 * @param text the line exactly as read, without its line terminator ({@code \n} or {@code \r\n})
 */
public record SourceLine(String file, long line, String text) {

    /** Where the line came from, as dead letters cite it: {@code file:line}. */
    public String source() {
        return file + ":" + line;
    }
}
