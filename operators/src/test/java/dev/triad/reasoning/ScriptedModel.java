package dev.triad.reasoning;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.FleetStatus;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A test model: records every request with its future, and the test decides when and how each one
 * completes. An optional responder answers automatically on the calling thread.
 */
final class ScriptedModel implements AsyncChatModel {

    private static final Map<String, ScriptedModel> REGISTRY = new ConcurrentHashMap<>();

    /** One request and the future the operator waits on. */
    record Call(ModelRequest request, CompletableFuture<ModelCompletion> future) {
        String purpose() {
            return request.context().purposeKey();
        }

        String questionId() {
            return request.context().questionId();
        }

        void reply(String text) {
            future.complete(completion(text));
        }

        /** Replies as replica {@code endpoint} would, with the usage it counted. */
        void replyFrom(String endpoint, int prompt, int completion, int cached, String text) {
            future.complete(new ModelCompletion(text, prompt, completion, cached, 7, endpoint));
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private volatile Function<ModelRequest, String> responder;
    private volatile boolean closed;
    private volatile FleetStatus fleet = FleetStatus.UP;
    private volatile boolean saturated;
    private final java.util.concurrent.Semaphore saturationReads =
            new java.util.concurrent.Semaphore(0);
    private final List<Boolean> saturatedAtCall = new ArrayList<>();

    static ModelCompletion completion(String text) {
        return new ModelCompletion(text, 10, 5, 0, 7, "scripted");
    }

    @Override
    public synchronized CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        CompletableFuture<ModelCompletion> future = new CompletableFuture<>();
        calls.add(new Call(request, future));
        saturatedAtCall.add(saturated);
        Function<ModelRequest, String> auto = responder;
        String text = auto == null ? null : auto.apply(request);
        if (text != null) {
            future.complete(completion(text));
        }
        return future;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public FleetStatus fleetStatus() {
        return fleet;
    }

    /**
     * As set with {@link #saturated(boolean)}; each read is counted ({@link #awaitSaturationRead}).
     */
    @Override
    public boolean saturated() {
        boolean now = saturated;
        saturationReads.release();
        return now;
    }

    /** Reports the fleet full (or no longer) from now on, as a client with calls queued would. */
    void saturated(boolean full) {
        saturated = full;
    }

    /**
     * Forgets the saturation reads so far: {@link #awaitSaturationRead()} waits for a later one.
     */
    void forgetSaturationReads() {
        saturationReads.drainPermits();
    }

    /**
     * Waits until the operator reads the saturation (once since {@link #forgetSaturationReads()}).
     */
    void awaitSaturationRead() throws InterruptedException {
        saturationReads.acquire();
    }

    /** Whether the model reported itself saturated when each call was made, in call order. */
    synchronized List<Boolean> saturatedAtCalls() {
        return List.copyOf(saturatedAtCall);
    }

    /** Reports the fleet down from now on, as a client whose every replica fails would. */
    void fleetDown(String endpoints) {
        fleet = new FleetStatus(true, System.nanoTime(), endpoints, "503 from the fleet");
    }

    void fleetUp() {
        fleet = FleetStatus.UP;
    }

    boolean closed() {
        return closed;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Call last() {
        return calls.get(calls.size() - 1);
    }

    synchronized List<Call> open() {
        List<Call> open = new ArrayList<>();
        for (Call call : calls) {
            if (!call.future().isDone()) {
                open.add(call);
            }
        }
        return open;
    }

    /**
     * Answers every later request (and none made before) with {@code responder}, at once, on the
     * calling thread; a request it returns {@code null} for stays open for the test.
     */
    ScriptedModel answering(Function<ModelRequest, String> responder) {
        this.responder = responder;
        return this;
    }

    /** A serialisable binding that hands out this model (looked up by id in this JVM). */
    ModelBinding binding() {
        return binding("scripted");
    }

    /** A binding that hands out this model and that results name {@code name}. */
    ModelBinding binding(String name) {
        String id = UUID.randomUUID().toString();
        REGISTRY.put(id, this);
        return new Binding(id, name);
    }

    private record Binding(String id, String name) implements ModelBinding {
        @Override
        public AsyncChatModel open(int subtaskIndex) {
            return REGISTRY.get(id);
        }

        @Override
        public String describe() {
            return name;
        }
    }
}
