package dev.triad.jobs.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a graceful stop of a run instead of the JVM's shutdown:
 * the first signal starts {@code onFirst} on a thread of its own and the JVM keeps running until
 * the run has stopped and the command returns; a second signal runs {@code onSecond} (which ends
 * the process at once).
 *
 * <p>A signal handler rather than a shutdown hook: once the JVM shuts down, the embedded
 * MiniCluster's own shutdown hooks (blob server, temporary folders) run at the same time as any
 * hook of ours, so a savepoint taken from a hook races the cluster's teardown. With the handler the
 * cluster is intact until the job has stopped. {@link #close()} puts the previous handlers back.
 * Where the JVM does not let a handler be installed (e.g. started with {@code -Xrs}) a signal keeps
 * its default effect, logged at WARN.
 */
final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final Runnable onFirst;
    private final Runnable onSecond;
    private final AtomicBoolean received = new AtomicBoolean();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private StopSignals(Runnable onFirst, Runnable onSecond) {
        this.onFirst = onFirst;
        this.onSecond = onSecond;
    }

    /**
     * Installs the handlers.
     *
     * @param onFirst what the first signal starts (on a new thread named {@code triad-stop})
     * @param onSecond what a further signal runs (on the JVM's signal thread)
     */
    static StopSignals install(Runnable onFirst, Runnable onSecond) {
        StopSignals signals = new StopSignals(onFirst, onSecond);
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                signals.previous.put(signal, Signal.handle(signal, signals::handle));
            } catch (IllegalArgumentException e) {
                LOG.warn(
                        "Cannot handle SIG{} ({}); it will end the run without a savepoint",
                        name,
                        e.getMessage());
            }
        }
        return signals;
    }

    /** Whether a signal has been received. */
    boolean received() {
        return received.get();
    }

    private void handle(Signal signal) {
        LOG.info("Received SIG{}", signal.getName());
        if (received.compareAndSet(false, true)) {
            Thread stop = new Thread(onFirst, "triad-stop");
            stop.setDaemon(true);
            stop.start();
        } else {
            onSecond.run();
        }
    }

    @Override
    public void close() {
        previous.forEach(
                (signal, handler) -> {
                    try {
                        Signal.handle(signal, handler);
                    } catch (IllegalArgumentException e) {
                        LOG.debug("Cannot restore the handler of SIG{}", signal.getName(), e);
                    }
                });
        previous.clear();
    }
}
