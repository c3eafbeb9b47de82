package dev.triad.model.openai;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.FleetStatus;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelMetricGroup;
import dev.triad.model.ModelRequest;
import dev.triad.model.RetryingChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A chat model behind one or more OpenAI-compatible replicas: the {@link OpenAiClient} (one try per
 * call: routing, concurrency and rate limits, {@code Retry-After} per replica, the call timeout)
 * wrapped in the {@link RetryingChatModel} that retries retriable failures as the binding's {@link
 * OpenAiCompatibleBinding#retryPolicy()} says ({@code attempts=N}, {@code budget=DURATION}), on the
 * client's own timer thread.
 *
 * <p>Guarantees: {@link #complete} never blocks; a call's future fails with an {@link
 * OpenAiCallException}, of kind {@link OpenAiCallException.Kind#EXHAUSTED} and not retriable when
 * its attempts ran out. The API key never appears in {@link #toString()}, {@link #stats()},
 * exception messages or logs.
 *
 * <p>Threading: thread-safe. {@link #close()} fails queued calls, cancels those in flight and ends
 * those waiting to be retried.
 */
@PublicEvolving
public final class OpenAiCompatibleModel implements AsyncChatModel {

    /** Name prefix of the scheduler thread and the HTTP threads. */
    public static final String THREAD_PREFIX = "triad-openai";

    private final OpenAiClient client;
    private final RetryingChatModel retrying;
    private final int subtask;

    OpenAiCompatibleModel(
            OpenAiCompatibleBinding binding, ApiKey key, int subtask, int parallelism) {
        this.client = new OpenAiClient(binding, key, subtask, parallelism);
        this.subtask = subtask;
        this.retrying =
                RetryingChatModel.builder(client, binding.retryPolicy())
                        .scheduler(client::schedule)
                        .build();
    }

    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        return retrying.complete(request);
    }

    /** The binding this model was opened from. */
    public OpenAiCompatibleBinding binding() {
        return client.binding();
    }

    /** Each replica's state now, in binding order. */
    public List<EndpointStats> stats() {
        return client.stats();
    }

    /** Tries made again so far, over all calls. */
    public long retries() {
        return retrying.retries();
    }

    /** Down when every replica refuses connections or answers 5xx ({@link FleetOutage}). */
    @Override
    public FleetStatus fleetStatus() {
        return client.fleetStatus();
    }

    @Override
    public boolean saturated() {
        return client.saturated();
    }

    /** One group of client-side metrics per replica ({@link ReplicaMetrics}). */
    @Override
    public void registerMetrics(ModelMetricGroup group) {
        client.registerMetrics(group);
    }

    @Override
    public void close() {
        retrying.close();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleModel["
                + client.binding().describe()
                + ", subtask "
                + subtask
                + "]";
    }
}
