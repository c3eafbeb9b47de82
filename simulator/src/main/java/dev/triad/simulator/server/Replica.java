package dev.triad.simulator.server;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * One simulated replica's engine state: the scheduler (at most {@code max-num-seqs} sequences
 * running, a bounded waiting queue in arrival order), the prefix cache, the fault draws and the
 * counters {@code /metrics} shows. What a vLLM engine would hold for one GPU.
 *
 * <p>Threading: every method is safe from any event-loop thread; state is guarded by this object's
 * monitor and every critical section is short (no I/O, no tokenising). A sequence is started on its
 * own connection's event loop.
 */
final class Replica {

    /** What became of a request that asked for a slot. */
    enum Admission {
        /** It holds a slot now; the caller starts it. */
        RUN,
        /** It waits; the replica starts it on its executor when a slot frees. */
        QUEUED,
        /** The queue is full: answer 429. */
        REJECTED
    }

    /** A request as the scheduler sees it. */
    abstract static class Sequence {
        static final int NEW = 0;
        static final int WAITING = 1;
        static final int RUNNING = 2;
        static final int DONE = 3;

        /** Guarded by the replica. */
        int state = NEW;

        /** Guarded by the replica: when it got its slot. */
        long startedNanos;

        /** The event loop of the sequence's connection. */
        abstract EventExecutor executor();

        /** Called on {@link #executor()} once the sequence holds a slot. */
        abstract void start();
    }

    /** Longest {@code Retry-After} a full queue gives, in seconds. */
    static final int MAX_RETRY_AFTER_SECONDS = 60;

    /** Weight of the newest service time in the running average {@code Retry-After} uses. */
    private static final double SERVICE_EWMA_WEIGHT = 0.1;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double UNIT = 0x1.0p-53;

    final int index;
    private final ServerSettings settings;
    private final PrefixCache cache;
    private final FaultType[] faultTypes;
    private final long faultSeed;
    private final double slowdownPerSequence;

    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private int running;
    private int hanging;
    private long requestNumber;
    private double runningSeconds;
    private long lastChangeNanos = System.nanoTime();
    private double serviceSeconds;
    private long prefixQueryTokens;
    private long prefixHitTokens;
    private long promptTokens;
    private long generationTokens;
    private double ttftSeconds;
    private long ttftCount;
    private final Map<String, Long> requestsByCode = new TreeMap<>();
    private final Map<FaultType, Long> faults = new EnumMap<>(FaultType.class);

    Replica(int index, ServerSettings settings) {
        this.index = index;
        this.settings = settings;
        this.cache = settings.prefixCache() ? new PrefixCache(settings.prefixCacheBlocks()) : null;
        this.faultTypes =
                List.of(FaultType.values()).stream()
                        .filter(settings.faults()::contains)
                        .toArray(FaultType[]::new);
        this.faultSeed = PrefixCache.mix(settings.seed() ^ (GOLDEN * (index + 1)));
        this.slowdownPerSequence = (settings.loadFactor() - 1) / settings.maxNumSeqs();
        this.serviceSeconds =
                (settings.prefillOverheadMs() + settings.interTokenMs() * 100) / 1000.0;
    }

    /**
     * The fault for the next chat request, or {@code null}: a pure function of the seed, the
     * replica and how many chat requests it got before, so a run with the same seed and the same
     * request order gets the same faults.
     */
    synchronized FaultType drawFault() {
        long n = requestNumber++;
        if (faultTypes.length == 0 || settings.faultRate() <= 0) {
            return null;
        }
        long h = PrefixCache.mix(faultSeed + n * GOLDEN);
        if ((h >>> 11) * UNIT >= settings.faultRate()) {
            return null;
        }
        FaultType type =
                faultTypes[(int) ((PrefixCache.mix(h ^ GOLDEN) >>> 11) * UNIT * faultTypes.length)];
        faults.merge(type, 1L, Long::sum);
        return type;
    }

    /** Asks for a slot: run now, wait in the queue, or rejected because the queue is full. */
    synchronized Admission admit(Sequence sequence) {
        if (running < settings.maxNumSeqs() && waiting.isEmpty()) {
            sequence.state = Sequence.RUNNING;
            sequence.startedNanos = System.nanoTime();
            changeRunning(1, sequence.startedNanos);
            return Admission.RUN;
        }
        if (waiting.size() < settings.maxWaiting()) {
            sequence.state = Sequence.WAITING;
            waiting.addLast(sequence);
            return Admission.QUEUED;
        }
        return Admission.REJECTED;
    }

    /**
     * Ends a sequence, wherever it is: a waiting one leaves the queue, a running one frees its slot
     * for the first waiting one (started on its own event loop). Calling it again does nothing.
     */
    void release(Sequence sequence) {
        Sequence next = null;
        synchronized (this) {
            int state = sequence.state;
            sequence.state = Sequence.DONE;
            if (state == Sequence.WAITING) {
                waiting.remove(sequence);
                return;
            }
            if (state != Sequence.RUNNING) {
                return;
            }
            long now = System.nanoTime();
            changeRunning(-1, now);
            double service = (now - sequence.startedNanos) / 1e9;
            serviceSeconds += SERVICE_EWMA_WEIGHT * (service - serviceSeconds);
            next = waiting.pollFirst();
            if (next != null) {
                next.state = Sequence.RUNNING;
                next.startedNanos = now;
                changeRunning(1, now);
            }
        }
        if (next != null) {
            Sequence started = next;
            try {
                started.executor().execute(started::start);
            } catch (RejectedExecutionException e) {
                // The server is shutting down; its connections close with it.
                release(started);
            }
        }
    }

    /**
     * How long a rejected client should wait, in whole seconds: the time the queue takes to drain
     * at the recent service time, at least the configured {@code Retry-After}.
     */
    synchronized int retryAfterSeconds() {
        double drain = (waiting.size() + 1.0) / settings.maxNumSeqs() * serviceSeconds;
        int seconds = (int) Math.ceil(drain);
        return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(settings.retryAfterSeconds(), seconds));
    }

    /** The slowdown factor with the sequences running now. */
    synchronized double slowdown() {
        return 1 + slowdownPerSequence * running;
    }

    /**
     * Looks the prompt's blocks up in the prefix cache: the cached tokens (0 when the cache is
     * off). At least one prompt token is always computed, as in vLLM.
     */
    synchronized int cachedTokens(long[] blocks, int promptTokens) {
        this.promptTokens += promptTokens;
        if (cache == null) {
            return 0;
        }
        int maxBlocks = Math.max(0, (promptTokens - 1) / PrefixCache.BLOCK_TOKENS);
        int cached = cache.match(blocks, maxBlocks) * PrefixCache.BLOCK_TOKENS;
        prefixQueryTokens += promptTokens;
        prefixHitTokens += cached;
        return cached;
    }

    /** Caches a prompt's blocks once its prefill is done. */
    synchronized void prefilled(long[] blocks, double ttftSeconds) {
        if (cache != null) {
            cache.insert(blocks);
        }
        this.ttftSeconds += ttftSeconds;
        this.ttftCount++;
    }

    /** Counts a request's answer (or lack of one) by status code; {@code none} for no status. */
    synchronized void answered(String code, int completionTokens) {
        requestsByCode.merge(code, 1L, Long::sum);
        generationTokens += completionTokens;
    }

    synchronized void hangStarted() {
        hanging++;
    }

    synchronized void hangEnded() {
        hanging--;
    }

    private void changeRunning(int delta, long now) {
        runningSeconds += running * ((now - lastChangeNanos) / 1e9);
        lastChangeNanos = now;
        running += delta;
    }

    synchronized ReplicaStats stats() {
        long now = System.nanoTime();
        return new ReplicaStats(
                index,
                running,
                waiting.size(),
                hanging,
                runningSeconds + running * ((now - lastChangeNanos) / 1e9),
                prefixQueryTokens,
                prefixHitTokens,
                cache == null ? 0 : cache.size(),
                promptTokens,
                generationTokens,
                Map.copyOf(requestsByCode),
                faults.isEmpty() ? Map.of() : Map.copyOf(faults));
    }

    /** The replica's metrics in Prometheus' text format (vLLM's names where vLLM has one). */
    String metrics() {
        ReplicaStats s = stats();
        double ttftSum;
        long ttftN;
        synchronized (this) {
            ttftSum = ttftSeconds;
            ttftN = ttftCount;
        }
        String labels =
                "model_name=\"" + escape(settings.modelName()) + "\",replica=\"" + index + "\"";
        StringBuilder out = new StringBuilder(4096);
        gauge(
                out,
                "vllm:num_requests_running",
                "Sequences running now (at most max-num-seqs).",
                labels,
                s.running());
        gauge(
                out,
                "vllm:num_requests_waiting",
                "Requests waiting for a slot.",
                labels,
                s.waiting());
        gauge(
                out,
                "triad_sim_max_num_seqs",
                "Sequences that may run at once (max-num-seqs).",
                labels,
                settings.maxNumSeqs());
        gauge(
                out,
                "triad_sim_max_waiting",
                "Requests that may wait before 429 (max-waiting).",
                labels,
                settings.maxWaiting());
        counter(
                out,
                "triad_sim_running_seconds_total",
                "Running sequences integrated over time; its rate divided by max-num-seqs is the"
                        + " busy fraction.",
                labels,
                s.runningSeconds());
        gauge(
                out,
                "triad_sim_requests_hanging",
                "Requests held open without an answer (fault hang).",
                labels,
                s.hanging());
        counter(
                out,
                "vllm:prefix_cache_queries_total",
                "Prompt tokens looked up in the prefix cache.",
                labels,
                s.prefixQueryTokens());
        counter(
                out,
                "vllm:prefix_cache_hits_total",
                "Prompt tokens found in the prefix cache.",
                labels,
                s.prefixHitTokens());
        gauge(
                out,
                "vllm:gpu_prefix_cache_hit_rate",
                "Prefix cache hits divided by queries, in tokens, since start.",
                labels,
                s.prefixQueryTokens() == 0
                        ? 0
                        : (double) s.prefixHitTokens() / s.prefixQueryTokens());
        gauge(
                out,
                "triad_sim_prefix_cache_blocks",
                "Blocks in the prefix cache now.",
                labels,
                s.prefixCacheBlocks());
        counter(
                out,
                "vllm:prompt_tokens_total",
                "Prompt tokens of requests started.",
                labels,
                s.promptTokens());
        counter(
                out,
                "vllm:generation_tokens_total",
                "Completion tokens answered.",
                labels,
                s.generationTokens());
        header(
                out,
                "triad_sim_time_to_first_token_seconds",
                "Simulated time to first token.",
                "summary");
        sample(out, "triad_sim_time_to_first_token_seconds_sum", labels, ttftSum);
        sample(out, "triad_sim_time_to_first_token_seconds_count", labels, ttftN);
        header(
                out,
                "triad_sim_requests_total",
                "Chat requests by the status code answered (none: reset, hang or client gone).",
                "counter");
        for (Map.Entry<String, Long> e : s.requestsByCode().entrySet()) {
            sample(
                    out,
                    "triad_sim_requests_total",
                    labels + ",code=\"" + e.getKey() + "\"",
                    e.getValue());
        }
        header(out, "triad_sim_faults_injected_total", "Faults injected, by type.", "counter");
        for (FaultType type : FaultType.values()) {
            sample(
                    out,
                    "triad_sim_faults_injected_total",
                    labels + ",type=\"" + type.wireName() + "\"",
                    s.faults().getOrDefault(type, 0L));
        }
        return out.toString();
    }

    private static void gauge(
            StringBuilder out, String name, String help, String labels, double value) {
        header(out, name, help, "gauge");
        sample(out, name, labels, value);
    }

    private static void counter(
            StringBuilder out, String name, String help, String labels, double value) {
        header(out, name, help, "counter");
        sample(out, name, labels, value);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
