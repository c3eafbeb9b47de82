package dev.triad.benchmarks;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps a {@link ModelBinding} so that every call it opens is counted in a run's {@link
 * RunCounters}. Both sides of a comparison open their model through the same wrapper, so the
 * counting costs them the same.
 *
 * <p>Counting starts is one {@code LongAdder} increment; counting completions (only when asked for)
 * attaches one callback to the future, run on whatever thread completes it.
 */
public final class CountingModelBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    private final ModelBinding delegate;
    private final String runId;
    private final boolean countCompletions;

    /**
     * @param delegate the binding that opens the real model
     * @param runId the {@link RunCounters#id()} to count into
     * @param countCompletions whether to count completed calls as well as started ones
     */
    public CountingModelBinding(ModelBinding delegate, String runId, boolean countCompletions) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.countCompletions = countCompletions;
    }

    @Override
    public AsyncChatModel open(int subtaskIndex) {
        return open(subtaskIndex, 1);
    }

    @Override
    public AsyncChatModel open(int subtaskIndex, int parallelism) {
        AsyncChatModel model = delegate.open(subtaskIndex, parallelism);
        RunCounters counters = RunCounters.get(runId);
        return new AsyncChatModel() {
            @Override
            public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
                counters.callsStarted.increment();
                long start = System.nanoTime();
                CompletableFuture<ModelCompletion> future = model.complete(request);
                if (!countCompletions) {
                    return future;
                }
                // The caller sees the completion only after it was counted, so started -
                // completed never counts a call the caller already replaced.
                return future.whenComplete(
                        (completion, error) -> {
                            counters.callLatency.recordNanos(System.nanoTime() - start);
                            if (completion != null) {
                                counters.promptTokens.add(completion.promptTokens());
                            }
                            counters.callsCompleted.increment();
                        });
            }

            @Override
            public dev.triad.model.FleetStatus fleetStatus() {
                return model.fleetStatus();
            }

            @Override
            public boolean saturated() {
                return model.saturated();
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public boolean simulated() {
        return delegate.simulated();
    }

    @Override
    public Map<String, Object> settings() {
        return delegate.settings();
    }
}
