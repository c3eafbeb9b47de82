package dev.triad.jobs.progress;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The one-line progress display of a run on stderr: done / total (question, strategy) pairs,
 * questions per second, model calls in flight, whether a fleet is down (the run is paused) and an
 * ETA.
 *
 * <p>On a terminal the line is redrawn in place about once a second (carriage return); otherwise (a
 * log file, CI) a plain line is printed every few seconds. Rates are taken over the last ten
 * seconds. Not thread-safe: one thread calls {@link #update} and {@link #finish}.
 */
public final class ProgressLine {

    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final long total;
    private final int strategies;
    private final long startNanos;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long lastPlainNanos;
    private int lastWidth;

    /**
     * @param err where to draw
     * @param terminal redraw in place (a terminal) or print plain lines
     * @param total (question, strategy) pairs expected, or a negative number when unknown
     * @param strategies strategies per question, to turn pairs into questions per second
     */
    public ProgressLine(PrintWriter err, boolean terminal, long total, int strategies) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.strategies = Math.max(1, strategies);
        this.startNanos = System.nanoTime();
        this.lastPlainNanos = startNanos;
    }

    /** Draws the current numbers (on a terminal every call, otherwise every few seconds). */
    public void update(ProgressSource metrics) {
        long now = System.nanoTime();
        String line = render(metrics, now);
        if (terminal) {
            draw(line);
        } else if (now - lastPlainNanos >= PLAIN_EVERY_NANOS) {
            err.println(line);
            lastPlainNanos = now;
        }
    }

    /** Draws the final numbers and ends the line. */
    public void finish(ProgressSource metrics, String outcome) {
        long now = System.nanoTime();
        long done = metrics.count(ProgressMetrics.QUESTIONS_FINISHED);
        double seconds = (now - startNanos) / 1e9;
        String line =
                String.format(
                        Locale.ROOT,
                        "%s: %s results (question x strategy) in %.1f s, %.1f questions/s",
                        outcome,
                        number(done),
                        seconds,
                        seconds > 0 ? done / seconds / strategies : 0.0);
        if (terminal) {
            draw(line);
            err.println();
        } else {
            err.println(line);
        }
        err.flush();
    }

    String render(ProgressSource metrics, long now) {
        if (!metrics.seen()) {
            return String.format(
                    Locale.ROOT, "%s %.0f s", metrics.waiting(), (now - startNanos) / 1e9);
        }
        long done = metrics.count(ProgressMetrics.QUESTIONS_FINISHED);
        samples.addLast(new long[] {now, done});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW_NANOS) {
            samples.removeFirst();
        }
        long[] first = samples.peekFirst();
        double window = (now - first[0]) / 1e9;
        double pairsPerSecond = window > 0.5 ? (done - first[1]) / window : 0;
        StringBuilder line = new StringBuilder();
        line.append(number(done));
        if (total >= 0) {
            line.append('/')
                    .append(number(total))
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    " (%d%%)",
                                    total == 0 ? 100 : Math.min(100, done * 100 / total)));
        }
        line.append(" done")
                .append(
                        String.format(
                                Locale.ROOT, " | %.1f questions/s", pairsPerSecond / strategies))
                .append(" | ")
                .append(number(metrics.gauge(ProgressMetrics.CALLS_IN_FLIGHT)))
                .append(" calls in flight");
        if (metrics.gauge(ProgressMetrics.FLEETS_DOWN) > 0) {
            line.append(" | FLEET DOWN: calls wait for it, no new questions start");
        }
        if (total >= 0) {
            line.append(" | ETA ");
            long remaining = Math.max(0, total - done);
            if (remaining == 0) {
                line.append("0:00");
            } else if (pairsPerSecond <= 0) {
                line.append("--:--");
            } else {
                line.append(clock((long) Math.ceil(remaining / pairsPerSecond)));
            }
        }
        return line.toString();
    }

    private void draw(String line) {
        int pad = Math.max(0, lastWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastWidth = line.length();
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    /** {@code n} with thousands separators, as the progress line shows counts. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
