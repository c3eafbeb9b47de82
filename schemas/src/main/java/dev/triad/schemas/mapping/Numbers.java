package dev.triad.schemas.mapping;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes numbers the one way Triad compares them: no thousands separators, no trailing zeros, no
 * exponent ({@code 1,234 -> 1234}, {@code 145.0 -> 145}, {@code 2.50 -> 2.5}, {@code .5 -> 0.5}).
 */
final class Numbers {

    // Digits with well-formed thousands commas, or plain digits; an optional fraction.
    private static final Pattern NUMBER =
            Pattern.compile("([+-]?)(\\d{1,3}(?:,\\d{3})+|\\d*)(\\.\\d+)?");

    private Numbers() {}

    /** The canonical text of a number written as text, or {@code null} when it is not one. */
    static String canonical(String text) {
        Matcher m = NUMBER.matcher(text.strip());
        if (!m.matches() || (m.group(2).isEmpty() && m.group(3) == null)) {
            return null;
        }
        String digits = m.group(2).isEmpty() ? "0" : m.group(2).replace(",", "");
        String fraction = m.group(3) == null ? "" : m.group(3);
        return canonical(new BigDecimal(m.group(1) + digits + fraction));
    }

    /** The canonical text of a number. */
    static String canonical(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() <= 0
                ? stripped.toBigInteger().toString()
                : stripped.toPlainString();
    }
}
