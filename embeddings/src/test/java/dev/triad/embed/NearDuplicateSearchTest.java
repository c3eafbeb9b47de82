package dev.triad.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The blocked exact search against a plain double loop, across block boundaries. */
class NearDuplicateSearchTest {

    private static List<float[]> randomUnitVectors(int count, int dims, Random random) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] v = new float[dims];
            double norm = 0;
            for (int k = 0; k < dims; k++) {
                v[k] = (float) random.nextGaussian();
                norm += v[k] * v[k];
            }
            for (int k = 0; k < dims; k++) {
                v[k] /= (float) Math.sqrt(norm);
            }
            vectors.add(v);
        }
        return vectors;
    }

    /** Near copies of some vectors, so that there are pairs to find. */
    private static List<float[]> withNearCopies(List<float[]> base, int copies, Random random) {
        List<float[]> all = new ArrayList<>(base);
        for (int c = 0; c < copies; c++) {
            float[] original = base.get(random.nextInt(base.size()));
            float[] copy = original.clone();
            copy[random.nextInt(copy.length)] += 0.05f;
            double norm = 0;
            for (float x : copy) {
                norm += x * x;
            }
            for (int k = 0; k < copy.length; k++) {
                copy[k] /= (float) Math.sqrt(norm);
            }
            all.add(copy);
        }
        return all;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static Set<List<Integer>> keys(List<SimilarPair> pairs) {
        Set<List<Integer>> keys = new HashSet<>();
        for (SimilarPair p : pairs) {
            keys.add(List.of(p.left(), p.right()));
        }
        return keys;
    }

    @Test
    void withinFindsExactlyThePairsAPlainLoopFinds() {
        Random random = new Random(7);
        List<float[]> vectors = withNearCopies(randomUnitVectors(600, 24, random), 40, random);
        double threshold = 0.6;
        Set<List<Integer>> expected = new HashSet<>();
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = i + 1; j < vectors.size(); j++) {
                if (dot(vectors.get(i), vectors.get(j)) >= threshold) {
                    expected.add(List.of(i, j));
                }
            }
        }
        AtomicLong rows = new AtomicLong();
        List<SimilarPair> found =
                new NearDuplicateSearch(threshold, rows::addAndGet).within(vectors);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(40);
        assertThat(keys(found)).isEqualTo(expected);
        assertThat(found).hasSize(expected.size());
        assertThat(rows.get()).isEqualTo(vectors.size());
        for (int k = 1; k < found.size(); k++) {
            assertThat(found.get(k).score()).isLessThanOrEqualTo(found.get(k - 1).score());
        }
        SimilarPair top = found.get(0);
        assertThat(top.score())
                .isCloseTo(
                        dot(vectors.get(top.left()), vectors.get(top.right())),
                        org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void acrossFindsExactlyThePairsAPlainLoopFinds() {
        Random random = new Random(11);
        List<float[]> left = randomUnitVectors(300, 16, random);
        List<float[]> right = withNearCopies(left, 30, random).subList(250, 330);
        double threshold = 0.5;
        Set<List<Integer>> expected = new HashSet<>();
        for (int i = 0; i < left.size(); i++) {
            for (int j = 0; j < right.size(); j++) {
                if (dot(left.get(i), right.get(j)) >= threshold) {
                    expected.add(List.of(i, j));
                }
            }
        }
        List<SimilarPair> found = new NearDuplicateSearch(threshold).across(left, right);
        assertThat(expected).isNotEmpty();
        assertThat(keys(found)).isEqualTo(expected);
    }

    @Test
    void aThresholdOutsideTheCosineRangeIsRejected() {
        assertThatThrownBy(() -> new NearDuplicateSearch(1.5))
                .hasMessageContaining("between -1 and 1, was 1.5");
    }
}
