package dev.triad.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which input fields a question keeps as metadata (for slices in reports, e.g. MATH {@code subject}
 * and {@code level}): named scalar fields, kept under their own names and required, plus optionally
 * every entry of one object field (Triad's own {@code metadata}). Values become strings: level
 * {@code 2} becomes {@code "2"}.
 */
final class MetadataRule implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String PURPOSE = "metadata";

    static final MetadataRule NONE = new MetadataRule(List.of(), null);

    private final List<String> fields;

    /** An object field whose entries are all kept, or {@code null}. */
    private final String object;

    MetadataRule(List<String> fields, String object) {
        this.fields = List.copyOf(fields);
        this.object = object;
    }

    Map<String, String> extract(InputRecord record) throws MappingException {
        if (fields.isEmpty() && object == null) {
            return Map.of();
        }
        Map<String, String> metadata = new HashMap<>();
        JsonNode entries = object == null ? null : record.field(object);
        if (entries != null) {
            if (!entries.isObject()) {
                throw record.wrongType(object, entries, "an object of strings", PURPOSE);
            }
            for (Map.Entry<String, JsonNode> entry : entries.properties()) {
                if (!entry.getValue().isNull()) {
                    metadata.put(
                            entry.getKey(),
                            scalar(record, object + "." + entry.getKey(), entry.getValue()));
                }
            }
        }
        for (String field : fields) {
            metadata.put(field, scalar(record, field, record.required(field, PURPOSE)));
        }
        return metadata;
    }

    private static String scalar(InputRecord record, String name, JsonNode value)
            throws MappingException {
        String text = InputRecord.scalarText(value);
        if (text == null) {
            throw record.wrongType(name, value, "a string, number or boolean", PURPOSE);
        }
        return text;
    }
}
