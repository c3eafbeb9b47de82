package dev.triad.jobs.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triad.schemas.ModelIdentity;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import java.util.ArrayList;
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
 */
public record Provenance(List<Model> models, List<PromptSetIdentity> prompts) {

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
        }

        /** What the results added so far name. */
        public Provenance build() {
            return new Provenance(new ArrayList<>(models), new ArrayList<>(prompts));
        }
    }
}
