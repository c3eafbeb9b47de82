package dev.triad.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.triad.jobs.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code --config} YAML file: a flat map of option names (the long names of {@code triad run}
 * without {@code --}) to values. Scalars become strings, lists are joined with commas; {@code
 * model} may be a map ({@code {solver: sim:zero}}), a list ({@code [solver=sim:zero]}) or one
 * {@code ROLE=SPEC} string; {@code prices} may be a file name or the price table itself, as a map;
 * {@code kafka} is a map of Kafka client properties.
 */
final class ConfigFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path path;
    private final Map<String, String> values;
    private final List<String> models;
    private final JsonNode prices;
    private final Map<String, Object> kafka;

    private ConfigFile(
            Path path,
            Map<String, String> values,
            List<String> models,
            JsonNode prices,
            Map<String, Object> kafka) {
        this.path = path;
        this.values = values;
        this.models = models;
        this.prices = prices;
        this.kafka = kafka;
    }

    /**
     * Reads and checks a config file.
     *
     * @param knownKeys the option names a config file may use
     * @throws UsageException naming the file and what is wrong: missing, not YAML, not a map, an
     *     unknown key (with the closest known one), or a value of the wrong shape
     */
    static ConfigFile read(Path path, Collection<String> knownKeys) throws UsageException {
        if (!Files.isRegularFile(path)) {
            throw new UsageException(
                    "--config "
                            + path
                            + ": no such file. Give the path of a YAML file whose keys are the"
                            + " option names of 'triad run' (e.g. 'max-steps: 8'), or leave"
                            + " --config out.");
        }
        Object tree;
        try {
            tree = YAML.readValue(path.toFile(), Object.class);
        } catch (JsonProcessingException e) {
            throw new UsageException(
                    "--config "
                            + path
                            + " is not valid YAML: "
                            + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")")
                            + ". Fix the file; each line is 'option-name: value'.",
                    e);
        } catch (IOException e) {
            throw new UsageException(
                    "--config " + path + " cannot be read (" + e + "); check its permissions.", e);
        }
        if (tree == null) {
            return new ConfigFile(path, Map.of(), List.of(), null, Map.of());
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new UsageException(
                    "--config "
                            + path
                            + " must be a map of option names to values (e.g. 'max-steps: 8'),"
                            + " but it is a YAML "
                            + (tree instanceof List ? "list" : "scalar")
                            + ". Fix the file.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> models = new ArrayList<>();
        JsonNode prices = null;
        Map<String, Object> kafka = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!knownKeys.contains(key)) {
                throw new UsageException(
                        "--config "
                                + path
                                + ": unknown key '"
                                + key
                                + "'."
                                + suggestion(key, knownKeys)
                                + " Keys are the long option names of 'triad run' without"
                                + " '--': "
                                + String.join(", ", knownKeys)
                                + ".");
            }
            Object value = e.getValue();
            if (value == null) {
                continue;
            }
            if (key.equals(RunSettings.MODEL)) {
                models.addAll(modelEntries(path, value));
            } else if (key.equals(PricesOption.NAME) && value instanceof Map) {
                prices = YAML.valueToTree(value);
            } else if (key.equals(RunSettings.KAFKA)) {
                if (!(value instanceof Map<?, ?> properties)) {
                    throw new UsageException(
                            "--config "
                                    + path
                                    + ": 'kafka' must be a map of Kafka client properties (e.g."
                                    + " 'kafka: {security.protocol: SASL_SSL}'). Fix the file.");
                }
                properties.forEach((name, v) -> kafka.put(String.valueOf(name), v));
            } else if (value instanceof Map) {
                throw new UsageException(
                        "--config "
                                + path
                                + ": '"
                                + key
                                + "' must be a single value or a list, not a map. Fix the"
                                + " file.");
            } else if (value instanceof List<?> list) {
                List<String> items = new ArrayList<>();
                for (Object item : list) {
                    items.add(String.valueOf(item).trim());
                }
                values.put(key, String.join(",", items));
            } else {
                values.put(key, String.valueOf(value).trim());
            }
        }
        return new ConfigFile(path, values, models, prices, kafka);
    }

    private static List<String> modelEntries(Path path, Object value) throws UsageException {
        List<String> entries = new ArrayList<>();
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> m : map.entrySet()) {
                entries.add(m.getKey() + "=" + m.getValue());
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                entries.add(String.valueOf(item));
            }
        } else {
            entries.add(String.valueOf(value));
        }
        for (String entry : entries) {
            if (!entry.contains("=")) {
                throw new UsageException(
                        "--config "
                                + path
                                + ": model entry '"
                                + entry
                                + "' is not ROLE=SPEC. Write e.g. 'model: {solver: sim:zero}'"
                                + " or 'model: [all=sim:default]'.");
            }
        }
        return entries;
    }

    private static String suggestion(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 3 ? " Did you mean '" + best + "'?" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    Path path() {
        return path;
    }

    /** Values by key, lists joined by commas; {@code model} excluded. */
    Map<String, String> values() {
        return values;
    }

    /** {@code model} entries as ROLE=SPEC, in file order. */
    List<String> models() {
        return models;
    }

    /**
     * The {@code kafka} section: client property names to values as YAML read them (a scalar, or a
     * map such as {@code {env: NAME}} for a secret); empty when there is none.
     */
    Map<String, Object> kafka() {
        return kafka;
    }

    /** The price table written inline under {@code prices}, or {@code null}. */
    JsonNode prices() {
        return prices;
    }
}
