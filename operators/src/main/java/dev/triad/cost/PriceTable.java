package dev.triad.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.triad.model.Role;
import dev.triad.schemas.RoleUsage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Token prices for an estimated cost: a map from a role name or a model binding to prices per 1M
 * tokens, in one currency of the user's choosing. Read from YAML ({@code --prices FILE}, the {@code
 * prices} key of a {@code --config} file) or built in code ({@link #builder()}); it holds prices
 * only, never keys.
 *
 * <pre>{@code
 * solver: {prompt: 0.60, completion: 2.40}
 * "openai:http://gpu-1:8000#qwen-72b": {prompt: 0.90, completion: 0.90, cached: 0.45}
 * decomposer: {prompt: 0.05, completion: 0.10}
 * }</pre>
 *
 * <p>A role's usage is priced by the entry for the role's model binding (as results name it in
 * their {@code models} field), else by the entry for the role. Cached prompt tokens cost the {@code
 * cached} price when given, else the prompt price.
 *
 * <p>Immutable and serialisable: it travels with the job graph.
 */
@PublicEvolving
public final class PriceTable implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> FIELDS = Set.of("prompt", "completion", "cached");

    private static final String EXAMPLE = "'solver: {prompt: 0.60, completion: 2.40}'";

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
    }

    /**
     * Prices per 1M tokens.
     *
     * @param prompt per 1M uncached prompt tokens
     * @param completion per 1M completion tokens
     * @param cached per 1M cached prompt tokens, or {@code null} for the prompt price
     */
    public record Price(double prompt, double completion, Double cached) implements Serializable {

        /**
         * @throws IllegalArgumentException when a price is negative or not a finite number
         */
        public Price {
            check("prompt", prompt);
            check("completion", completion);
            if (cached != null) {
                check("cached", cached);
            }
        }

        /**
         * Prompt and completion prices per 1M tokens; cached prompt tokens cost the prompt price.
         */
        public static Price perMillion(double prompt, double completion) {
            return new Price(prompt, completion, null);
        }

        /** These prices with a price per 1M cached prompt tokens. */
        public Price withCached(double cachedPrice) {
            return new Price(prompt, completion, cachedPrice);
        }

        /**
         * The estimated cost of some tokens, in the table's currency.
         *
         * @param cachedTokens the part of {@code promptTokens} served from a prefix cache (more is
         *     taken as all of them)
         */
        public double cost(long promptTokens, long completionTokens, long cachedTokens) {
            long fromCache = Math.min(cachedTokens, promptTokens);
            double cachedPrice = cached == null ? prompt : cached;
            return ((promptTokens - fromCache) * prompt
                            + fromCache * cachedPrice
                            + completionTokens * completion)
                    / 1_000_000.0;
        }

        /** The estimated cost of one role's usage. */
        public double cost(RoleUsage usage) {
            return cost(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens());
        }

        private static void check(String field, double value) {
            if (!(value >= 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(
                        "the '"
                                + field
                                + "' price must be a number >= 0 (per 1M tokens), was "
                                + value);
            }
        }
    }

    /** A builder with no prices yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** A table from entries keyed by role name or model binding. */
    public static PriceTable of(Map<String, Price> prices) {
        return builder().prices(prices).build();
    }

    /**
     * Reads a YAML price file.
     *
     * @throws IllegalArgumentException naming the file, the entry and the rule when it cannot be
     *     used
     */
    public static PriceTable read(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file
                            + " cannot be read as YAML ("
                            + e.getMessage()
                            + "). Give a map such as "
                            + EXAMPLE
                            + " (prices per 1M tokens).",
                    e);
        }
        return fromTree(root, file.toString());
    }

    /**
     * Reads a price table from a parsed YAML or JSON map.
     *
     * @param source what the tree came from, for messages (a file, a config key)
     * @throws IllegalArgumentException naming {@code source}, the entry and the rule when it cannot
     *     be used
     */
    public static PriceTable fromTree(JsonNode root, String source) {
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(
                    source
                            + ": expected a map from a role or model binding to prices, such as "
                            + EXAMPLE
                            + " (per 1M tokens).");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            prices.put(entry.getKey(), price(source, entry.getKey(), entry.getValue()));
        }
        return new PriceTable(prices);
    }

    private static Price price(String source, String key, JsonNode node) {
        String where = source + ", entry '" + key + "'";
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    where + ": expected {prompt: P, completion: C} (per 1M tokens), got " + node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(
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

    private static JsonNode required(String where, JsonNode node, String field) {
        if (!node.has(field)) {
            throw new IllegalArgumentException(
                    where + ": '" + field + "' is missing; give prompt and completion prices.");
        }
        return node.get(field);
    }

    private static double number(String where, String field, JsonNode value) {
        if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
            throw new IllegalArgumentException(
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
     * @param role the role's name, e.g. {@code solver}
     * @param binding the role's model binding as results name it, or {@code null}
     * @return the binding's entry, else the role's, else {@code null}
     */
    public Price priceFor(String role, String binding) {
        Price byBinding = binding == null ? null : prices.get(binding);
        return byBinding != null ? byBinding : prices.get(role);
    }

    /** The entries, keyed by role name or model binding, in the order given. */
    public Map<String, Price> prices() {
        return prices;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriceTable other && prices.equals(other.prices);
    }

    @Override
    public int hashCode() {
        return prices.hashCode();
    }

    @Override
    public String toString() {
        return "PriceTable" + prices;
    }

    /** Builds a {@link PriceTable}; a later entry for the same key replaces the earlier one. */
    @PublicEvolving
    public static final class Builder {

        private final Map<String, Price> prices = new LinkedHashMap<>();

        private Builder() {}

        /** The price of every call of {@code role} (unless its binding has its own entry). */
        public Builder role(Role role, Price price) {
            return price(Objects.requireNonNull(role, "role").key(), price);
        }

        /**
         * The price of calls to a model binding, as {@code ModelBinding#describe()} names it (e.g.
         * {@code openai:http://gpu-1:8000#qwen-72b}); wins over its role's entry.
         */
        public Builder binding(String binding, Price price) {
            return price(binding, price);
        }

        /** An entry keyed by a role name or a model binding. */
        public Builder price(String roleOrBinding, Price price) {
            Objects.requireNonNull(roleOrBinding, "roleOrBinding");
            if (roleOrBinding.isBlank()) {
                throw new IllegalArgumentException(
                        "A price entry needs a role name or a model binding as its key, got a"
                                + " blank one");
            }
            prices.put(roleOrBinding, Objects.requireNonNull(price, "price"));
            return this;
        }

        /** Every entry of {@code entries}. */
        public Builder prices(Map<String, Price> entries) {
            entries.forEach(this::price);
            return this;
        }

        /**
         * @throws IllegalArgumentException when no price was given
         */
        public PriceTable build() {
            if (prices.isEmpty()) {
                throw new IllegalArgumentException(
                        "A price table needs at least one entry, e.g. "
                                + EXAMPLE
                                + " (per 1M tokens)");
            }
            return new PriceTable(prices);
        }
    }
}
