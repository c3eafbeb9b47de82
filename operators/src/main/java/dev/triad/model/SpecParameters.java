package dev.triad.model;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.apache.flink.util.TimeUtils;

/**
 * Reads the {@code ?key=value&…} part of a model binding spec ({@code openai:…}, {@code
 * langchain4j:…}): keys are lower-cased and trimmed, and typed values fail with a message naming
 * the key, the rule and the value given.
 */
public final class SpecParameters {

    private SpecParameters() {}

    /**
     * Calls {@code apply(key, value)} for each parameter of {@code query} (null or blank: none).
     */
    public static void forEach(String query, BiConsumer<String, String> apply) {
        if (query == null || query.isBlank()) {
            return;
        }
        for (String param : query.split("&")) {
            if (param.isBlank()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : param.substring(eq + 1).trim();
            apply.accept(key, value);
        }
    }

    /** A whole number that fits an {@code int}. */
    public static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw wholeNumberExpected(key, value, e);
        }
    }

    /** A whole number. */
    public static long whole(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw wholeNumberExpected(key, value, e);
        }
    }

    /** Any number. */
    public static double number(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + value + "'", e);
        }
    }

    /** A duration in Flink's syntax: {@code 30s}, {@code 500ms}, {@code 2min}. */
    public static Duration duration(String key, String value) {
        try {
            return TimeUtils.parseDuration(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    key + " must be a duration such as 30s, 500ms or 2min, was '" + value + "'", e);
        }
    }

    /** User info in a URL is a password or a key: replaced by {@code ***}, never shown. */
    public static String maskUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    private static IllegalArgumentException wholeNumberExpected(
            String key, String value, NumberFormatException cause) {
        return new IllegalArgumentException(
                key + " must be a whole number, was '" + value + "'", cause);
    }
}
