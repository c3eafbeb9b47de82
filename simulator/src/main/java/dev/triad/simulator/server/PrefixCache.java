package dev.triad.simulator.server;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One replica's prefix cache, as vLLM's automatic prefix caching keeps it: the prompt's tokens in
 * blocks of {@value #BLOCK_TOKENS}, each block known by a hash chained over all blocks before it
 * (so a block only matches behind the same prefix), and a least-recently-used set of block hashes
 * with a capacity in blocks. A request's cached tokens are its leading blocks found in the set; its
 * blocks are inserted once its prefill is done.
 *
 * <p>Threading: not thread-safe; its {@link Replica} guards it.
 */
final class PrefixCache {

    /** Tokens per block (vLLM's default block size). */
    static final int BLOCK_TOKENS = 16;

    private static final long SEED = 0x6A09E667F3BCC908L;
    private static final long PRIME = 0x100000001B3L;

    private final int capacity;
    private final LinkedHashMap<Long, Boolean> blocks;

    PrefixCache(int capacityBlocks) {
        this.capacity = capacityBlocks;
        this.blocks =
                new LinkedHashMap<>(Math.min(capacityBlocks, 1 << 16) * 2, 0.75f, true) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                        return size() > capacity;
                    }
                };
    }

    /**
     * How many of the leading blocks (at most {@code maxBlocks}) are cached; each one found counts
     * as used just now.
     */
    int match(long[] blockHashes, int maxBlocks) {
        int n = Math.min(blockHashes.length, maxBlocks);
        int found = 0;
        while (found < n && blocks.get(blockHashes[found]) != null) {
            found++;
        }
        return found;
    }

    /** Caches the blocks, evicting the least recently used ones beyond the capacity. */
    void insert(long[] blockHashes) {
        for (long hash : blockHashes) {
            blocks.put(hash, Boolean.TRUE);
        }
    }

    /** Blocks cached now. */
    int size() {
        return blocks.size();
    }

    int capacity() {
        return capacity;
    }

    /**
     * Chains token ids into block hashes: feed the prompt's tokens in order, then take {@link
     * #blocks()}; a last partial block is not cached (as in vLLM). Not thread-safe.
     */
    static final class Hasher {
        private long[] hashes = new long[16];
        private int count;
        private long previous = SEED;
        private long current = SEED;
        private int inBlock;

        void add(int[] tokens) {
            for (int token : tokens) {
                current = (current ^ token) * PRIME;
                if (++inBlock == BLOCK_TOKENS) {
                    long hash = mix(previous ^ mix(current));
                    if (count == hashes.length) {
                        hashes = Arrays.copyOf(hashes, count * 2);
                    }
                    hashes[count++] = hash;
                    previous = hash;
                    current = SEED;
                    inBlock = 0;
                }
            }
        }

        long[] blocks() {
            return Arrays.copyOf(hashes, count);
        }
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
