package dev.triad.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * Where a question's id comes from: a field of the record (a string or an integer), or the record's
 * place in its file ({@code test.jsonl:12}) for inputs without ids, such as GSM8K.
 */
final class IdRule implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String PURPOSE = "the question id";

    /** The field name, or {@code null} for ids made of the file name and line number. */
    private final String field;

    private IdRule(String field) {
        this.field = field;
    }

    /** Ids made of the source name and the 1-based line number: {@code test.jsonl:12}. */
    static IdRule line() {
        return new IdRule(null);
    }

    /** Ids read from a field. */
    static IdRule field(String field) {
        return new IdRule(field);
    }

    String id(InputRecord record) throws MappingException {
        return id(record, null);
    }

    /**
     * The id, or {@code fallback} (when not {@code null}) for a record the rule has no id for: the
     * mapping numbers records by line, or the record lacks the id field (absent or JSON null).
     */
    String id(InputRecord record, String fallback) throws MappingException {
        if (field == null) {
            return fallback != null ? fallback : record.source() + ":" + record.line();
        }
        if (fallback != null && record.field(field) == null) {
            return fallback;
        }
        JsonNode value = record.required(field, PURPOSE);
        if (!value.isTextual() && !value.isIntegralNumber()) {
            throw record.wrongType(field, value, "a string or an integer", PURPOSE);
        }
        String id = InputRecord.scalarText(value);
        if (id.isBlank()) {
            throw record.error(
                    "field '" + field + "' (" + PURPOSE + ") is empty",
                    "Give the record an id, or use 'id: line' in the mapping to number"
                            + " records by file and line.");
        }
        return id;
    }
}
