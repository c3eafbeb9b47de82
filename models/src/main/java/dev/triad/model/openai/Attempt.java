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

    /** The replica it is queued at or sent to; set when queued. */
    volatile ReplicaEndpoint replica;

    /** A second try of the same call on another replica, sent because the first was slow. */
    final boolean hedge;

    /** The other try of a hedged call: the first to answer wins, the other is abandoned. */
    volatile Attempt partner;

    /** Past its replica's hedge delay and still waiting: counted as waiting unusually long. */
    volatile boolean slow;

    /** Its concurrency slot was given back early, as it was found hung (guarded by the replica). */
    boolean slotFreed;

    /**
     * Sent to a replica of a fleet that is down, to see whether it is back ({@link FleetOutage}).
     */
    volatile boolean probe;

    Attempt(Call call) {
        this(call, new CompletableFuture<>(), false);
    }

    private Attempt(Call call, CompletableFuture<ModelCompletion> result, boolean hedge) {
        this.call = call;
        this.result = result;
        this.hedge = hedge;
    }

    /** The same try, not yet sent, answering the same future: a call that waits for its fleet. */
    Attempt again() {
        return new Attempt(call, result, false);
    }

    /** A hedge of this try, linked to it, answering the same future. */
    Attempt hedged() {
        Attempt other = new Attempt(call, result, true);
        other.partner = this;
        this.partner = other;
        return other;
    }

    /** True for the one caller that ends this attempt. */
    boolean finish() {
        return done.compareAndSet(false, true);
    }

    boolean finished() {
        return done.get();
    }
}
