package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Custom resources against the {@code openAPIV3Schema} of their CRD's version, strictly, the way
 * the API server's strict field validation ({@code kubectl apply}'s default) treats them.
 *
 * <p>A structural schema drops (and strict validation rejects) every field it does not declare, so
 * each object schema gets {@code additionalProperties: false}, except where the CRD says {@code
 * x-kubernetes-preserve-unknown-fields: true} or gives {@code additionalProperties} itself; {@code
 * x-kubernetes-int-or-string} accepts an integer or a string; {@code nullable} accepts null; an
 * {@code x-kubernetes-embedded-resource} accepts apiVersion, kind and metadata. The root's {@code
 * metadata} is an ObjectMeta, checked as the API server does whatever the CRD says (see {@link
 * CoreKinds#unknownMetadataFields}).
 */
final class CustomResources {

    private static final ObjectMapper YAML = Kustomize.YAML;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, JsonSchema> schemas;

    private CustomResources(Map<String, JsonSchema> schemas) {
        this.schemas = schemas;
    }

    /** Every CRD (its served versions) in the folder. */
    static CustomResources load(Path crdDir) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder()
                        .pathType(com.networknt.schema.PathType.JSON_POINTER)
                        .formatAssertionsEnabled(false)
                        .build();
        Map<String, JsonSchema> schemas = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(crdDir)) {
            for (Path file :
                    files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                JsonNode crd = YAML.readTree(file.toFile());
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String group = crd.at("/spec/group").asText();
                String kind = crd.at("/spec/names/kind").asText();
                for (JsonNode version : crd.at("/spec/versions")) {
                    if (!version.path("served").asBoolean(false)) {
                        continue;
                    }
                    JsonNode schema = version.at("/schema/openAPIV3Schema");
                    if (schema.isMissingNode()) {
                        continue;
                    }
                    ObjectNode strict = strict(schema.deepCopy(), true, true);
                    schemas.put(
                            group + "/" + version.path("name").asText() + "#" + kind,
                            factory.getSchema(strict, config));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CRDs in " + crdDir + ": " + e, e);
        }
        return new CustomResources(schemas);
    }

    /** Whether a CRD serves this apiVersion and kind. */
    boolean knows(String apiVersion, String kind) {
        return schemas.containsKey(apiVersion + "#" + kind);
    }

    /** The kinds served, as {@code group/version#Kind}. */
    Set<String> kinds() {
        return schemas.keySet();
    }

    List<Finding> validate(Manifest m) {
        List<Finding> findings = new ArrayList<>();
        JsonSchema schema = schemas.get(m.apiVersion() + "#" + m.kind());
        if (schema == null) {
            findings.add(Finding.of(m, "", "no CRD serves " + m.apiVersion() + " " + m.kind()));
            return findings;
        }
        Set<ValidationMessage> messages = schema.validate(m.body());
        for (ValidationMessage msg : messages) {
            String path = msg.getInstanceLocation().toString();
            if (path.equals("") || path.equals("/")) {
                path = "";
            }
            String text = msg.getMessage();
            // networknt starts its messages with the path; the finding has it already.
            int colon = text.indexOf(": ");
            if (colon > 0
                    && text.substring(0, colon).equals(msg.getInstanceLocation().toString())) {
                text = text.substring(colon + 2);
            }
            if ("additionalProperties".equals(msg.getType()) && msg.getProperty() != null) {
                path = path + "/" + msg.getProperty();
                text = "unknown field (the API server's strict field validation rejects it)";
            }
            findings.add(Finding.of(m, path, text));
        }
        for (String path : CoreKinds.unknownMetadataFields(m.body().path("metadata"))) {
            findings.add(
                    Finding.of(
                            m,
                            path,
                            "unknown field (the API server's strict field validation rejects it)"));
        }
        findings.sort(java.util.Comparator.comparing(Finding::path));
        return findings;
    }

    /** Rewrites one openAPIV3Schema node (and everything under it) into a strict JSON Schema. */
    private static ObjectNode strict(ObjectNode schema, boolean root, boolean structural) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            schema.remove("type");
            if (!schema.has("anyOf")) {
                ArrayNode anyOf = schema.putArray("anyOf");
                anyOf.addObject().put("type", "integer");
                anyOf.addObject().put("type", "string");
            }
        }
        if (schema.path("nullable").asBoolean(false) && schema.path("type").isTextual()) {
            String type = schema.path("type").asText();
            schema.putArray("type").add(type).add("null");
        }
        if (root) {
            // Every object has these; a CRD's schema need not say so.
            ObjectNode properties =
                    schema.get("properties") instanceof ObjectNode p
                            ? p
                            : schema.putObject("properties");
            properties.putIfAbsent("apiVersion", NODES.objectNode().put("type", "string"));
            properties.putIfAbsent("kind", NODES.objectNode().put("type", "string"));
            properties.putIfAbsent("metadata", NODES.objectNode().put("type", "object"));
        }
        // Recurse first, then close the object.
        if (schema.get("properties") instanceof ObjectNode properties) {
            Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (root && e.getKey().equals("metadata")) {
                    // ObjectMeta: checked by CoreKinds.unknownMetadataFields.
                    e.setValue(NODES.objectNode().put("type", "object"));
                } else if (e.getValue() instanceof ObjectNode child) {
                    e.setValue(strict(child, false, structural));
                }
            }
        }
        if (schema.get("items") instanceof ObjectNode items) {
            schema.set("items", strict(items, false, structural));
        }
        if (schema.get("additionalProperties") instanceof ObjectNode additional) {
            schema.set("additionalProperties", strict(additional, false, structural));
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.get(combinator) instanceof ArrayNode parts) {
                for (int i = 0; i < parts.size(); i++) {
                    if (parts.get(i) instanceof ObjectNode part) {
                        // Value validation only (structural schemas): never closes objects.
                        parts.set(i, strict(part, false, false));
                    }
                }
            }
        }
        if (schema.get("not") instanceof ObjectNode not) {
            schema.set("not", strict(not, false, false));
        }
        boolean object =
                "object".equals(schema.path("type").asText())
                        || (schema.path("type").isArray()
                                && schema.path("type").toString().contains("\"object\""))
                        || schema.has("properties");
        if (structural && object && !preserve && !schema.has("additionalProperties")) {
            if (embedded) {
                ObjectNode properties =
                        schema.has("properties")
                                ? (ObjectNode) schema.get("properties")
                                : schema.putObject("properties");
                for (String implicit : List.of("apiVersion", "kind", "metadata")) {
                    if (!properties.has(implicit)) {
                        properties.putObject(implicit);
                    }
                }
            }
            schema.put("additionalProperties", false);
        }
        // Kubernetes extensions and OpenAPI-only words mean nothing to a JSON Schema validator.
        List<String> drop = new ArrayList<>();
        schema.fieldNames()
                .forEachRemaining(
                        n -> {
                            if (n.startsWith("x-kubernetes-") || n.equals("nullable")) {
                                drop.add(n);
                            }
                        });
        schema.remove(drop);
        return schema;
    }
}
