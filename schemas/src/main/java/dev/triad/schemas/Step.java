package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of a result's trace: one attempt at one step. Rejected attempts stay in the trace with
 * {@code accepted = false}, so regenerations are visible.
 *
 * @param index the step number, from 1
 * @param attempts which attempt at this step this entry is, from 1
 * @param subquestion the decomposer's subquestion
 * @param answer the solver's answer, or {@code null} when it never came
 * @param verdict the verifier's verdict, or {@code null} for strategies without a verifier
 * @param accepted whether the step joined the context the final answer is written from
 * @param raw the model's raw reply when it could not be parsed, otherwise {@code null}
 * @param reasoning the solver's reasoning for {@code answer} when its reply had one, otherwise
 *     {@code null} (and in results written before this field)
 * @param unverified {@code true} when the step joined the context although the verifier rejected it
 *     (its regenerations ran out and the policy keeps it unverified; later calls then see it marked
 *     {@code "verified": false}); otherwise {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Step(
        int index,
        int attempts,
        String subquestion,
        String answer,
        Verdict verdict,
        boolean accepted,
        String raw,
        String reasoning,
        Boolean unverified) {

    /** A step without the solver's reasoning, not kept unverified. */
    public Step(
            int index,
            int attempts,
            String subquestion,
            String answer,
            Verdict verdict,
            boolean accepted,
            String raw) {
        this(index, attempts, subquestion, answer, verdict, accepted, raw, null, null);
    }
}
