package dev.triad.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NeighbourIndexTest {

    private static final int DIMS = 48;

    @Test
    void exactSearchGivesTheTrueTopKNearestFirst() {
        List<float[]> pool = clustered(2_000, 40, new Random(11));
        NeighbourIndex index = NeighbourIndex.build(pool, NeighbourIndex.DEFAULT_EXACT_UP_TO);
        assertThat(index.approximate()).isFalse();
        Random queries = new Random(12);
        for (int q = 0; q < 50; q++) {
            float[] query = pool.get(queries.nextInt(pool.size()));
            NeighbourIndex.Neighbours found = index.nearest(query, 5, (i, s) -> false);
            assertThat(found.found().stream().map(NeighbourIndex.Neighbour::index).toList())
                    .isEqualTo(bruteForce(pool, query, 5, Set.of()));
            assertThat(found.skipped()).isZero();
            assertThat(found.found())
                    .isSortedAccordingTo(
                            Comparator.comparingDouble((NeighbourIndex.Neighbour n) -> -n.score()));
        }
    }

    @Test
    void excludedVectorsAreSkippedAndCounted() {
        List<float[]> pool = clustered(500, 10, new Random(3));
        NeighbourIndex index = NeighbourIndex.build(pool, 1_000);
        float[] query = pool.get(7);
        // The query itself (score 1) and everything at 0.99 or above are copies.
        NeighbourIndex.Neighbours found = index.nearest(query, 3, (i, score) -> score >= 0.99f);
        long copies = pool.stream().filter(v -> dot(v, query) >= 0.99f).count();
        assertThat(copies).isPositive();
        assertThat(found.skipped()).isEqualTo((int) copies);
        assertThat(found.found())
                .hasSize(3)
                .allSatisfy(n -> assertThat(n.score()).isLessThan(0.99f));
        assertThat(found.found().stream().map(NeighbourIndex.Neighbour::index)).doesNotContain(7);
    }

    @Test
    void hnswFindsAtLeast95PercentOfTheExactNeighbours() {
        List<float[]> pool = clustered(4_000, 60, new Random(21));
        NeighbourIndex exact = NeighbourIndex.build(pool, Integer.MAX_VALUE);
        NeighbourIndex hnsw = NeighbourIndex.build(pool, 0); // force the HNSW path
        assertThat(hnsw.approximate()).isTrue();
        Random queries = new Random(22);
        int k = 5;
        int hits = 0;
        int total = 0;
        for (int q = 0; q < 200; q++) {
            float[] query = perturb(pool.get(queries.nextInt(pool.size())), queries, 0.3f);
            Set<Integer> truth = new HashSet<>();
            exact.nearest(query, k, (i, s) -> false).found().forEach(n -> truth.add(n.index()));
            for (NeighbourIndex.Neighbour n : hnsw.nearest(query, k, (i, s) -> false).found()) {
                if (truth.contains(n.index())) {
                    hits++;
                }
            }
            total += k;
        }
        double recall = hits / (double) total;
        assertThat(recall)
                .as("recall@%d of HNSW against exact search", k)
                .isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void hnswLooksFurtherWhenTheNearestAreExcluded() {
        List<float[]> pool = clustered(3_000, 30, new Random(5));
        NeighbourIndex hnsw = NeighbourIndex.build(pool, 0);
        float[] query = pool.get(0);
        // Exclude the 40 nearest (more than the first candidate list holds).
        Set<Integer> nearest = new HashSet<>(bruteForce(pool, query, 40, Set.of()));
        NeighbourIndex.Neighbours found = hnsw.nearest(query, 3, (i, score) -> nearest.contains(i));
        assertThat(found.found()).hasSize(3);
        assertThat(found.found()).noneMatch(n -> nearest.contains(n.index()));
        assertThat(found.skipped()).isPositive();
    }

    @Test
    void refusesVectorsOfDifferentLengths() {
        assertThatThrownBy(() -> NeighbourIndex.build(List.of(new float[3], new float[4]), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different lengths");
    }

    /** Unit vectors around {@code clusters} random centres, as embeddings of topics are. */
    private static List<float[]> clustered(int n, int clusters, Random random) {
        List<float[]> centres = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            centres.add(unit(gaussian(random)));
        }
        List<float[]> vectors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vectors.add(perturb(centres.get(random.nextInt(clusters)), random, 0.5f));
        }
        return vectors;
    }

    private static float[] perturb(float[] v, Random random, float noise) {
        float[] out = v.clone();
        float[] g = gaussian(random);
        for (int d = 0; d < DIMS; d++) {
            out[d] += noise * g[d] / (float) Math.sqrt(DIMS);
        }
        return unit(out);
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        for (int d = 0; d < v.length; d++) {
            v[d] /= (float) norm;
        }
        return v;
    }

    /** A dot product summed as the index sums it (four lanes), so ties break the same way. */
    private static float dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < a.length; k++) {
            s0 += a[k] * b[k];
        }
        return s0 + s1 + s2 + s3;
    }

    private static List<Integer> bruteForce(
            List<float[]> pool, float[] query, int k, Set<Integer> excluded) {
        return IntStream.range(0, pool.size())
                .filter(i -> !excluded.contains(i))
                .boxed()
                .sorted(
                        Comparator.comparingDouble((Integer i) -> -dot(pool.get(i), query))
                                .thenComparingInt(i -> i))
                .limit(k)
                .toList();
    }
}
