package dev.triad.reasoning;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Normalises final answers and compares them with gold answers: enough for numeric word problems
 * (thousands separators, currency signs, units after the number, {@code \boxed{}}, trailing zeros).
 * Symbolic MATH answers fall back to comparing normalised text.
 */
public final class Answers {

    private Answers() {}

    /** The answer in canonical form: {@code "$1,234.50 dollars"} becomes {@code 1234.5}. */
    public static String normalize(String answer) {
        if (answer == null) {
            return null;
        }
        String text = answer.trim();
        int boxed = text.lastIndexOf("\\boxed{");
        if (boxed >= 0) {
            int end = text.lastIndexOf('}');
            if (end > boxed) {
                text = text.substring(boxed + "\\boxed{".length(), end);
            }
        }
        text = text.replace("$", "").replace("\\", "").trim();
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        BigDecimal number = leadingNumber(text);
        if (number != null) {
            return number.stripTrailingZeros().toPlainString();
        }
        return text.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code answer} matches {@code gold} after normalisation; false when either is null.
     */
    public static boolean matches(String answer, String gold) {
        if (answer == null || gold == null) {
            return false;
        }
        return normalize(answer).equals(normalize(gold));
    }

    /** The number the text starts with ({@code "1,234 apples"} gives 1234), or null. */
    private static BigDecimal leadingNumber(String text) {
        StringBuilder digits = new StringBuilder();
        int i = 0;
        if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            digits.append(text.charAt(i++));
        }
        boolean seenDigit = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isDigit(c)) {
                digits.append(c);
                seenDigit = true;
            } else if (c == ',' && seenDigit) {
                continue;
            } else if (c == '.') {
                digits.append(c);
            } else {
                break;
            }
        }
        if (!seenDigit) {
            return null;
        }
        String rest = text.substring(i).trim();
        // "3/4" or "2x" are not plain numbers; units ("dollars", "%") are fine.
        if (!rest.isEmpty() && !Character.isLetter(rest.charAt(0)) && rest.charAt(0) != '%') {
            return null;
        }
        try {
            return new BigDecimal(digits.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
