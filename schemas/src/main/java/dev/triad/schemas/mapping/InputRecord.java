package dev.triad.schemas.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.triad.schemas.Json;
import java.util.Locale;

/**
 * One parsed input line with where it came from, so that every rule of a mapping reads its fields
 * through one place and every error names the file, the line, the field and the mapping.
 */
final class InputRecord {

    // Trailing tokens ("{...} x") are a broken line, not a record with junk after it.
    private static final ObjectReader READER =
            Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** How much of a bad value an error message quotes. */
    private static final int QUOTE_LIMIT = 80;

    private final JsonNode node;
    private final String source;
    private final long line;
    private final String mapping;

    private InputRecord(JsonNode node, String source, long line, String mapping) {
        this.node = node;
        this.source = source;
        this.line = line;
        this.mapping = mapping;
    }

    /**
     * Parses one JSONL line.
     *
     * @throws MappingException in stage {@code parse} when the line is not one JSON object
     */
    static InputRecord parse(String raw, String source, long line, String mapping)
            throws MappingException {
        String where = source + " line " + line;
        String fix = " Each line must be one JSON object; fix or remove this line.";
        if (raw == null || raw.isBlank()) {
            throw new MappingException(MappingException.PARSE, where + " is empty." + fix);
        }
        // A UTF-8 byte order mark survives line splitting on the first line of some files.
        String text = raw.charAt(0) == '\uFEFF' ? raw.substring(1) : raw;
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new MappingException(
                    MappingException.PARSE,
                    where
                            + " is not valid JSON: "
                            + e.getOriginalMessage()
                            + (at == null ? "" : " (column " + at.getColumnNr() + ")")
                            + "."
                            + fix);
        }
        if (node == null || !node.isObject()) {
            throw new MappingException(
                    MappingException.PARSE,
                    where + " is JSON but " + typeOf(node) + ", not an object." + fix);
        }
        return new InputRecord(node, source, line, mapping);
    }

    String source() {
        return source;
    }

    long line() {
        return line;
    }

    /** The value of a top-level field, or {@code null} when it is absent or JSON null. */
    JsonNode field(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** A required field. */
    JsonNode required(String name, String purpose) throws MappingException {
        JsonNode value = field(name);
        if (value == null) {
            throw missing(name, purpose);
        }
        return value;
    }

    /** A required field that must be a JSON string. */
    String requiredString(String name, String purpose) throws MappingException {
        JsonNode value = required(name, purpose);
        if (!value.isTextual()) {
            throw wrongType(name, value, "a string", purpose);
        }
        return value.textValue();
    }

    /**
     * A scalar as text: a string as written, a number canonically ({@code 145.0 -> 145}), a boolean
     * as {@code true}/{@code false}.
     */
    static String scalarText(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return Numbers.canonical(value.decimalValue());
        }
        if (value.isBoolean()) {
            return Boolean.toString(value.booleanValue());
        }
        return null;
    }

    MappingException missing(String name, String purpose) {
        return error(
                "field '"
                        + name
                        + "' is missing or null; mapping '"
                        + mapping
                        + "' reads "
                        + purpose
                        + " from it",
                "Fix the record, or use a mapping that matches this input.");
    }

    MappingException wrongType(String name, JsonNode value, String expected, String purpose) {
        return error(
                "field '"
                        + name
                        + "' is "
                        + typeOf(value)
                        + " ("
                        + quote(value.toString())
                        + "), but mapping '"
                        + mapping
                        + "' reads "
                        + purpose
                        + " from it and needs "
                        + expected,
                "Fix the record, or use a mapping that matches this input.");
    }

    /** A map-stage error: where, what was wrong, then what to do. */
    MappingException error(String what, String fix) {
        return new MappingException(
                MappingException.MAP, source + " line " + line + ": " + what + ". " + fix);
    }

    /** A value shortened for an error message. */
    static String quote(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() <= QUOTE_LIMIT
                ? oneLine
                : oneLine.substring(0, QUOTE_LIMIT) + "...";
    }

    /** "a string", "an array", ... */
    private static String typeOf(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }
}
