package dev.triad.scoring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites one answer into compact canonical text before it is parsed: the last {@code \boxed{}}
 * unwrapped, a leading "The answer is" dropped, math delimiters, {@code \$}, {@code \%}, degree
 * signs, {@code \left}/{@code \right}, LaTeX spacing ({@code \!}, {@code \,}, ...), unit words
 * ({@code 18 dollars}, {@code 5.4 \text{ cents}}, {@code 15\mbox{ cm}^2}) and trailing periods
 * removed, {@code \dfrac}/{@code \tfrac} spelled {@code \frac}, shorthand arguments braced ({@code
 * \frac12} is {@code \frac{1}{2}}, {@code \sqrt2} is {@code \sqrt{2}}, {@code x^{2}} is {@code
 * x^2}), thousands commas removed from a lone number ({@code 1,234}, {@code 10,\!080}), and
 * whitespace removed except between two letters.
 */
final class LatexCleaner {

    private static final Pattern LEADING_PHRASE =
            Pattern.compile("(?i)^(?:the\\s+)?(?:final\\s+)?answer\\b\\s*(?:is\\b)?\\s*[:=]?\\s*");
    private static final Pattern DELIMITERS = Pattern.compile("(?<!\\\\)\\\\[()\\[\\]]|\\$");
    private static final Pattern THIN_THOUSANDS = Pattern.compile("(?<=\\d),\\\\!\\s*(?=\\d{3})");
    private static final Pattern SPACING =
            Pattern.compile("(?<!\\\\)\\\\(?:[!,;: >]|q?quad(?![a-zA-Z]))|~");
    private static final Pattern SIZING =
            Pattern.compile("\\\\(?:left|right|[bB]igg?[lr]?)(?![a-zA-Z])\\s*\\.?");
    private static final Pattern DEGREES =
            Pattern.compile(
                    "\\^\\s*\\{?\\s*\\\\circ(?:\\s*})?|\\\\circ(?![a-zA-Z])|\\\\degree(?![a-zA-Z])");
    private static final Pattern PERCENT = Pattern.compile("\\\\?%");
    private static final Pattern TEXT_COMMAND =
            Pattern.compile("\\\\(text|textrm|textnormal|textbf|textit|mbox|mathrm|mathbf)\\s*\\{");
    private static final Pattern UNIT_WORDS = Pattern.compile("[A-Za-z][A-Za-z ./]*");
    private static final Pattern UNIT_POWER = Pattern.compile("^\\s*\\^\\s*\\{?\\s*[23](?:\\s*})?");
    private static final Pattern ENDS_LIKE_NUMBER =
            Pattern.compile("(?:[\\d})\\]]|\\\\[a-zA-Z]+)$");
    private static final Pattern TRAILING_UNITS =
            Pattern.compile(
                    "^(.*?(?:[\\d})\\]]|\\\\[a-zA-Z]+))(?:\\s+(?!pi\\b)[A-Za-z]{2,}(?:/[A-Za-z]+)?\\.?)+"
                            + "(?:\\s*\\^\\s*\\{?[23]}?)?$",
                    Pattern.DOTALL);
    private static final Pattern THOUSANDS =
            Pattern.compile("[-+]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    /** Longest text cleaned; a longer one is cut to its last this many characters. */
    static final int MAX_LENGTH = 2000;

    private LatexCleaner() {}

    /** The compact canonical text of {@code answer}; empty when nothing is left. */
    static String clean(String answer) {
        String s = answer.strip();
        if (s.length() > MAX_LENGTH) {
            // A whole reply, not an answer: keep its end, where the answer is.
            s = s.substring(s.length() - MAX_LENGTH);
        }
        String boxed = AnswerExtractor.lastBoxed(s);
        if (boxed != null) {
            s = boxed;
        }
        s =
                s.replace('\u2212', '-')
                        .replace('\u00a0', ' ')
                        .replace("\u00b0", "")
                        .replace("\u03c0", "\\pi ")
                        .replace("\u00d7", "\\times ")
                        .replace("\u00f7", "\\div ")
                        .replace("\u00b7", "\\cdot ")
                        .replace("**", "");
        s = LEADING_PHRASE.matcher(s).replaceFirst("");
        s = s.replace("\\$", "");
        s = DELIMITERS.matcher(s).replaceAll("");
        s = THIN_THOUSANDS.matcher(s).replaceAll("");
        s = SPACING.matcher(s).replaceAll(" ");
        s =
                s.replace("\\dfrac", "\\frac")
                        .replace("\\tfrac", "\\frac")
                        .replace("\\cfrac", "\\frac");
        s = SIZING.matcher(s).replaceAll("");
        s = s.replace("\\displaystyle", "");
        s = DEGREES.matcher(s).replaceAll(" ");
        s = PERCENT.matcher(s).replaceAll("");
        s = textCommands(s);
        s = stripTrailingPeriods(s);
        Matcher units = TRAILING_UNITS.matcher(s);
        if (units.matches()) {
            s = stripTrailingPeriods(units.group(1));
        }
        if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        s = rebrace(s);
        return compact(s);
    }

    /**
     * Unwraps {@code \text{...}} and its kin; removes them instead (with a following {@code ^2} or
     * {@code ^3}) where they hold unit words after a number: {@code 5.4 \text{ cents}}.
     */
    private static String textCommands(String text) {
        String s = text;
        Matcher m = TEXT_COMMAND.matcher(s);
        int from = 0;
        while (m.find(from)) {
            int open = m.end() - 1;
            int close = Latex.matchingBrace(s, open);
            if (close < 0) {
                break;
            }
            String content = s.substring(open + 1, close).strip();
            String before = s.substring(0, m.start()).strip();
            String after = s.substring(close + 1);
            boolean unit =
                    !m.group(1).startsWith("math")
                            && UNIT_WORDS.matcher(content).matches()
                            && ENDS_LIKE_NUMBER.matcher(before).find();
            if (unit) {
                after = UNIT_POWER.matcher(after).replaceFirst("");
                s = s.substring(0, m.start()) + " " + after;
                from = m.start();
            } else {
                s = s.substring(0, m.start()) + content + after;
                from = m.start() + content.length();
            }
            m = TEXT_COMMAND.matcher(s);
        }
        return s;
    }

    private static String stripTrailingPeriods(String text) {
        String s = text.strip();
        while (s.endsWith(".") && !s.endsWith("\\.")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    /**
     * Braces the arguments of {@code \frac} and {@code \sqrt} written without braces, and drops
     * braces around a one-character exponent or subscript, so that equal answers read the same.
     */
    static String rebrace(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && Latex.isLetter(s.charAt(i + 1))) {
                int end = Latex.nameEnd(s, i + 1);
                String name = s.substring(i + 1, end);
                out.append('\\').append(name);
                i = end;
                int arguments = name.equals("frac") ? 2 : name.equals("sqrt") ? 1 : 0;
                if (arguments == 1) {
                    int j = Latex.skipSpaces(s, i);
                    if (j < s.length() && s.charAt(j) == '[') {
                        int close = s.indexOf(']', j);
                        if (close > 0) {
                            out.append('[').append(rebrace(s.substring(j + 1, close))).append(']');
                            i = close + 1;
                        }
                    }
                }
                for (int k = 0; k < arguments; k++) {
                    int j = Latex.skipSpaces(s, i);
                    int end2 = argumentEnd(s, j);
                    if (end2 < 0) {
                        break;
                    }
                    String arg =
                            s.charAt(j) == '{'
                                    ? s.substring(j + 1, end2 - 1)
                                    : s.substring(j, end2);
                    out.append('{').append(rebrace(arg)).append('}');
                    i = end2;
                }
            } else if (c == '\\' && i + 1 < s.length()) {
                out.append(c).append(s.charAt(i + 1));
                i += 2;
            } else if ((c == '^' || c == '_') && i + 1 < s.length()) {
                out.append(c);
                int j = Latex.skipSpaces(s, i + 1);
                if (j < s.length() && s.charAt(j) == '{') {
                    int close = Latex.matchingBrace(s, j);
                    if (close < 0) {
                        i = j;
                        continue;
                    }
                    String inner = rebrace(s.substring(j + 1, close)).strip();
                    out.append(inner.length() == 1 ? inner : "{" + inner + "}");
                    i = close + 1;
                } else {
                    i = j;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** End (exclusive) of the TeX argument starting at {@code at}: a group, command or char. */
    private static int argumentEnd(String s, int at) {
        if (at >= s.length()) {
            return -1;
        }
        char c = s.charAt(at);
        if (c == '{') {
            int close = Latex.matchingBrace(s, at);
            return close < 0 ? -1 : close + 1;
        }
        if (c == '}') {
            return -1;
        }
        if (c == '\\' && at + 1 < s.length()) {
            return Latex.isLetter(s.charAt(at + 1)) ? Latex.nameEnd(s, at + 1) : at + 2;
        }
        return at + 1;
    }

    /** Removes whitespace, keeping one space only between two letters ({@code \cot x}). */
    private static String compact(String s) {
        String collapsed = SPACE.matcher(s.strip()).replaceAll(" ");
        StringBuilder out = new StringBuilder(collapsed.length());
        for (int i = 0; i < collapsed.length(); i++) {
            char c = collapsed.charAt(i);
            if (c == ' '
                    && !(i > 0
                            && Latex.isLetter(collapsed.charAt(i - 1))
                            && i + 1 < collapsed.length()
                            && Latex.isLetter(collapsed.charAt(i + 1)))) {
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
