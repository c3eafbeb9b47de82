package dev.triad.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Exact cosine search for pairs of unit-length vectors at or above a threshold, within one list or
 * across two. Every pair is scored (a dot product of the normalized vectors, which is their
 * cosine), block by block so that a block of rows stays in the CPU cache, with row blocks spread
 * over the common fork-join pool.
 *
 * <p>Exact, not approximate: no pair above the threshold is missed. The cost is n × m × dimensions
 * multiply-adds, which is seconds for GSM8K's 7,473 × 1,319 questions and fine up to about 100,000
 * texts within one list (5 × 10^9 pairs); beyond that an approximate index (HNSW) is the tool.
 */
public final class NearDuplicateSearch {

    private static final int BLOCK = 256;

    private final double threshold;
    private final LongConsumer progress;

    /**
     * @param threshold the lowest cosine similarity reported, from -1 to 1
     * @param progress called from the searching threads with the number of rows just finished
     */
    public NearDuplicateSearch(double threshold, LongConsumer progress) {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException(
                    "The similarity threshold must be between -1 and 1, was " + threshold);
        }
        this.threshold = threshold;
        this.progress = progress;
    }

    /** A search without progress reports. */
    public NearDuplicateSearch(double threshold) {
        this(threshold, rows -> {});
    }

    /**
     * Pairs (i, j), i < j, of one list at or above the threshold, highest score first.
     *
     * @param vectors unit-length vectors of equal length
     */
    public List<SimilarPair> within(List<float[]> vectors) {
        return search(flatten(vectors), vectors.size(), null, 0, dimensions(vectors));
    }

    /**
     * Pairs (i, j), i in {@code left} and j in {@code right}, at or above the threshold, highest
     * score first.
     */
    public List<SimilarPair> across(List<float[]> left, List<float[]> right) {
        int dims = dimensions(left);
        if (!right.isEmpty() && right.get(0).length != dims && !left.isEmpty()) {
            throw new IllegalArgumentException(
                    "Vectors of different lengths: "
                            + dims
                            + " and "
                            + right.get(0).length
                            + "; embed both lists with the same model");
        }
        return search(flatten(left), left.size(), flatten(right), right.size(), dims);
    }

    private List<SimilarPair> search(float[] a, int n, float[] b, int m, int dims) {
        boolean self = b == null;
        float[] other = self ? a : b;
        int columns = self ? n : m;
        int blocks = (n + BLOCK - 1) / BLOCK;
        float limit = (float) threshold;
        List<List<SimilarPair>> found =
                IntStream.range(0, blocks)
                        .parallel()
                        .mapToObj(
                                block -> {
                                    List<SimilarPair> pairs = new ArrayList<>();
                                    int rowFrom = block * BLOCK;
                                    int rowTo = Math.min(n, rowFrom + BLOCK);
                                    int colStart = self ? rowFrom : 0;
                                    for (int colFrom = colStart;
                                            colFrom < columns;
                                            colFrom += BLOCK) {
                                        int colTo = Math.min(columns, colFrom + BLOCK);
                                        for (int i = rowFrom; i < rowTo; i++) {
                                            int ai = i * dims;
                                            for (int j = self ? Math.max(colFrom, i + 1) : colFrom;
                                                    j < colTo;
                                                    j++) {
                                                float dot = dot(a, ai, other, j * dims, dims);
                                                if (dot >= limit) {
                                                    pairs.add(new SimilarPair(i, j, dot));
                                                }
                                            }
                                        }
                                    }
                                    progress.accept(rowTo - rowFrom);
                                    return pairs;
                                })
                        .toList();
        List<SimilarPair> all = new ArrayList<>();
        found.forEach(all::addAll);
        all.sort(
                Comparator.comparingDouble(SimilarPair::score)
                        .reversed()
                        .thenComparingInt(SimilarPair::left)
                        .thenComparingInt(SimilarPair::right));
        return all;
    }

    private static float dot(float[] a, int ai, float[] b, int bi, int dims) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < dims; k += 4) {
            s0 += a[ai + k] * b[bi + k];
            s1 += a[ai + k + 1] * b[bi + k + 1];
            s2 += a[ai + k + 2] * b[bi + k + 2];
            s3 += a[ai + k + 3] * b[bi + k + 3];
        }
        for (; k < dims; k++) {
            s0 += a[ai + k] * b[bi + k];
        }
        return s0 + s1 + s2 + s3;
    }

    private static int dimensions(List<float[]> vectors) {
        int dims = vectors.isEmpty() ? 0 : vectors.get(0).length;
        for (float[] v : vectors) {
            if (v.length != dims) {
                throw new IllegalArgumentException(
                        "Vectors of different lengths: "
                                + dims
                                + " and "
                                + v.length
                                + "; embed every text with the same model");
            }
        }
        return dims;
    }

    private static float[] flatten(List<float[]> vectors) {
        int dims = vectors.isEmpty() ? 0 : vectors.get(0).length;
        float[] flat = new float[vectors.size() * dims];
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(vectors.get(i), 0, flat, i * dims, dims);
        }
        return flat;
    }
}
