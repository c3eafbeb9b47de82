package dev.triad.benchmarks;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.openai.EndpointStats;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.model.openai.OpenAiCompatibleModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An {@code openai:} binding that remembers, per benchmark run, every client it opens (one per role
 * and subtask), so the benchmark can read the clients' own statistics (latency, time to first
 * token, failures) after the job. The clients are the binding's own, unchanged.
 *
 * <p>Only meaningful on the embedded MiniCluster, where the job runs in the benchmark's JVM (as
 * {@link RunCounters}).
 */
final class FleetModelBinding implements dev.triad.model.ModelBinding {

    private static final long serialVersionUID = 1L;

    private static final Map<String, Queue<OpenAiCompatibleModel>> OPENED =
            new ConcurrentHashMap<>();

    private final OpenAiCompatibleBinding delegate;
    private final String runId;

    FleetModelBinding(OpenAiCompatibleBinding delegate, String runId) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.runId = Objects.requireNonNull(runId, "runId");
        OPENED.putIfAbsent(runId, new ConcurrentLinkedQueue<>());
    }

    @Override
    public AsyncChatModel open(int subtaskIndex) {
        return open(subtaskIndex, 1);
    }

    @Override
    public AsyncChatModel open(int subtaskIndex, int parallelism) {
        AsyncChatModel model = delegate.open(subtaskIndex, parallelism);
        Queue<OpenAiCompatibleModel> opened = OPENED.get(runId);
        if (opened == null) {
            throw new IllegalStateException(
                    "No benchmark run '"
                            + runId
                            + "' in this JVM; benchmark jobs must run on the embedded MiniCluster"
                            + " of the JVM that started them");
        }
        opened.add((OpenAiCompatibleModel) model);
        return model;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    /** The statistics of every replica as seen by every client the run opened. */
    static List<EndpointStats> stats(String runId) {
        List<EndpointStats> out = new ArrayList<>();
        for (OpenAiCompatibleModel model :
                OPENED.getOrDefault(runId, new ConcurrentLinkedQueue<>())) {
            out.addAll(model.stats());
        }
        return out;
    }

    /** Clients the run opened. */
    static int opened(String runId) {
        return OPENED.getOrDefault(runId, new ConcurrentLinkedQueue<>()).size();
    }

    /** Forgets the run's clients. */
    static void release(String runId) {
        OPENED.remove(runId);
    }
}
