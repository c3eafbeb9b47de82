package dev.triad.embed;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The K nearest of a fixed set of unit-length vectors to a query, by cosine similarity (their dot
 * product), passing over the ones an {@link Exclusion} rules out. Built once ({@link #build}),
 * searched from any number of threads.
 *
 * <p>Exact up to {@code exactUpTo} vectors: every vector is scored, so the answer is the true top K
 * and {@link Neighbours#skipped()} counts every excluded vector. Above it, an HNSW graph
 * (hnswlib-core, inner-product distance, M = {@value #M}, efConstruction = {@value
 * #EF_CONSTRUCTION}, ef = {@value #EF} or K if larger) answers approximately: it may miss a true
 * neighbour, and {@code skipped} counts the excluded vectors among the candidates it looked at. The
 * graph's levels are drawn by hnswlib from {@code ThreadLocalRandom} (not seedable), so two builds
 * of one set may differ slightly.
 */
public final class NeighbourIndex {

    /** The exact-search limit when none is given: exact for up to 100,000 vectors. */
    public static final int DEFAULT_EXACT_UP_TO = 100_000;

    static final int M = 16;
    static final int EF_CONSTRUCTION = 200;
    static final int EF = 100;

    /** Rules a vector out of the answer (e.g. a copy of the question). */
    @FunctionalInterface
    public interface Exclusion {
        /**
         * @param index the vector's position in the built list
         * @param score its cosine similarity to the query
         */
        boolean excludes(int index, float score);
    }

    /** One neighbour: its position in the built list and its cosine similarity to the query. */
    public record Neighbour(int index, float score) {}

    /**
     * The answer to one query.
     *
     * @param found the nearest vectors not excluded, nearest first (ties: lower index first)
     * @param skipped vectors excluded (all of them when exact; among the candidates when not)
     */
    public record Neighbours(List<Neighbour> found, int skipped) {}

    private record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    private final int size;
    private final int dims;
    private final float[] flat;
    private final HnswIndex<Integer, float[], Vector, Float> graph;

    private NeighbourIndex(
            int size, int dims, float[] flat, HnswIndex<Integer, float[], Vector, Float> graph) {
        this.size = size;
        this.dims = dims;
        this.flat = flat;
        this.graph = graph;
    }

    /**
     * Indexes {@code vectors}: exact search when there are at most {@code exactUpTo}, an HNSW graph
     * (built over all cores) otherwise.
     *
     * @param vectors unit-length vectors of equal length
     * @throws IllegalArgumentException when the vectors differ in length or {@code exactUpTo} is
     *     negative
     */
    public static NeighbourIndex build(List<float[]> vectors, int exactUpTo) {
        if (exactUpTo < 0) {
            throw new IllegalArgumentException(
                    "The exact-search limit must be 0 or more, was " + exactUpTo);
        }
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
        if (vectors.size() <= exactUpTo) {
            float[] flat = new float[vectors.size() * dims];
            for (int i = 0; i < vectors.size(); i++) {
                System.arraycopy(vectors.get(i), 0, flat, i * dims, dims);
            }
            return new NeighbourIndex(vectors.size(), dims, flat, null);
        }
        HnswIndex<Integer, float[], Vector, Float> graph =
                HnswIndex.newBuilder(dims, DistanceFunctions.FLOAT_INNER_PRODUCT, vectors.size())
                        .withM(M)
                        .withEfConstruction(EF_CONSTRUCTION)
                        .withEf(EF)
                        .build();
        List<Vector> items = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            items.add(new Vector(i, vectors.get(i)));
        }
        try {
            graph.addAll(items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while building the HNSW index", e);
        }
        return new NeighbourIndex(vectors.size(), dims, null, graph);
    }

    /** How many vectors it holds. */
    public int size() {
        return size;
    }

    /** Whether searches are approximate (an HNSW graph) rather than exact. */
    public boolean approximate() {
        return graph != null;
    }

    /**
     * The {@code k} nearest vectors to {@code query} that {@code exclusion} does not rule out
     * (fewer when fewer remain).
     */
    public Neighbours nearest(float[] query, int k, Exclusion exclusion) {
        if (query.length != dims && size > 0) {
            throw new IllegalArgumentException(
                    "The query has "
                            + query.length
                            + " dimensions, the index "
                            + dims
                            + "; embed both with the same model");
        }
        if (k < 1 || size == 0) {
            return new Neighbours(List.of(), 0);
        }
        return graph == null ? exact(query, k, exclusion) : approximate(query, k, exclusion);
    }

    private static final Comparator<Neighbour> NEAREST_FIRST =
            Comparator.comparingDouble((Neighbour n) -> -n.score())
                    .thenComparingInt(Neighbour::index);

    private Neighbours exact(float[] query, int k, Exclusion exclusion) {
        // The worst kept neighbour on top, to be replaced by a better one.
        PriorityQueue<Neighbour> kept = new PriorityQueue<>(k + 1, NEAREST_FIRST.reversed());
        int skipped = 0;
        for (int i = 0; i < size; i++) {
            float score = dot(query, flat, i * dims, dims);
            if (exclusion.excludes(i, score)) {
                skipped++;
                continue;
            }
            Neighbour candidate = new Neighbour(i, score);
            if (kept.size() < k) {
                kept.add(candidate);
            } else if (NEAREST_FIRST.compare(candidate, kept.peek()) < 0) {
                kept.poll();
                kept.add(candidate);
            }
        }
        List<Neighbour> found = new ArrayList<>(kept);
        found.sort(NEAREST_FIRST);
        return new Neighbours(List.copyOf(found), skipped);
    }

    private Neighbours approximate(float[] query, int k, Exclusion exclusion) {
        int asked = Math.min(size, 2 * k + 8);
        while (true) {
            List<SearchResult<Vector, Float>> results = graph.findNearest(query, asked);
            List<Neighbour> found = new ArrayList<>(k);
            int skipped = 0;
            for (SearchResult<Vector, Float> result : results) {
                int index = result.item().id();
                float score = 1f - result.distance();
                if (exclusion.excludes(index, score)) {
                    skipped++;
                } else if (found.size() < k) {
                    found.add(new Neighbour(index, score));
                }
            }
            if (found.size() == k || asked >= size) {
                found.sort(NEAREST_FIRST);
                return new Neighbours(List.copyOf(found), skipped);
            }
            asked = (int) Math.min(size, 4L * asked); // many excluded: look further
        }
    }

    private static float dot(float[] a, float[] b, int bi, int dims) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < dims; k += 4) {
            s0 += a[k] * b[bi + k];
            s1 += a[k + 1] * b[bi + k + 1];
            s2 += a[k + 2] * b[bi + k + 2];
            s3 += a[k + 3] * b[bi + k + 3];
        }
        for (; k < dims; k++) {
            s0 += a[k] * b[bi + k];
        }
        return s0 + s1 + s2 + s3;
    }
}
