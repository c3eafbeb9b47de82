package dev.triad.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a question's gold answer is and how it is extracted: a field; optionally a regular
 * expression applied to the whole field or to its last line, whose first group (or whole match) is
 * the answer (GSM8K: {@code ####\s*(.+)$} on the last line); optionally a number, written
 * canonically ({@code 1,234 -> 1234}, {@code 145.0 -> 145}).
 */
final class GoldRule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What part of the field a pattern is applied to. */
    enum Scope {
        /** The whole field. */
        WHOLE,
        /** The last non-blank line of the field. */
        LAST_LINE
    }

    private static final String PURPOSE = "the gold answer";

    private final String field;
    private final String regex;
    private final Scope scope;
    private final boolean number;
    private final boolean optional;

    /** Compiled on first use: shipped inside a Flink job, only the regex text travels. */
    private transient Pattern pattern;

    GoldRule(String field, String regex, Scope scope, boolean number, boolean optional) {
        this.field = field;
        this.regex = regex;
        this.scope = scope;
        this.number = number;
        this.optional = optional;
        if (regex != null) {
            pattern = Pattern.compile(regex); // fails early on a bad pattern
        }
    }

    /** The gold answer, or {@code null} when the rule is optional and the field absent. */
    String extract(InputRecord record) throws MappingException {
        JsonNode value = record.field(field);
        if (value == null) {
            if (optional) {
                return null;
            }
            throw record.missing(field, PURPOSE);
        }
        String gold;
        if (regex == null && scope == Scope.WHOLE) {
            if (!value.isTextual() && !value.isNumber()) {
                throw record.wrongType(field, value, "a string or a number", PURPOSE);
            }
            gold = InputRecord.scalarText(value);
        } else {
            if (!value.isTextual()) {
                throw record.wrongType(field, value, "a string", PURPOSE);
            }
            gold = extract(record, value.textValue());
        }
        if (number) {
            String canonical = Numbers.canonical(gold);
            if (canonical == null) {
                throw record.error(
                        "the gold answer '"
                                + InputRecord.quote(gold)
                                + "' from field '"
                                + field
                                + "' is not a number, and the mapping says it is (gold.number:"
                                + " true)",
                        "Fix the record, or drop gold.number from the mapping to keep answers"
                                + " as written.");
            }
            gold = canonical;
        }
        return gold;
    }

    private String extract(InputRecord record, String text) throws MappingException {
        String target = scope == Scope.LAST_LINE ? lastLine(text) : text;
        String part = scope == Scope.LAST_LINE ? "the last line of field '" : "field '";
        if (regex == null) {
            return target.strip();
        }
        Matcher m = pattern().matcher(target);
        if (!m.find()) {
            throw record.error(
                    "gold pattern '"
                            + regex
                            + "' does not match "
                            + part
                            + field
                            + "' ('"
                            + InputRecord.quote(target)
                            + "')",
                    "Fix the record, or change gold.pattern in the mapping to match how this"
                            + " input writes its answer.");
        }
        String gold = (m.groupCount() >= 1 ? m.group(1) : m.group()).strip();
        if (gold.isEmpty()) {
            throw record.error(
                    "gold pattern '"
                            + regex
                            + "' matches "
                            + part
                            + field
                            + "' but captures nothing",
                    "Fix the record, or the pattern's first group in the mapping.");
        }
        return gold;
    }

    private Pattern pattern() {
        Pattern p = pattern;
        if (p == null) {
            p = Pattern.compile(regex);
            pattern = p; // a benign race: every thread compiles the same pattern
        }
        return p;
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }
}
