package dev.triad.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.triad.jobs.cli.UsageException;
import dev.triad.schemas.RoleUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Token prices for an estimated cost ({@code triad eval --prices FILE}): a YAML map from a role
 * name or a model binding to prices per 1M tokens, in one currency of the user's choosing.
 *
 * <pre>{@code
 * solver: {prompt: 0.60, completion: 2.40}
 * "openai:http://gpu-1:8000#qwen-72b": {prompt: 0.90, completion: 0.90, cached: 0.45}
 * decomposer: {prompt: 0.05, completion: 0.10}
 * }</pre>
 *
 * <p>A result's usage for a role is priced by the entry for the role's model binding (the result's
 * {@code models} field), else by the entry for the role. Cached prompt tokens cost the {@code
 * cached} price when given, else the prompt price.
 */
public final class PriceTable {

    private static final Set<String> FIELDS = Set.of("prompt", "completion", "cached");

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = prices;
    }

    /**
     * Prices per 1M tokens.
     *
     * @param prompt per 1M prompt tokens
     * @param completion per 1M completion tokens
     * @param cached per 1M cached prompt tokens, or {@code null} for the prompt price
     */
    public record Price(double prompt, double completion, Double cached) {

        /** The cost of one usage. */
        double cost(RoleUsage usage) {
            long cachedTokens = Math.min(usage.cachedTokens(), usage.promptTokens());
            double cachedPrice = cached == null ? prompt : cached;
            return ((usage.promptTokens() - cachedTokens) * prompt
                            + cachedTokens * cachedPrice
                            + usage.completionTokens() * completion)
                    / 1_000_000.0;
        }
    }

    /** A table built in code (tests, other entry points). */
    public static PriceTable of(Map<String, Price> prices) {
        return new PriceTable(Map.copyOf(prices));
    }

    /**
     * Reads a price file.
     *
     * @throws UsageException naming the file, the entry and the rule when it cannot be used
     */
    public static PriceTable read(Path file) throws UsageException {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UsageException(
                    "--prices "
                            + file
                            + " cannot be read as YAML ("
                            + e.getMessage()
                            + "). Give a map such as 'solver: {prompt: 0.60, completion: 2.40}'"
                            + " (prices per 1M tokens).",
                    e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new UsageException(
                    "--prices "
                            + file
                            + ": expected a map from a role or model binding to prices, such as"
                            + " 'solver: {prompt: 0.60, completion: 2.40}' (per 1M tokens).");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            prices.put(entry.getKey(), price(file, entry.getKey(), entry.getValue()));
        }
        return new PriceTable(prices);
    }

    private static Price price(Path file, String key, JsonNode node) throws UsageException {
        String where = "--prices " + file + ", entry '" + key + "'";
        if (!node.isObject()) {
            throw new UsageException(
                    where + ": expected {prompt: P, completion: C} (per 1M tokens), got " + node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new UsageException(
                        where
                                + ": unknown field '"
                                + name
                                + "'; the fields are prompt, completion and cached (per 1M"
                                + " tokens).");
            }
        }
        Double cached = node.has("cached") ? number(where, "cached", node.get("cached")) : null;
        return new Price(
                number(where, "prompt", required(where, node, "prompt")),
                number(where, "completion", required(where, node, "completion")),
                cached);
    }

    private static JsonNode required(String where, JsonNode node, String field)
            throws UsageException {
        if (!node.has(field)) {
            throw new UsageException(
                    where + ": '" + field + "' is missing; give prompt and completion prices.");
        }
        return node.get(field);
    }

    private static double number(String where, String field, JsonNode value) throws UsageException {
        if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
            throw new UsageException(
                    where
                            + ": '"
                            + field
                            + "' must be a number >= 0 (per 1M tokens), got "
                            + value);
        }
        return value.asDouble();
    }

    /**
     * The price of a role's calls.
     *
     * @param binding the role's model binding, or {@code null}
     * @return the binding's entry, else the role's, else {@code null}
     */
    public Price priceFor(String role, String binding) {
        Price byBinding = binding == null ? null : prices.get(binding);
        return byBinding != null ? byBinding : prices.get(role);
    }
}
