package dev.triad.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.triad.schemas.Json;
import dev.triad.schemas.Schemas;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;

/** Validates produced JSON lines against the contract files in triad-schemas. */
public final class SchemaValidator {

    private final JsonSchema schema;

    private SchemaValidator(String name) {
        schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(Schemas.text(name));
    }

    public static SchemaValidator result() {
        return new SchemaValidator(Schemas.RESULT);
    }

    public static SchemaValidator deadLetter() {
        return new SchemaValidator(Schemas.DEAD_LETTER);
    }

    /** The violations of one JSON line, as readable text; empty when it is valid. */
    public String violations(String line) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        Set<ValidationMessage> messages = schema.validate(node);
        return messages.stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.joining("; "));
    }
}
