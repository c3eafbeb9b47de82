package dev.triad.jobs.demos;

import dev.triad.embed.NeighbourIndex;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import java.util.ArrayList;
import java.util.List;

/**
 * A demonstration pool with its examples' embeddings indexed: {@link #retrieve} gives a question
 * its nearest solved examples, never the question itself. Immutable; searched from many threads.
 */
public final class PoolIndex {

    private final DemonstrationPool pool;
    private final NeighbourIndex index;

    /**
     * @param pool the examples
     * @param index their question texts' embeddings, in pool order
     */
    public PoolIndex(DemonstrationPool pool, NeighbourIndex index) {
        if (pool.size() != index.size()) {
            throw new IllegalArgumentException(
                    "the index holds "
                            + index.size()
                            + " vectors for "
                            + pool.size()
                            + " examples");
        }
        this.pool = pool;
        this.index = index;
    }

    /** The pool. */
    public DemonstrationPool pool() {
        return pool;
    }

    /** Whether searches are approximate (HNSW). */
    public boolean approximate() {
        return index.approximate();
    }

    /**
     * The {@code shots} examples nearest to a question, nearest first, skipping every example that
     * is a copy of it: the same text once normalised ({@link DemonstrationPool#normalise}), or a
     * cosine similarity at or above {@code cut}.
     *
     * @param text the question's text
     * @param vector its embedding, by the model that embedded the pool
     */
    public Demonstrations retrieve(String text, float[] vector, int shots, double cut) {
        String normalised = DemonstrationPool.normalise(text);
        List<DemonstrationPool.Example> examples = pool.examples();
        NeighbourIndex.Neighbours nearest =
                index.nearest(
                        vector,
                        shots,
                        (i, score) ->
                                score >= cut || examples.get(i).normalised().equals(normalised));
        List<Demonstration> shown = new ArrayList<>(nearest.found().size());
        for (NeighbourIndex.Neighbour n : nearest.found()) {
            Demonstration d = examples.get(n.index()).demonstration();
            shown.add(
                    new Demonstration(
                            d.id(),
                            d.question(),
                            d.steps(),
                            d.answer(),
                            Math.round(n.score() * 10_000d) / 10_000d));
        }
        return new Demonstrations(pool.file(), pool.sha256(), shown, nearest.skipped());
    }
}
