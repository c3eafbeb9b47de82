package dev.triad.simulator;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread all simulated models in a JVM share to complete their futures after the
 * simulated latency: no thread per call, per model or per subtask. Created on first use; a daemon,
 * so it never keeps a JVM alive.
 *
 * <p>Threading: completions (and callbacks attached without an executor) run on this one thread, so
 * callbacks must be short, e.g. enqueue a mail.
 */
final class LatencyScheduler {

    private LatencyScheduler() {}

    private static final class Holder {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor =
                    new ScheduledThreadPoolExecutor(
                            1,
                            task -> {
                                Thread thread =
                                        new Thread(task, SimulatedModel.LATENCY_THREAD_NAME);
                                thread.setDaemon(true);
                                return thread;
                            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }

    static ScheduledExecutorService executor() {
        return Holder.EXECUTOR;
    }
}
