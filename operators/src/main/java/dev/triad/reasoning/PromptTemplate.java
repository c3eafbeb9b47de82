package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.schemas.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user-written template of a {@link PromptSet}: text with {@code {{name}}} placeholders for a
 * call's inputs, parsed once into literal parts and placeholders.
 *
 * <p>A placeholder becomes the input's value: a string as it is, a number or boolean as written, a
 * list or object (e.g. {@code verified}, {@code concepts}) as compact JSON, an input the call does
 * not carry this time (e.g. {@code feedback} on a first attempt) as nothing. {@code {{inputs}}} is
 * all of the call's inputs as one JSON object, the built-in user message. Immutable and
 * thread-safe.
 *
 * <p>{@code {{demonstrations}}} (the worked examples of {@code run --demonstrations}) is text, not
 * JSON: each example as {@code Example N:}, {@code Problem: ...}, {@code Steps:} with one numbered
 * line per step, and {@code Answer: ...}, examples separated by a blank line ({@link
 * #demonstrationText}); nothing when the question has none.
 */
final class PromptTemplate {

    /** The placeholder for every input of the call as one JSON object. */
    static final String ALL_INPUTS = "inputs";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    /** Literal text (a {@link String}) and placeholders (a {@link Placeholder}), in order. */
    private final List<Object> parts;

    private record Placeholder(String name) {}

    private PromptTemplate(List<Object> parts) {
        this.parts = parts;
    }

    /**
     * Parses {@code text}.
     *
     * @param known the placeholder names the template may use (besides {@value #ALL_INPUTS})
     * @throws IllegalArgumentException naming the first unknown or malformed placeholder, its line,
     *     and the names that may be used
     */
    static PromptTemplate parse(String text, Set<String> known) {
        List<Object> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            String name = m.group(1);
            if (!name.equals(ALL_INPUTS) && !known.contains(name)) {
                throw new IllegalArgumentException(
                        "line "
                                + line(text, m.start())
                                + ": unknown placeholder {{"
                                + name
                                + "}}; this call's inputs are "
                                + known.stream().map(k -> "{{" + k + "}}").toList()
                                + " (and {{"
                                + ALL_INPUTS
                                + "}} for all of them as one JSON object)");
            }
            if (m.start() > at) {
                parts.add(text.substring(at, m.start()));
            }
            parts.add(new Placeholder(name));
            at = m.end();
        }
        String rest = text.substring(at);
        int open = rest.indexOf("{{");
        if (open >= 0) {
            throw new IllegalArgumentException(
                    "line "
                            + line(text, at + open)
                            + ": '{{' is not closed by '}}'; write a placeholder as {{question}}");
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return new PromptTemplate(List.copyOf(parts));
    }

    /** The text with every placeholder replaced by its input from {@code inputs}. */
    String render(Map<String, Object> inputs) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Placeholder p) {
                out.append(value(p.name(), inputs));
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    /** Whether {@code text} has the placeholder {@code {{name}}}. */
    static boolean uses(String text, String name) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String value(String name, Map<String, Object> inputs) {
        if (name.equals(ALL_INPUTS)) {
            return Json.write(inputs);
        }
        Object value = inputs.get(name);
        if (value == null) {
            return "";
        }
        if (name.equals(CallInput.DEMONSTRATIONS.key()) && value instanceof List<?> examples) {
            return demonstrationText(examples);
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return Json.write(value);
    }

    /** The worked examples as text, for {@code {{demonstrations}}}. */
    static String demonstrationText(List<?> examples) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (Object e : examples) {
            Map<?, ?> example = (Map<?, ?>) e;
            if (n > 0) {
                out.append("\n\n");
            }
            n++;
            out.append("Example ").append(n).append(":\nProblem: ").append(example.get("question"));
            out.append("\nSteps:");
            int i = 0;
            for (Object step : (List<?>) example.get("steps")) {
                out.append("\n").append(++i).append(". ").append(step);
            }
            if (example.get("answer") != null) {
                out.append("\nAnswer: ").append(example.get("answer"));
            }
        }
        return out.toString();
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
