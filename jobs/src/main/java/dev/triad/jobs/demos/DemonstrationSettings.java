package dev.triad.jobs.demos;

import dev.triad.embed.EmbeddingSettings;
import dev.triad.embed.NeighbourIndex;
import dev.triad.schemas.mapping.FieldMapping;
import java.io.Serializable;
import java.util.Objects;

/**
 * How a run retrieves worked examples for its questions ({@code run --demonstrations FILE --shots
 * K}): the pool file (read again, and checked against its SHA-256, in each TaskManager), how its
 * lines map to examples, how many to show, which neighbours count as copies of the question, where
 * exact search ends, and the embedding model.
 *
 * @param pool the pool file's absolute path, as the TaskManagers read it
 * @param poolAsGiven the pool file as the user gave it, for results and messages
 * @param mapping how the pool's lines become examples
 * @param sha256 the SHA-256 of the pool file when the job was built
 * @param shots how many examples each question gets, at least 1
 * @param cut the cosine similarity from which a pool example counts as a copy of the question and
 *     is skipped, -1 to 1 (above 1: only same-text copies are skipped)
 * @param exactUpTo pools of at most this many examples are searched exactly, larger ones with HNSW
 * @param embedding the in-process embedding model (the same one as the near-duplicate check's)
 */
public record DemonstrationSettings(
        String pool,
        String poolAsGiven,
        FieldMapping mapping,
        String sha256,
        int shots,
        double cut,
        int exactUpTo,
        EmbeddingSettings embedding)
        implements Serializable {

    /** The cut when none is given. */
    public static final double DEFAULT_CUT = 0.95;

    /** The shots when none are given. */
    public static final int DEFAULT_SHOTS = 3;

    /** The exact-search limit when none is given. */
    public static final int DEFAULT_EXACT_UP_TO = NeighbourIndex.DEFAULT_EXACT_UP_TO;

    public DemonstrationSettings {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(poolAsGiven, "poolAsGiven");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(embedding, "embedding");
        if (shots < 1) {
            throw new IllegalArgumentException("shots must be at least 1, was " + shots);
        }
        if (Double.isNaN(cut) || cut < -1) {
            throw new IllegalArgumentException("the cut must be a cosine from -1 up, was " + cut);
        }
        if (exactUpTo < 0) {
            throw new IllegalArgumentException(
                    "the exact-search limit must be 0 or more, was " + exactUpTo);
        }
    }
}
