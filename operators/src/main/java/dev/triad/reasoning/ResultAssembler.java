package dev.triad.reasoning;

import dev.triad.cost.PriceTable;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.schemas.ModelIdentity;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import dev.triad.scoring.AnswerScorer;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a question that ended into its {@link Result}: the answer normalised and scored against the
 * gold answer, usage per role with estimated costs, the model bindings of the roles its strategy
 * calls and, for simulated models, their settings, for real ones their identity where the binding
 * knows it, and the prompt set the calls were rendered with. What is the same for every question of
 * a strategy (bindings, simulator settings) is worked out once, when the operator opens.
 *
 * <p>Not thread-safe; the operator uses it on the task thread.
 */
final class ResultAssembler {

    private final Map<String, Map<String, String>> modelsByStrategy = new HashMap<>();
    private final Map<String, Map<String, Object>> simulatorByStrategy = new HashMap<>();
    private final Map<String, Map<String, ModelIdentity>> identityByStrategy = new HashMap<>();
    private final PriceTable prices;
    private final PromptSetIdentity prompts;

    /**
     * @param strategies the strategies by name
     * @param bindings the model binding of every role
     * @param prices the price table, or {@code null} for results without cost
     * @param prompts the identity of the prompt set calls are rendered with
     */
    ResultAssembler(
            Map<String, ReasoningStrategy> strategies,
            Map<Role, ModelBinding> bindings,
            PriceTable prices,
            PromptSetIdentity prompts) {
        this.prices = prices;
        this.prompts = prompts;
        strategies.forEach(
                (name, strategy) -> {
                    Map<String, String> models = new TreeMap<>();
                    Map<String, Object> simulator = new TreeMap<>();
                    Map<String, ModelIdentity> identities = new TreeMap<>();
                    for (Role role : strategy.roles()) {
                        ModelBinding binding = bindings.get(role);
                        models.put(role.key(), binding.describe());
                        if (binding.simulated()) {
                            simulator.put(role.key(), binding.settings());
                        } else if (binding.identity() != null) {
                            identities.put(role.key(), binding.identity());
                        }
                    }
                    modelsByStrategy.put(name, Map.copyOf(models));
                    simulatorByStrategy.put(name, simulator.isEmpty() ? null : simulator);
                    identityByStrategy.put(
                            name, identities.isEmpty() ? null : Map.copyOf(identities));
                });
    }

    /** The result of {@code state}, which ended as {@code end} at processing time {@code now}. */
    Result assemble(QuestionState state, Decision.Finish end, long now) {
        String gold = state.question.gold();
        String normalized = AnswerScorer.normalize(end.answer());
        Map<String, Object> simulator = simulatorByStrategy.get(state.strategy);
        Map<String, String> models = modelsByStrategy.get(state.strategy);
        ResultUsage usage = ResultUsage.of(state.usage, models, prices);
        StrategyState part = state.part();
        List<String> concepts = part == null ? List.of() : part.concepts();
        return Result.builder()
                .id(state.question.id())
                .strategy(state.strategy)
                .status(end.status())
                .reason(end.reason())
                .answer(normalized)
                .gold(gold)
                .correct(gold == null ? null : AnswerScorer.equivalent(normalized, gold))
                .simulated(simulator != null)
                .simulator(simulator)
                .models(models)
                // Read-only views: the state is dropped once the question ends.
                .concepts(concepts.isEmpty() ? null : concepts)
                .steps(Collections.unmodifiableList(state.trace))
                .usage(usage.roles())
                .latencyMs(Math.max(0, now - state.startedAt))
                .metadata(state.question.metadata())
                .finishedAt(now)
                .cost(usage.cost())
                .question(state.question.text())
                .prompts(prompts)
                .modelIdentity(identityByStrategy.get(state.strategy))
                .demonstrations(state.question.demonstrations())
                .build();
    }
}
