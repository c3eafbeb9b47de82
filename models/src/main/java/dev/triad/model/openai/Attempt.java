package dev.triad.model.openai;

import dev.triad.model.ModelCompletion;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The try of a {@link Call} on one replica: queued, then on the wire, then done exactly once (the
 * response, the timeout and close race for {@link #finish()}).
 */
final class Attempt {

    final Call call;
    final CompletableFuture<ModelCompletion> result;

    /** Set when it leaves the queue (under the replica's lock). */
    int inFlightAtStart;

    volatile long startNanos;
    volatile CompletableFuture<? extends HttpResponse<?>> exchange;

    /** The stream being read, when the answer is streamed; aborted on timeout and close. */
    volatile ChatStream stream;

    volatile Future<?> timer;

    private final AtomicBoolean done = new AtomicBoolean();

    /**
     * Sent to a replica of a fleet that is down, to see whether it is back ({@link FleetOutage}).
     */
    volatile boolean probe;

    Attempt(Call call) {
        this(call, new CompletableFuture<>());
    }

    private Attempt(Call call, CompletableFuture<ModelCompletion> result) {
        this.call = call;
        this.result = result;
    }

    /** The same try, not yet sent, answering the same future: a call that waits for its fleet. */
    Attempt again() {
        return new Attempt(call, result);
    }

    /** True for the one caller that ends this attempt. */
    boolean finish() {
        return done.compareAndSet(false, true);
    }

    boolean finished() {
        return done.get();
    }
}
