package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * The worked examples retrieved for one question from a demonstration pool ({@code run
 * --demonstrations FILE --shots K}), nearest first. A question carries them into the reasoning
 * operator, whose decomposer calls show them; its results keep them, so the prompts can be rendered
 * again exactly ({@code triad export}) without the pool.
 *
 * @param pool the pool file as given
 * @param sha256 a SHA-256 of the pool file's bytes
 * @param examples the examples shown, nearest first
 * @param skipped pool examples passed over as copies of the question: the same text once
 *     normalised, or a cosine similarity at or above the cut
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Demonstrations(
        String pool, String sha256, List<Demonstration> examples, int skipped) {

    public Demonstrations {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(sha256, "sha256");
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /** The pool for reports: {@code train.jsonl (sha256 1a2b3c4d5e6f…)}. */
    public String describePool() {
        return pool + " (sha256 " + sha256.substring(0, Math.min(12, sha256.length())) + "…)";
    }

    /** The examples' ids, nearest first. */
    public List<String> ids() {
        return examples.stream().map(Demonstration::id).toList();
    }
}
