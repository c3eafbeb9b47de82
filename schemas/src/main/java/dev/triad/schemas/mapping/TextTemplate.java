package dev.triad.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a question's text is built from a record: a template such as {@code "{Body} {Question}"}
 * whose {@code {field}} placeholders are replaced by the fields' values; {@code {{} and {@code }}}
 * stand for literal braces. String fields are used as written, numbers canonically.
 */
final class TextTemplate implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String template;

    /** The text before, between and after the placeholders: one more than {@link #fields}. */
    private final List<String> literals;

    private final List<String> fields;

    private TextTemplate(String template, List<String> literals, List<String> fields) {
        this.template = template;
        this.literals = List.copyOf(literals);
        this.fields = List.copyOf(fields);
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the template and the rule it breaks
     */
    static TextTemplate parse(String template) {
        List<String> literals = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}')
                    && i + 1 < template.length()
                    && template.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '{') {
                int close = template.indexOf('}', i);
                String name = close < 0 ? null : template.substring(i + 1, close);
                if (name == null || name.isEmpty() || name.indexOf('{') >= 0) {
                    throw new IllegalArgumentException(
                            "text template '"
                                    + template
                                    + "' has a '{' at position "
                                    + i
                                    + " that does not start a {field} placeholder; write {{"
                                    + " for a literal brace");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                fields.add(name);
                i = close + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException(
                        "text template '"
                                + template
                                + "' has an unmatched '}' at position "
                                + i
                                + "; write }} for a literal brace");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        if (fields.isEmpty()) {
            throw new IllegalArgumentException(
                    "text template '"
                            + template
                            + "' names no field, so every question would have the same text;"
                            + " use {field} placeholders, e.g. \"{question}\"");
        }
        return new TextTemplate(template, literals, fields);
    }

    /** The template as written. */
    String template() {
        return template;
    }

    /** The text of one record; never blank. */
    String fill(InputRecord record) throws MappingException {
        String purpose = "the question text ('" + template + "')";
        StringBuilder text = new StringBuilder(literals.get(0));
        for (int i = 0; i < fields.size(); i++) {
            JsonNode value = record.required(fields.get(i), purpose);
            // A number where text is expected is as wrong as a boolean or a list: the record is
            // not what the mapping says it is, so it becomes a dead letter, not a question.
            if (!value.isTextual()) {
                throw record.wrongType(fields.get(i), value, "a string", purpose);
            }
            text.append(value.textValue()).append(literals.get(i + 1));
        }
        if (text.toString().isBlank()) {
            throw record.error(
                    "the question text built from '" + template + "' is empty",
                    "Fix or remove the record; a question needs a text.");
        }
        return text.toString();
    }
}
