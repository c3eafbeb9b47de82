package dev.triad.jobs.similar;

import dev.triad.embed.EmbeddingSettings;
import java.io.Serializable;
import java.util.Objects;

/**
 * How a run checks its questions for near-duplicates: what to do with one ({@link
 * NearDuplicatePolicy#MARK} or {@link NearDuplicatePolicy#DROP}), the cosine similarity from which
 * two questions count as near-duplicates, and the embedding model.
 *
 * @param policy mark or drop
 * @param threshold the lowest cosine similarity that counts, -1 to 1
 * @param embedding the in-process embedding model
 */
public record NearDuplicateCheck(
        NearDuplicatePolicy policy, double threshold, EmbeddingSettings embedding)
        implements Serializable {

    public NearDuplicateCheck {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(embedding, "embedding");
        if (policy == NearDuplicatePolicy.OFF) {
            throw new IllegalArgumentException(
                    "A near-duplicate check marks or drops; for none, add no check");
        }
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException(
                    "The near-duplicate threshold must be between -1 and 1, was " + threshold);
        }
    }
}
