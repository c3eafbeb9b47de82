package dev.triad.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {

    private static long[] blocks(int[] tokens) {
        PrefixCache.Hasher hasher = new PrefixCache.Hasher();
        hasher.add(tokens);
        return hasher.blocks();
    }

    private static int[] tokens(int from, int count) {
        return IntStream.range(from, from + count).toArray();
    }

    @Test
    void onlyFullBlocksAreHashed() {
        assertThat(blocks(tokens(0, 15))).isEmpty();
        assertThat(blocks(tokens(0, 16))).hasSize(1);
        assertThat(blocks(tokens(0, 47))).hasSize(2);
    }

    @Test
    void hashesChainOverThePrefixAndDoNotDependOnHowTokensWereFed() {
        PrefixCache.Hasher split = new PrefixCache.Hasher();
        split.add(tokens(0, 10));
        split.add(tokens(10, 22));

        assertThat(split.blocks()).containsExactly(blocks(tokens(0, 32)));
        int[] otherStart = tokens(0, 32);
        otherStart[0] = 999;
        long[] other = blocks(otherStart);
        // Same second block, different first block: the chained hash differs too.
        assertThat(other[1]).isNotEqualTo(blocks(tokens(0, 32))[1]);
    }

    @Test
    void matchCountsLeadingBlocksOnly() {
        PrefixCache cache = new PrefixCache(100);
        long[] prompt = blocks(tokens(0, 64));
        cache.insert(new long[] {prompt[0], prompt[2], prompt[3]});

        assertThat(cache.match(prompt, 10)).isEqualTo(1);
        cache.insert(prompt);
        assertThat(cache.match(prompt, 10)).isEqualTo(4);
        assertThat(cache.match(prompt, 3)).isEqualTo(3);
    }

    @Test
    void leastRecentlyUsedBlocksAreEvictedAtCapacity() {
        PrefixCache cache = new PrefixCache(2);
        long[] a = {1L};
        long[] b = {2L};
        long[] c = {3L};
        cache.insert(a);
        cache.insert(b);
        assertThat(cache.match(a, 1)).isEqualTo(1); // a is now the most recently used

        cache.insert(c);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.match(a, 1)).isEqualTo(1);
        assertThat(cache.match(b, 1)).isZero();
        assertThat(cache.match(c, 1)).isEqualTo(1);
    }
}
