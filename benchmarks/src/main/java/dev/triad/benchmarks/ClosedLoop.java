package dev.triad.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a client in a closed loop: keeps {@code concurrency} calls in flight, starting the next
 * call as each one completes, until {@code calls} calls have completed; measures the time from the
 * first call started to the last one completed.
 *
 * <p>The next call is started on the thread that completed the previous one (as a pipeline that
 * tops itself up would), so the driver adds no thread or queue of its own. A call that fails counts
 * as completed and is reported in {@link Outcome#failures()}; the loop goes on.
 */
final class ClosedLoop {

    /** Starts call number {@code index} (0-based) and returns its future; must not block. */
    @FunctionalInterface
    interface Caller {
        CompletableFuture<?> call(long index);
    }

    /**
     * What one loop measured.
     *
     * @param calls calls completed (successful or not)
     * @param failures calls whose future failed
     * @param seconds from the first call started to the last one completed
     * @param firstFailure the first failure's message, or {@code null}
     */
    record Outcome(long calls, long failures, double seconds, String firstFailure) {

        double callsPerSecond() {
            return calls / seconds;
        }
    }

    private final Caller caller;
    private final long calls;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final CompletableFuture<Long> allDone = new CompletableFuture<>();

    private ClosedLoop(Caller caller, long calls) {
        this.caller = caller;
        this.calls = calls;
    }

    /**
     * Runs {@code calls} calls with {@code concurrency} in flight.
     *
     * @throws TimeoutException naming how far it got when the calls take longer than {@code limit}
     */
    static Outcome run(Caller caller, long calls, int concurrency, Duration limit)
            throws Exception {
        if (calls < 1 || concurrency < 1) {
            throw new IllegalArgumentException(
                    "A closed loop needs at least 1 call and 1 in flight, got "
                            + calls
                            + " calls and "
                            + concurrency
                            + " in flight");
        }
        ClosedLoop loop = new ClosedLoop(caller, calls);
        long start = System.nanoTime();
        for (long i = 0; i < Math.min(concurrency, calls); i++) {
            loop.startNext();
        }
        long end;
        try {
            end = loop.allDone.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(
                    "Only "
                            + loop.completed.get()
                            + " of "
                            + calls
                            + " calls completed within "
                            + limit.toSeconds()
                            + " s; is the server up and the client able to reach it?");
        }
        Throwable first = loop.firstFailure.get();
        return new Outcome(
                calls,
                loop.failed.get(),
                (end - start) / 1e9,
                first == null ? null : first.toString());
    }

    /**
     * Starts the next call, if any is left. A call that is already complete when it returns is
     * accounted here and the loop goes on, so a client that fails at once cannot recurse deeply.
     */
    private void startNext() {
        while (true) {
            long index = next.getAndIncrement();
            if (index >= calls) {
                return;
            }
            CompletableFuture<?> future;
            try {
                future = caller.call(index);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            if (future.isDone()) {
                if (account(future.handle((r, e) -> e).join())) {
                    return;
                }
                continue;
            }
            future.whenComplete(
                    (result, error) -> {
                        if (!account(error)) {
                            startNext();
                        }
                    });
            return;
        }
    }

    /** Counts one completed call; true when it was the last one. */
    private boolean account(Throwable error) {
        if (error != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, error);
        }
        if (completed.incrementAndGet() == calls) {
            allDone.complete(System.nanoTime());
            return true;
        }
        return false;
    }
}
