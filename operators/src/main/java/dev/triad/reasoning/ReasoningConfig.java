package dev.triad.reasoning;

import dev.triad.cost.PriceTable;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link ReasoningOperator} needs (the strategies by name, in order, with the
 * factories that make them), validated and serialisable: built by {@link Reasoning.Builder},
 * shipped with the job graph. {@code prices} is {@code null} when results carry no estimated cost,
 * {@code replyJournal} is a folder, {@code auto} or {@code none} ({@link
 * ReasoningOptions#REPLY_JOURNAL}), {@code journalName} the folder's name under {@code auto}.
 */
record ReasoningConfig(
        Map<String, ReasoningStrategyFactory> strategies,
        StrategySettings settings,
        Map<Role, ModelBinding> bindings,
        int maxQuestionsInFlight,
        int maxCallsInFlight,
        long questionTimeoutMs,
        long outageLimitMs,
        int maxParseRetries,
        PriceTable prices,
        String replyJournal,
        String journalName)
        implements Serializable {

    ReasoningConfig {
        strategies = Collections.unmodifiableMap(new LinkedHashMap<>(strategies));
        bindings = new EnumMap<>(bindings);
    }

    /** The strategy names, in the order the builder was given them. */
    List<String> strategyNames() {
        return List.copyOf(strategies.keySet());
    }
}
