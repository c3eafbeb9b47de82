package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.model.Role;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-role values of an option written {@code ROLE=VALUE} ({@code --replicas solver=4}, {@code
 * --slots all=16}): ROLE is {@code decomposer}, {@code solver}, {@code verifier} or {@code all};
 * {@code all=} applies first and entries for one role override it, whatever their order.
 */
final class RoleValues {

    private static final String ALL = "all";

    private RoleValues() {}

    /** How a value is read; throws {@link IllegalArgumentException} with the rule it broke. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String value);
    }

    /**
     * The value per role; roles no entry names are absent.
     *
     * @param option the option's name for messages, e.g. {@code --replicas}
     * @param example an entry to suggest, e.g. {@code solver=4}
     * @throws UsageException naming the entry, what is wrong and the form to use
     */
    static <T> Map<Role, T> parse(
            String option, String example, List<String> entries, Parser<T> parser)
            throws UsageException {
        Map<String, T> perRole = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new UsageException(
                        option
                                + " '"
                                + entry
                                + "' is not ROLE=VALUE. Write e.g. "
                                + option
                                + " "
                                + example
                                + "; ROLE is decomposer, solver, verifier or all.");
            }
            String role = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!role.equals(ALL)) {
                try {
                    Role.parse(role);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(
                            option
                                    + " '"
                                    + entry
                                    + "': unknown role '"
                                    + role
                                    + "'. ROLE is decomposer, solver, verifier or all.");
                }
            }
            String value = entry.substring(eq + 1).trim();
            try {
                perRole.put(role, parser.parse(value));
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        option + " '" + entry + "': " + e.getMessage() + ". E.g. " + example + ".",
                        e);
            }
        }
        Map<Role, T> values = new EnumMap<>(Role.class);
        T all = perRole.remove(ALL);
        if (all != null) {
            for (Role role : Role.values()) {
                values.put(role, all);
            }
        }
        perRole.forEach((role, value) -> values.put(Role.parse(role), value));
        return values;
    }

    /** An integer of at least {@code min}. */
    static Parser<Integer> atLeast(int min) {
        return value -> {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a whole number");
            }
            if (n < min) {
                throw new IllegalArgumentException(value + " is below " + min);
            }
            return n;
        };
    }

    /** A finite number of at least {@code min}. */
    static Parser<Double> numberAtLeast(double min) {
        return value -> {
            double n;
            try {
                n = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a number");
            }
            if (!(n >= min) || Double.isInfinite(n)) {
                throw new IllegalArgumentException(
                        value + " is not a number of " + min + " or more");
            }
            return n;
        };
    }
}
