package dev.triad.scoring;

/** Brace scanning shared by extraction and cleaning; escaped characters never count. */
final class Latex {

    private Latex() {}

    /**
     * Index of the {@code '}'} closing the {@code '{'} at {@code open}, or -1 when the text ends
     * first. Escaped characters ({@code \{}, {@code \}}, {@code \\}) are skipped.
     */
    static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The first index at or after {@code from} that is not whitespace. */
    static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The end (exclusive) of the letters of a command name starting at {@code from}. */
    static int nameEnd(String text, int from) {
        int i = from;
        while (i < text.length() && isLetter(text.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
