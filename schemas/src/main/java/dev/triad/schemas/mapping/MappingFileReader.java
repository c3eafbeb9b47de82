package dev.triad.schemas.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a mapping file (YAML) into a {@link FieldMapping}, checking every key so that a typo or a
 * bad pattern is reported when the mapping is loaded, naming the file, the key and the rule, rather
 * than on the first record. The format is described in {@code package-info.java}.
 */
final class MappingFileReader {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static final Set<String> ROOT_KEYS =
            Set.of("name", "description", "id", "text", "gold", "goldSteps", "metadata");
    private static final Set<String> ID_KEYS = Set.of("field");
    private static final Set<String> GOLD_KEYS =
            Set.of("field", "pattern", "scope", "number", "optional");
    private static final Set<String> GOLD_STEPS_KEYS = Set.of("field", "format", "optional");
    private static final Set<String> METADATA_KEYS = Set.of("fields", "object");

    /** The {@code id} value that numbers records by file and line. */
    static final String LINE_ID = "line";

    private final String origin;

    private MappingFileReader(String origin) {
        this.origin = origin;
    }

    /**
     * @param yaml the file's text
     * @param origin what the text is, for messages: "Mapping file /path/x.yaml" or "Built-in
     *     mapping 'gsm8k'"
     * @param defaultName the mapping's name when the file has no {@code name} key
     * @throws IllegalArgumentException naming the origin, the key, the rule and the fix
     */
    static FieldMapping read(String yaml, String origin, String defaultName) {
        return new MappingFileReader(origin).read(yaml, defaultName);
    }

    private FieldMapping read(String yaml, String defaultName) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            // snakeyaml's messages span lines (with a caret under the column); keep one line.
            throw fail(
                    "not valid YAML: "
                            + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ").strip()
                            + "; fix the file");
        }
        if (root == null || !root.isObject()) {
            throw fail(
                    "not a YAML mapping with at least the keys 'id' and 'text'; see the"
                            + " built-in mappings (e.g. mappings/gsm8k.yaml in triad-schemas)");
        }
        checkKeys(root, "", ROOT_KEYS);
        String name = root.has("name") ? nonBlank(root.get("name"), "name") : defaultName;
        return new FieldMapping(
                name,
                id(required(root, "id", "'line', a field name, or {field: NAME}")),
                template(
                        nonBlank(
                                required(root, "text", "a template such as \"{question}\""),
                                "text")),
                root.has("gold") ? gold(root.get("gold")) : null,
                root.has("goldSteps") ? goldSteps(root.get("goldSteps")) : null,
                root.has("metadata") ? metadata(root.get("metadata")) : MetadataRule.NONE);
    }

    private IdRule id(JsonNode node) {
        if (node.isTextual()) {
            String value = nonBlank(node, "id");
            return value.equals(LINE_ID) ? IdRule.line() : IdRule.field(value);
        }
        if (node.isObject()) {
            checkKeys(node, "id.", ID_KEYS);
            return IdRule.field(nonBlank(required(node, "id.field", "a field name"), "id.field"));
        }
        throw fail(
                "key 'id' must be 'line' (ids like test.jsonl:12), a field name, or {field: NAME};"
                        + " fix the file");
    }

    private TextTemplate template(String template) {
        try {
            return TextTemplate.parse(template);
        } catch (IllegalArgumentException e) {
            throw fail("key 'text': " + e.getMessage());
        }
    }

    private GoldRule gold(JsonNode node) {
        if (node.isTextual()) {
            return new GoldRule(nonBlank(node, "gold"), null, GoldRule.Scope.WHOLE, false, false);
        }
        object(node, "gold");
        checkKeys(node, "gold.", GOLD_KEYS);
        String regex = node.has("pattern") ? nonBlank(node.get("pattern"), "gold.pattern") : null;
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw fail(
                        "key 'gold.pattern' is not a valid Java regular expression ("
                                + e.getDescription()
                                + " near index "
                                + e.getIndex()
                                + "); fix the pattern (in YAML, single quotes keep backslashes"
                                + " as written)");
            }
        }
        String scope = node.has("scope") ? string(node.get("scope"), "gold.scope") : "whole";
        GoldRule.Scope parsedScope;
        switch (scope) {
            case "whole":
                parsedScope = GoldRule.Scope.WHOLE;
                break;
            case "last-line":
                parsedScope = GoldRule.Scope.LAST_LINE;
                break;
            default:
                throw fail(
                        "key 'gold.scope' is '"
                                + scope
                                + "'; it must be 'whole' or 'last-line'; fix the file");
        }
        return new GoldRule(
                nonBlank(
                        required(node, "gold.field", "the field holding the gold answer"),
                        "gold.field"),
                regex,
                parsedScope,
                bool(node, "number", "gold."),
                bool(node, "optional", "gold."));
    }

    private GoldStepsRule goldSteps(JsonNode node) {
        object(node, "goldSteps");
        checkKeys(node, "goldSteps.", GOLD_STEPS_KEYS);
        String format =
                string(
                        required(node, "goldSteps.format", "'socratic', 'triad' or 'lines'"),
                        "goldSteps.format");
        GoldStepsRule.Format parsed = null;
        for (GoldStepsRule.Format f : GoldStepsRule.Format.values()) {
            if (f.wireName().equals(format)) {
                parsed = f;
            }
        }
        if (parsed == null) {
            throw fail(
                    "key 'goldSteps.format' is '"
                            + format
                            + "'; it must be 'socratic' (lines 'subquestion ** solution'),"
                            + " 'triad' (an array of {subquestion, answer}) or 'lines' (a worked"
                            + " solution, one step a line); fix the file");
        }
        return new GoldStepsRule(
                nonBlank(
                        required(node, "goldSteps.field", "the field holding the gold steps"),
                        "goldSteps.field"),
                parsed,
                bool(node, "optional", "goldSteps."));
    }

    private MetadataRule metadata(JsonNode node) {
        if (node.isArray()) {
            return new MetadataRule(stringList(node, "metadata"), null);
        }
        object(node, "metadata");
        checkKeys(node, "metadata.", METADATA_KEYS);
        List<String> fields =
                node.has("fields") ? stringList(node.get("fields"), "metadata.fields") : List.of();
        String object = node.has("object") ? nonBlank(node.get("object"), "metadata.object") : null;
        return new MetadataRule(fields, object);
    }

    private List<String> stringList(JsonNode node, String key) {
        if (!node.isArray()) {
            throw fail("key '" + key + "' must be a list of field names, e.g. [subject, level]");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode element : node) {
            names.add(nonBlank(element, key + " entry"));
        }
        return names;
    }

    private JsonNode required(JsonNode parent, String key, String expected) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        JsonNode value = parent.get(leaf);
        if (value == null || value.isNull()) {
            throw fail("key '" + key + "' is missing; add it: " + expected);
        }
        return value;
    }

    private String string(JsonNode node, String key) {
        if (node == null || !node.isTextual()) {
            throw fail(
                    "key '"
                            + key
                            + "' must be a string, but is "
                            + (node == null
                                    ? "absent"
                                    : node.getNodeType().name().toLowerCase(Locale.ROOT))
                            + "; quote it in the file");
        }
        return node.textValue();
    }

    private String nonBlank(JsonNode node, String key) {
        String value = string(node, key);
        if (value.isBlank()) {
            throw fail("key '" + key + "' is empty; give it a value");
        }
        return value;
    }

    private boolean bool(JsonNode parent, String key, String prefix) {
        JsonNode value = parent.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw fail(
                    "key '"
                            + prefix
                            + key
                            + "' must be true or false, but is '"
                            + value.asText()
                            + "'");
        }
        return value.booleanValue();
    }

    private void object(JsonNode node, String key) {
        if (!node.isObject()) {
            throw fail(
                    "key '" + key + "' must be a YAML mapping of keys; see the built-in mappings");
        }
    }

    private void checkKeys(JsonNode node, String prefix, Set<String> known) {
        for (String key : (Iterable<String>) node::fieldNames) {
            if (!known.contains(key)) {
                throw fail(
                        "unknown key '"
                                + prefix
                                + key
                                + "'; the keys there are "
                                + String.join(", ", known.stream().sorted().toList())
                                + ". Fix the spelling or remove it");
            }
        }
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(origin + ": " + message + ".");
    }
}
