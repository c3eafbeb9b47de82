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
    final CompletableFuture<ModelCompletion> result = new CompletableFuture<>();

    /** Set when it leaves the queue (under the replica's lock). */
    int inFlightAtStart;

    volatile long startNanos;
    volatile CompletableFuture<? extends HttpResponse<?>> exchange;

    /** The stream being read, when the answer is streamed; aborted on timeout and close. */
    volatile ChatStream stream;

    volatile Future<?> timer;

    private final AtomicBoolean done = new AtomicBoolean();

    Attempt(Call call) {
        this.call = call;
    }

    /** True for the one caller that ends this attempt. */
    boolean finish() {
        return done.compareAndSet(false, true);
    }

    boolean finished() {
        return done.get();
    }
}
