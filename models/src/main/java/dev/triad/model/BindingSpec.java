package dev.triad.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A model binding spec as users write it, {@code scheme:target?key=value&key2=value2}: the one
 * parser and printer of the {@code openai:} and {@code langchain4j:} bindings (and any other with
 * parameters).
 *
 * <p>{@link #parse} splits the spec, lower-cases and trims the keys, trims the values, and refuses
 * a parameter the binding does not know, listing the known ones. The typed getters ({@link
 * #integer}, {@link #whole}, {@link #number}, {@link #duration}, {@link #bool}, {@link #choice})
 * return the fallback for an absent parameter and fail with a message that names the binding's
 * scheme, the parameter, the rule, the value given and an example of a valid one, e.g. {@code
 * openai: attempts must be a whole number, was 'many'; write e.g. attempts=5}.
 *
 * <p>{@link #builder} makes the canonical spec of a binding (the parameters that differ from the
 * defaults, in the binding's order); {@link #toString()} prints it with user info in URLs ({@code
 * //user:secret@host}) masked, so a binding's {@code describe()} is {@code toSpec().toString()}.
 * Two specs are equal when scheme, target and parameters (in order) are. Immutable and thread-safe.
 */
@PublicEvolving
public final class BindingSpec {

    private final String scheme;
    private final String target;
    private final Map<String, String> parameters;

    private BindingSpec(String scheme, String target, Map<String, String> parameters) {
        this.scheme = scheme;
        this.target = target;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Parses {@code spec}, with or without the leading {@code scheme:}.
     *
     * @param scheme the binding's scheme, e.g. {@code openai}
     * @param spec the spec, e.g. {@code http://h:8000/v1#m?attempts=3}
     * @param known the parameters the binding takes, in the order the error message lists them
     * @throws IllegalArgumentException for a parameter not in {@code known}, listing the known ones
     */
    public static BindingSpec parse(String scheme, String spec, List<String> known) {
        String text = spec == null ? "" : spec.trim();
        if (text.toLowerCase(Locale.ROOT).startsWith(scheme + ":")) {
            text = text.substring(scheme.length() + 1);
        }
        int q = text.indexOf('?');
        String query = q < 0 ? "" : text.substring(q + 1);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String param : query.split("&")) {
            if (param.isBlank()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : param.substring(eq + 1).trim();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown parameter '"
                                + key
                                + "'; "
                                + scheme
                                + ": bindings take "
                                + listed(known));
            }
            parameters.put(key, value);
        }
        return new BindingSpec(scheme, q < 0 ? text : text.substring(0, q), parameters);
    }

    /** Starts the canonical spec of a binding: {@code scheme:target}, parameters added in order. */
    public static Builder builder(String scheme, String target) {
        return new Builder(scheme, target);
    }

    /** The scheme, e.g. {@code openai}. */
    public String scheme() {
        return scheme;
    }

    /** What comes between {@code scheme:} and {@code ?}, e.g. a URL list or a provider. */
    public String target() {
        return target;
    }

    /** The parameters in the order given. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Whether {@code key} was given. */
    public boolean has(String key) {
        return parameters.containsKey(key);
    }

    /** The value of {@code key} as written, or {@code fallback}. */
    public String string(String key, String fallback) {
        return parameters.getOrDefault(key, fallback);
    }

    /** A whole number that fits an {@code int}. */
    public int integer(String key, int fallback) {
        return read(key, fallback, "a whole number", fallback, Integer::valueOf);
    }

    /** A whole number. */
    public long whole(String key, long fallback) {
        return read(key, fallback, "a whole number", fallback, Long::valueOf);
    }

    /** Any finite number. */
    public double number(String key, double fallback) {
        return read(key, fallback, "a number", fallback, BindingSpec::finite);
    }

    /**
     * A duration: a whole number and a unit, {@code 30s}, {@code 500ms}, {@code 2min}, {@code 1h}
     * (Flink's syntax: d, h, min or m, s, ms, us, ns and their long names; no unit is ms).
     */
    public Duration duration(String key, Duration fallback) {
        return read(
                key,
                fallback,
                "a duration such as 30s, 500ms or 2min",
                format(fallback),
                BindingSpec::parseDuration);
    }

    /**
     * {@code true} or {@code false} (any case), as the command line's own switches read them in a
     * spec; a binding parameter takes no {@code yes} or {@code no}, so a spec reads the same
     * everywhere it is pasted.
     */
    public boolean bool(String key, boolean fallback) {
        return read(key, fallback, "true or false", !fallback, BindingSpec::trueOrFalse);
    }

    /**
     * One of {@code choices} by its name ({@code name}, compared ignoring case).
     *
     * @throws IllegalArgumentException {@code key must be one of [a, b, c], was 'x'}
     */
    public <T> T choice(String key, T fallback, List<T> choices, Function<T, String> name) {
        List<String> names = new ArrayList<>(choices.size());
        choices.forEach(c -> names.add(name.apply(c)));
        return read(
                key,
                fallback,
                "one of " + names,
                name.apply(fallback),
                value -> {
                    for (T c : choices) {
                        if (name.apply(c).equalsIgnoreCase(value)) {
                            return c;
                        }
                    }
                    throw new IllegalArgumentException("not one of " + names);
                });
    }

    /**
     * The value of {@code key} read by {@code parse}, or {@code fallback} when absent; what {@code
     * parse} refuses (an {@link IllegalArgumentException}) fails naming the scheme, the key, the
     * rule, the value given and {@code example}.
     */
    private <T> T read(
            String key, T fallback, String rule, Object example, Function<String, T> parse) {
        String value = parameters.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    scheme
                            + ": "
                            + key
                            + " must be "
                            + rule
                            + ", was '"
                            + value
                            + "'; write e.g. "
                            + key
                            + "="
                            + example,
                    e);
        }
    }

    private static double finite(String text) {
        double n = Double.parseDouble(text);
        if (!Double.isFinite(n)) {
            throw new IllegalArgumentException("not finite");
        }
        return n;
    }

    /**
     * The one way Triad reads a boolean setting, in a binding or in {@code run}'s options: {@code
     * true} or {@code false}, in any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static boolean trueOrFalse(String text) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("neither true nor false");
        }
    }

    /** "a, b and c". */
    private static String listed(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1))
                + " and "
                + names.get(names.size() - 1);
    }

    /**
     * The spec as written: {@code scheme:target[?key=value&…]}, with user info in URLs replaced by
     * {@code ***}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(scheme).append(':').append(maskUserInfo(target));
        char sep = '?';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            out.append(sep).append(e.getKey()).append('=').append(maskUserInfo(e.getValue()));
            sep = '&';
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BindingSpec other
                && scheme.equals(other.scheme)
                && target.equals(other.target)
                && List.copyOf(parameters.entrySet())
                        .equals(List.copyOf(other.parameters.entrySet()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, target, List.copyOf(parameters.entrySet()));
    }

    /** User info in a URL is a password or a key: replaced by {@code ***}, never shown. */
    public static String maskUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    /**
     * A duration as {@link #duration} reads it back: {@code 2min}, {@code 30s} or {@code 500ms}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "min";
        }
        return ms != 0 && ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Flink's {@code TimeUtils.parseDuration} syntax, without Flink on the classpath. */
    static Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' does not start with a number");
        }
        long amount;
        try {
            amount = Long.parseLong(trimmed.substring(0, digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large", e);
        }
        String unit = trimmed.substring(digits).trim();
        try {
            switch (unit) {
                case "":
                case "ms":
                case "milli":
                case "millis":
                case "millisecond":
                case "milliseconds":
                    return Duration.ofMillis(amount);
                case "d":
                case "day":
                case "days":
                    return Duration.ofDays(amount);
                case "h":
                case "hour":
                case "hours":
                    return Duration.ofHours(amount);
                case "min":
                case "mins":
                case "m":
                case "minute":
                case "minutes":
                    return Duration.ofMinutes(amount);
                case "s":
                case "sec":
                case "secs":
                case "second":
                case "seconds":
                    return Duration.ofSeconds(amount);
                case "us":
                case "µs":
                case "micro":
                case "micros":
                case "microsecond":
                case "microseconds":
                    return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
                case "ns":
                case "nano":
                case "nanos":
                case "nanosecond":
                case "nanoseconds":
                    return Duration.ofNanos(amount);
                default:
                    throw new IllegalArgumentException("unknown unit '" + unit + "'");
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large", e);
        }
    }

    /** Builds the canonical spec of a binding; not thread-safe. */
    @PublicEvolving
    public static final class Builder {
        private final String scheme;
        private final String target;
        private final Map<String, String> parameters = new LinkedHashMap<>();

        Builder(String scheme, String target) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Adds {@code key=value}; a {@link Duration} is written as {@link #format} does. */
        public Builder param(String key, Object value) {
            parameters.put(key, value instanceof Duration d ? format(d) : String.valueOf(value));
            return this;
        }

        /** Adds {@code key=value} when it differs from the default. */
        public Builder paramUnlessDefault(String key, Object value, Object defaultValue) {
            return Objects.equals(value, defaultValue) ? this : param(key, value);
        }

        public BindingSpec build() {
            return new BindingSpec(scheme, target, new LinkedHashMap<>(parameters));
        }
    }
}
