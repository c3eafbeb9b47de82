package dev.triad.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a model's free-text reply, trying in order: the last complete {@code
 * \boxed{...}} or {@code \fbox{...}} (balanced braces, so {@code \boxed{\frac{1}{2}}} gives {@code
 * \frac{1}{2}}); the line after the last GSM8K-style {@code ####}; what follows the last "answer
 * is" / "answer:" (a {@code $...$} span, a number, or the rest of the sentence); the last number in
 * the text. Null when none of them finds anything.
 */
final class AnswerExtractor {

    private static final String[] BOX_COMMANDS = {"\\boxed", "\\fbox"};

    private static final Pattern ANSWER_PHRASE =
            Pattern.compile("(?i)\\banswer\\s*(?:is|was|:|=)\\s*[:=]?\\s*");

    /**
     * A number as models write it: sign (not when it is a binary minus), thousands commas,
     * decimals, a leading-dot decimal, a plain fraction.
     */
    static final Pattern NUMBER =
            Pattern.compile(
                    "(?<![\\w.)\\]}])-?(?:(?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+)(?:\\.\\d+)?|\\.\\d+)"
                            + "(?:/\\d+(?:\\.\\d+)?)?");

    private static final Pattern PROSE_WORD = Pattern.compile("(?<![\\\\a-zA-Z])[a-zA-Z]{3,}");
    private static final Pattern ENVIRONMENT = Pattern.compile("\\\\(?:begin|end)\\{[^}]*}");
    private static final Pattern FEW_WORDS = Pattern.compile("[A-Za-z]+(?: [A-Za-z]+){0,2}");

    private AnswerExtractor() {}

    static String extract(String reply) {
        if (reply == null) {
            return null;
        }
        String text = reply.replace('\u2212', '-');
        String found = nonBlank(lastBoxed(text));
        if (found == null) {
            found = afterLastMarker(text);
        }
        if (found == null) {
            found = afterAnswerPhrase(text);
        }
        if (found == null) {
            found = lastNumber(text);
        }
        return found;
    }

    /**
     * The content of the last complete {@code \boxed{...}} or {@code \fbox{...}}, stripped (empty
     * for an empty box), or null when there is none.
     */
    static String lastBoxed(String text) {
        int from = text.length();
        while (true) {
            int at = -1;
            String command = null;
            for (String c : BOX_COMMANDS) {
                int i = text.lastIndexOf(c, from);
                if (i > at) {
                    at = i;
                    command = c;
                }
            }
            if (at < 0) {
                return null;
            }
            int start = Latex.skipSpaces(text, at + command.length());
            if (start < text.length() && text.charAt(start) == '{') {
                int end = Latex.matchingBrace(text, start);
                if (end > 0) {
                    return text.substring(start + 1, end).strip();
                }
            } else if (start > at + command.length()) {
                // "\boxed 5": TeX takes the next token.
                int end = start;
                while (end < text.length()
                        && !Character.isWhitespace(text.charAt(end))
                        && text.charAt(end) != '$') {
                    end++;
                }
                if (end > start) {
                    return text.substring(start, end);
                }
            }
            from = at - 1;
            if (from < 0) {
                return null;
            }
        }
    }

    private static String afterLastMarker(String text) {
        int at = text.lastIndexOf("####");
        if (at < 0) {
            return null;
        }
        String rest = text.substring(at + 4);
        int newline = rest.indexOf('\n');
        return nonBlank(newline < 0 ? rest : rest.substring(0, newline));
    }

    /**
     * What follows the last "answer is" / "answer:" that reads like an answer (not "the answer is
     * derived from 3 numbers"): a math span, a number, or the rest of the sentence.
     */
    private static String afterAnswerPhrase(String text) {
        Matcher m = ANSWER_PHRASE.matcher(text);
        List<Integer> ends = new ArrayList<>();
        while (m.find()) {
            ends.add(m.end());
        }
        for (int k = ends.size() - 1; k >= 0; k--) {
            String candidate = answerAt(text.substring(ends.get(k)));
            if (candidate != null && looksLikeAnswer(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String answerAt(String after) {
        String rest = after.replaceFirst("^\\*+\\s*", "");
        String math = mathSpan(rest);
        if (math != null) {
            return nonBlank(math);
        }
        String sentence = sentence(rest).replaceAll("\\*+$", "").strip();
        String amount = sentence.replaceFirst("^\\\\?\\$(?=-?[\\d.])", "");
        Matcher number = NUMBER.matcher(amount);
        if (number.lookingAt()
                && (number.end() == amount.length()
                        || " ,;!?%)".indexOf(amount.charAt(number.end())) >= 0)) {
            return number.group();
        }
        return nonBlank(sentence);
    }

    /** No words left after cleaning, or a few words and nothing else ("Evelyn", "odd"). */
    private static boolean looksLikeAnswer(String candidate) {
        String cleaned = ENVIRONMENT.matcher(LatexCleaner.clean(candidate)).replaceAll("");
        return !PROSE_WORD.matcher(cleaned).find() || FEW_WORDS.matcher(cleaned).matches();
    }

    /** The content of the {@code $...$}, {@code $$...$$}, {@code \(...\)} the text starts with. */
    private static String mathSpan(String text) {
        String[][] delimiters = {{"$$", "$$"}, {"$", "$"}, {"\\(", "\\)"}, {"\\[", "\\]"}};
        for (String[] d : delimiters) {
            if (text.startsWith(d[0])) {
                int close = text.indexOf(d[1], d[0].length());
                while (close > 0 && text.charAt(close - 1) == '\\' && d[1].equals("$")) {
                    close = text.indexOf(d[1], close + 1);
                }
                return close < 0 ? null : text.substring(d[0].length(), close);
            }
        }
        return null;
    }

    /** The text up to the first line break or sentence-ending period, without that period. */
    private static String sentence(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return text.substring(0, i);
            }
            if (c == '.'
                    && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
                return text.substring(0, i);
            }
        }
        return text;
    }

    private static String lastNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        return last;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
