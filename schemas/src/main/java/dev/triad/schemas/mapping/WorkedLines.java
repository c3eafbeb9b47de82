package dev.triad.schemas.mapping;

import java.util.regex.Pattern;

/** Cleans one line of a worked solution (GSM8K style) for the {@code lines} gold-steps format. */
final class WorkedLines {

    /** A calculator annotation, {@code <<48/2=24>>}: the line already shows its result. */
    private static final Pattern ANNOTATION = Pattern.compile("<<[^<>]*>>");

    private WorkedLines() {}

    /** The line without calculator annotations, spaces collapsed, stripped. */
    static String clean(String line) {
        return ANNOTATION.matcher(line).replaceAll("").replaceAll("[ \\t]+", " ").strip();
    }
}
