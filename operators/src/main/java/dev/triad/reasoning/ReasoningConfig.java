package dev.triad.reasoning;

import dev.triad.cost.PriceTable;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link ReasoningOperator} needs, validated and serialisable: built by {@link
 * Reasoning.Builder}, shipped with the job graph. {@code prices} is {@code null} when results carry
 * no estimated cost.
 */
record ReasoningConfig(
        List<String> strategies,
        StrategySettings settings,
        Map<Role, ModelBinding> bindings,
        int maxQuestionsInFlight,
        int maxCallsInFlight,
        long questionTimeoutMs,
        int maxParseRetries,
        int maxCallAttempts,
        PriceTable prices)
        implements Serializable {

    ReasoningConfig {
        strategies = List.copyOf(strategies);
        bindings = new EnumMap<>(bindings);
    }
}
