package dev.triad.model.openai;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Prefix affinity: consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam,
 * 2018). Each replica owns {@code virtualNodes} points on a 64-bit ring, placed by hashing its id
 * (the base URL), so every subtask and every run builds the same ring; a key (the question id) goes
 * to the first replica clockwise from its hash that is available and whose load stays within {@code
 * ceil(loadFactor × (total load + 1) / available replicas)}. A hot replica therefore spills calls
 * over to the next replica on the ring rather than queueing without bound, and a replica that is
 * ejected or asked to wait gives its keys to its ring successors only: the other keys stay where
 * they were.
 *
 * <p>The bound grows with the call's prompt, because what a spill costs does: the replica it spills
 * to has not cached the question's context and must prefill all of it (and evicts another
 * question's context to hold it), while staying home costs a little more queueing. Up to {@value
 * #SHORT_PROMPT_TOKENS} prompt tokens the factor is {@code loadFactor}; above, it rises in
 * proportion to the prompt up to {@value #LONG_PROMPT_FACTOR} × {@code loadFactor} at twice that
 * length. {@code ./triad bench prefix} measured why one fixed factor does not do: on prompts of
 * ~3,100 tokens a factor of 1.25 spilled enough calls to lower the prefix cache hit rate from 0.86
 * to 0.82 and raise the median time to first token by half, while on prompts of ~320 tokens a
 * factor of 2.5 lost calls/s to the imbalance and gained little, since a spill there re-prefills
 * little (the README's "saturation and prefix" has the figures).
 *
 * <p>Immutable and thread-safe.
 */
final class ConsistentHashRouter implements ReplicaRouter {

    /** Ring points per replica; 160 keeps the keys' spread within a few percent. */
    static final int DEFAULT_VIRTUAL_NODES = 160;

    /** Prompts up to this many tokens spill at the configured load factor. */
    static final long SHORT_PROMPT_TOKENS = 1024;

    /** How many times the configured factor a prompt of twice {@link #SHORT_PROMPT_TOKENS} gets. */
    static final double LONG_PROMPT_FACTOR = 2.0;

    private final long[] points;
    private final int[] owners;
    private final int replicas;
    private final double loadFactor;
    private final LeastOutstandingRouter fallback = new LeastOutstandingRouter();

    /**
     * A ring over replicas with these ids.
     *
     * @param ids one id per replica, e.g. its base URL; must be distinct
     * @param virtualNodes ring points per replica, at least 1
     * @param loadFactor how far above the mean load one replica may go, above 1 (1.25 = 25 %)
     */
    ConsistentHashRouter(List<String> ids, int virtualNodes, double loadFactor) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("A ring needs at least one replica");
        }
        if (virtualNodes < 1) {
            throw new IllegalArgumentException(
                    "virtual nodes must be at least 1, was " + virtualNodes);
        }
        if (!(loadFactor > 1)) {
            throw new IllegalArgumentException(
                    "the bounded-load factor must be above 1 (e.g. 1.25), was " + loadFactor);
        }
        this.replicas = ids.size();
        this.loadFactor = loadFactor;
        int n = replicas * virtualNodes;
        long[] hashes = new long[n];
        int[] who = new int[n];
        Integer[] order = new Integer[n];
        for (int r = 0, k = 0; r < replicas; r++) {
            for (int v = 0; v < virtualNodes; v++, k++) {
                hashes[k] = hash(ids.get(r) + "#" + v);
                who[k] = r;
                order[k] = k;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(hashes[a], hashes[b]));
        this.points = new long[n];
        this.owners = new int[n];
        for (int k = 0; k < n; k++) {
            points[k] = hashes[order[k]];
            owners[k] = who[order[k]];
        }
    }

    @Override
    public int route(String key, long promptTokens, View view) {
        if (key == null) {
            return fallback.route(null, promptTokens, view);
        }
        int available = 0;
        long total = 0;
        for (int i = 0; i < replicas; i++) {
            if (view.available(i)) {
                available++;
                total += view.load(i);
            }
        }
        if (available == 0) {
            return -1;
        }
        long cap =
                Math.max(1, (long) Math.ceil(loadFactor(promptTokens) * (total + 1) / available));
        boolean[] seen = new boolean[replicas];
        int distinct = 0;
        for (int k = start(hash(key)), steps = 0;
                steps < points.length && distinct < replicas;
                k = (k + 1) % points.length, steps++) {
            int r = owners[k];
            if (seen[r]) {
                continue;
            }
            seen[r] = true;
            distinct++;
            if (view.available(r) && view.load(r) + 1 <= cap) {
                return r;
            }
        }
        // Cannot happen (some replica is at or below the mean), but never route nowhere.
        return fallback.route(key, promptTokens, view);
    }

    /**
     * The bounded-load factor for a call with this prompt: {@code loadFactor} up to {@link
     * #SHORT_PROMPT_TOKENS}, then in proportion to the prompt, at most {@link #LONG_PROMPT_FACTOR}
     * times {@code loadFactor}.
     */
    double loadFactor(long promptTokens) {
        double scale = Math.max(1.0, (double) promptTokens / SHORT_PROMPT_TOKENS);
        return loadFactor * Math.min(LONG_PROMPT_FACTOR, scale);
    }

    /** The replica that owns {@code key} when every replica is available and idle. */
    int owner(String key) {
        return owners[start(hash(key))];
    }

    private int start(long h) {
        int i = Arrays.binarySearch(points, h);
        if (i < 0) {
            i = -i - 1;
        }
        return i == points.length ? 0 : i;
    }

    /**
     * FNV-1a over the UTF-8 bytes, then MurmurHash3's finaliser: well spread, stable across JVMs.
     */
    static long hash(String text) {
        long h = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
