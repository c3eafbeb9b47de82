package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One worked example from a demonstration pool, as the decomposer was shown it: a solved problem,
 * its steps in order and its final answer. Part of {@link Demonstrations}.
 *
 * @param id the example's id in its pool (e.g. {@code train.jsonl:17})
 * @param question the example's problem text
 * @param steps its worked steps, one string each: {@code "subquestion answer"} where the pool has
 *     subquestions (an export, GSM8K socratic), else the solution line (GSM8K's worked solutions,
 *     calculator annotations removed)
 * @param answer its final answer
 * @param score the cosine similarity of its question's embedding to the question's, or {@code null}
 *     when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Demonstration(
        String id, String question, List<String> steps, String answer, Double score) {

    public Demonstration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        steps = steps == null ? List.of() : List.copyOf(steps);
    }
}
