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
 * <p>Immutable and thread-safe.
 */
final class ConsistentHashRouter implements ReplicaRouter {

    /** Ring points per replica; 160 keeps the keys' spread within a few percent. */
    static final int DEFAULT_VIRTUAL_NODES = 160;

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
    public int route(String key, View view) {
        if (key == null) {
            return fallback.route(null, view);
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
        long cap = Math.max(1, (long) Math.ceil(loadFactor * (total + 1) / available));
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
        return fallback.route(key, view);
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
