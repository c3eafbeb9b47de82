package dev.triad.jobs.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.ModelIdentity;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What produced a set of results: each model that answered (role, binding and, for a real model
 * whose binding names it, its weights file, SHA-256 and engine) and each prompt set the calls were
 * rendered with. A figure read from results is only as meaningful as this: {@code eval} prints it
 * next to the simulated-models notice, and its JSON carries it.
 *
 * @param models the distinct (role, binding, identity) over the results, in the order first met
 * @param prompts the distinct prompt sets, in the order first met; empty for results written before
 *     results named them
 * @param demonstrations the demonstration pools the decomposers were shown examples of ({@code run
 *     --demonstrations}), in the order first met; empty without
 */
public record Provenance(
        List<Model> models, List<PromptSetIdentity> prompts, List<Pool> demonstrations) {

    /** What results without demonstration pools name. */
    public Provenance(List<Model> models, List<PromptSetIdentity> prompts) {
        this(models, prompts, List.of());
    }

    /**
     * A demonstration pool over the results.
     *
     * @param pool the pool file as given
     * @param sha256 its SHA-256
     * @param results results whose decomposer was shown its examples
     * @param skipped pool examples passed over as copies of a question, summed over them
     */
    public record Pool(String pool, String sha256, long results, long skipped) {

        /** One line: {@code POOL (sha256 1a2b3c4d5e6f…): N results, S copies skipped}. */
        public String describe() {
            return pool
                    + " (sha256 "
                    + sha256.substring(0, Math.min(12, sha256.length()))
                    + "…): worked examples in "
                    + results
                    + " results, "
                    + skipped
                    + " pool examples skipped as copies of the question";
        }
    }

    /**
     * One role's model.
     *
     * @param role {@code decomposer}, {@code solver} or {@code verifier}
     * @param binding the binding as the results give it, e.g. {@code openai:http://…#tiny-arith}
     * @param identity the weights file, its SHA-256 and the engine; {@code null} when the binding
     *     does not name them (a simulated model, or a remote one known only by its endpoint)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String role, String binding, ModelIdentity identity) {

        /** One line: {@code solver: BINDING}, with the identity when known. */
        public String describe() {
            return role
                    + ": "
                    + (identity == null ? binding : identity.describe() + " via " + binding);
        }
    }

    /** Collects the provenance of results as they are read. Not thread-safe. */
    public static final class Collector {

        private final Set<Model> models = new LinkedHashSet<>();
        private final Set<PromptSetIdentity> prompts = new LinkedHashSet<>();
        private final Map<List<String>, long[]> pools = new LinkedHashMap<>();

        /** Adds what {@code result} names. */
        public void add(Result result) {
            Map<String, String> bindings = result.models() == null ? Map.of() : result.models();
            Map<String, ModelIdentity> identities =
                    result.modelIdentity() == null ? Map.of() : result.modelIdentity();
            bindings.forEach(
                    (role, binding) -> models.add(new Model(role, binding, identities.get(role))));
            if (result.prompts() != null) {
                prompts.add(result.prompts());
            }
            Demonstrations shown = result.demonstrations();
            if (shown != null) {
                long[] counts =
                        pools.computeIfAbsent(
                                List.of(shown.pool(), shown.sha256()), k -> new long[2]);
                counts[0]++;
                counts[1] += shown.skipped();
            }
        }

        /** What the results added so far name. */
        public Provenance build() {
            List<Pool> demonstrations = new ArrayList<>();
            pools.forEach(
                    (key, counts) ->
                            demonstrations.add(
                                    new Pool(key.get(0), key.get(1), counts[0], counts[1])));
            return new Provenance(
                    new ArrayList<>(models), new ArrayList<>(prompts), demonstrations);
        }
    }
}
