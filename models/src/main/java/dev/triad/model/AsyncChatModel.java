package dev.triad.model;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A chat model behind a non-blocking call: every adapter (simulated, OpenAI-compatible,
 * langchain4j, DJL) implements this one interface.
 *
 * <p>Threading: {@link #complete} is called from a Flink task thread and must return without
 * blocking; the future may complete on any thread (the caller hands the result back to its own
 * mailbox). A failed future carries a {@link ModelCallException}.
 */
@PublicEvolving
public interface AsyncChatModel extends AutoCloseable {

    /** Starts one call; never blocks. */
    CompletableFuture<ModelCompletion> complete(ModelRequest request);

    /**
     * Registers the model's own metrics (e.g. one group per replica) under {@code group}, its
     * role's group of the operator's metrics ({@code triad.role.<role>}); the operator calls it
     * once, after opening the model, on the task thread. The default registers none.
     */
    default void registerMetrics(ModelMetricGroup group) {}

    /**
     * Whether the model's fleet is reachable now ({@link FleetStatus}); read often (each input
     * record, each metric report), so it must be cheap and never block. The default is always up: a
     * model that cannot tell (in-process, or one endpoint behind another library) lets its calls
     * fail and be retried as they are.
     */
    default FleetStatus fleetStatus() {
        return FleetStatus.UP;
    }

    /**
     * Whether the model's fleet is as full as the model keeps it (its concurrency limits, rate
     * limits): calls wait in the model for a slot, more than the few it keeps ready to refill a
     * slot at once. The reasoning operator starts no new question while a role's model is
     * saturated, so that work waits in the input and not half-started in a queue. Read on every
     * input record: cheap, never blocks. The default, for models that send at once, is never.
     */
    default boolean saturated() {
        return false;
    }

    /** Releases connections and timers. */
    @Override
    default void close() {}
}
