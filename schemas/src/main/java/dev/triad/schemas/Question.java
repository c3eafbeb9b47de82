package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One item to reason about, as it enters the pipeline after field mapping. Mirrors {@code
 * schemas/question.schema.json}.
 *
 * @param id unique within a run
 * @param text the problem statement
 * @param gold the gold final answer, or {@code null} for labeling runs
 * @param goldSteps a gold decomposition, or {@code null}; only simulated models read it
 * @param metadata fields kept from the input (e.g. MATH {@code subject}, {@code level})
 * @param demonstrations the worked examples retrieved for it ({@code run --demonstrations}), which
 *     its decomposer calls show; {@code null} without a demonstration pool. Set by the job, never
 *     read from input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Question(
        String id,
        String text,
        String gold,
        List<GoldStep> goldSteps,
        Map<String, String> metadata,
        Demonstrations demonstrations) {

    public Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        goldSteps = goldSteps == null ? null : List.copyOf(goldSteps);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A question without demonstrations, as mapped from its input line. */
    public Question(
            String id,
            String text,
            String gold,
            List<GoldStep> goldSteps,
            Map<String, String> metadata) {
        this(id, text, gold, goldSteps, metadata, null);
    }

    /** This question with {@code demonstrations} (or none, for {@code null}). */
    public Question withDemonstrations(Demonstrations demonstrations) {
        return new Question(id, text, gold, goldSteps, metadata, demonstrations);
    }

    /** A question with no gold answer, steps or metadata. */
    public static Question of(String id, String text) {
        return new Question(id, text, null, null, Map.of());
    }
}
